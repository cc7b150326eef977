import SpanCorrelator
import Testing
import TraceTailCore

private let r1 = "req-11111111-2222-4333-8444-555555555555"
private let r2 = "req-66666666-7777-4888-9999-aaaaaaaaaaaa"

/// Two workers (pids 100 and 200) of one nova-compute log interleave an error and its
/// traceback; oslo re-prefixes every traceback line with `time pid ERROR name` and no context.
private func interleavedTracebacks() -> [Line] {
    func head(_ id: Int, pid: Int, request: String, _ message: String) -> Line {
        var l = Line(id, "2017-05-16 00:00:05.000", source: 0)
        l.pid = pid
        l.level = .error
        l.requestID = request
        l.message = message
        return l
    }
    func traceback(_ id: Int, pid: Int, _ message: String, flagged: Bool) -> Line {
        var l = Line(id, "2017-05-16 00:00:05.000", source: 0)
        l.pid = pid
        l.level = .error
        l.message = message
        l.continuation = flagged
        return l
    }
    return [
        head(1, pid: 100, request: r1, "Instance failed to spawn"),
        head(2, pid: 200, request: r2, "Failed to allocate network"),
        traceback(3, pid: 100, "Traceback (most recent call last):", flagged: true),
        traceback(4, pid: 200, "Traceback (most recent call last):", flagged: false),  // pid+time rule
        traceback(5, pid: 100, "  File \"nova/compute/manager.py\", line 1, in _build", flagged: true),
        traceback(6, pid: 100, "libvirtError: internal error", flagged: false),  // pid+time rule
        traceback(7, pid: 200, "PortBindingFailed", flagged: true),
    ]
}

@Test func tracebackLinesAttachToTheirOwnPidOnly() throws {
    let (spans, correlator) = correlate(interleavedTracebacks().map(\.event))
    #expect(spans.count == 2)
    let first = try #require(spans.first { $0.attributes["request_id"] == .string(r1) })
    let second = try #require(spans.first { $0.attributes["request_id"] == .string(r2) })
    #expect(first.attributes["line_count"] == .int(4))
    #expect(second.attributes["line_count"] == .int(3))
    #expect(first.attributes["pid"] == .int(100))
    #expect(first.attributes["error.message"] == .string("Instance failed to spawn"))
    #expect(correlator.counters.continuationAttached == 5)
    #expect(correlator.counters.orphanContinuations == 0)
    #expect(correlator.counters.idlessDropped == 0)
}

@Test func errorContinuationMakesTheSpanAnError() throws {
    var head = Line(1, "2017-05-16 00:00:05.000")
    head.requestID = r1
    head.level = .warning
    var cont = Line(2, nil)  // a line that does not start with a timestamp
    cont.pid = nil
    cont.level = .error
    cont.message = "Traceback (most recent call last):"
    cont.continuation = true
    let (spans, correlator) = correlate([head.event, cont.event])
    let span = try #require(spans.first)
    #expect(span.error)
    #expect(span.attributes["line_count"] == .int(2))
    #expect(span.attributes["error.message"] == .string("Traceback (most recent call last):"))
    #expect(correlator.counters.continuationAttached == 1)
}

@Test func continuationsNeverStartATraceOrJoinAnotherPid() {
    var other = Line(1, "2017-05-16 00:00:05.000")
    other.pid = 200
    other.requestID = r2
    var orphan = Line(2, "2017-05-16 00:00:05.000")
    orphan.pid = 100
    orphan.level = .error
    orphan.continuation = true
    // An id-less ERROR line (dropped) and its traceback: the traceback has nothing to join.
    var idless = Line(3, "2017-05-16 00:00:06.000")
    idless.pid = 300
    idless.level = .error
    var idlessTraceback = Line(4, "2017-05-16 00:00:06.000")
    idlessTraceback.pid = 300
    idlessTraceback.level = .error
    let (spans, correlator) = correlate([other.event, orphan.event, idless.event, idlessTraceback.event])
    #expect(spans.count == 1)
    #expect(spans.first?.attributes["line_count"] == .int(1))
    #expect(correlator.counters.orphanContinuations == 2)
    #expect(correlator.counters.idlessDropped == 1)
}

@Test func continuationsStayInTheirSourceFile() {
    // Same pid number in two files: different processes.
    var head = Line(1, "2017-05-16 00:00:05.000", source: 0)
    head.pid = 100
    head.level = .error
    head.requestID = r1
    var elsewhere = Line(1, "2017-05-16 00:00:05.000", source: 1)
    elsewhere.pid = 100
    elsewhere.level = .error
    elsewhere.continuation = true
    let (spans, correlator) = correlate(
        [head.event, elsewhere.event],
        sources: [SourceID(0): .init(fileName: "nova-compute.log"), SourceID(1): .init(fileName: "nova-api.log")])
    #expect(spans.first?.attributes["line_count"] == .int(1))
    #expect(correlator.counters.orphanContinuations == 1)
}
