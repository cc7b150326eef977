import SpanCorrelator
import Testing
import TraceTailCore

private let r = "req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115"
private let sources: [SourceID: SpanCorrelator.Source] = [
    SourceID(0): .init(fileName: "nova-api.log"), SourceID(1): .init(fileName: "nova-compute.log"),
]

private func line(_ source: UInt32, _ id: Int, _ time: String) -> Line {
    var l = Line(id, "2017-05-16 00:\(time)", source: source)
    l.requestID = r
    return l
}

@Test func aLineForAnEmittedSpanBecomesALateChild() throws {
    var correlator = SpanCorrelator(sources: sources)
    var out: [Span] = []
    var request = line(0, 1, "00:01.000")
    request.method = "GET"
    request.path = "/v2.1/servers"
    request.status = 200
    correlator.consume(line(1, 3, "00:00.500").event, into: &out)
    correlator.consume(request.event, into: &out)
    correlator.advance(to: Line.parseTime("2017-05-16 00:00:40.000"), into: &out)
    #expect(out.count == 2)
    #expect(correlator.openSpanCount == 0)

    var lateLine = line(1, 12, "00:41.000")
    lateLine.level = .error
    correlator.consume(lateLine.event, into: &out)
    correlator.finish(into: &out)
    #expect(out.count == 3)
    let child = try #require(out.last)
    #expect(child.name == "log_event")
    #expect(child.service == "nova-compute")
    // Child of nova-compute's own span, which is FNV(nova-compute/R).
    #expect(child.parentID?.rawValue == fnv("nova-compute/\(r)"))
    #expect(child.traceID == TraceID(RequestID(r)!.uuid))
    // FNV-1a("nova-compute/req-0f6a…b115/12"), pinned with Python.
    #expect(child.spanID.rawValue == 0x203b_4920_e2db_15d5)
    #expect(child.error)
    #expect(child.attributes["late"] == .bool(true))
    #expect(child.attributes["event_id"] == .int(12))
    #expect(out.filter { $0.name == "openstack.request" }.count == 2)
    #expect(correlator.counters.late == 1)
}

@Test func aLateLineOfANewServiceHangsUnderTheEntry() throws {
    var correlator = SpanCorrelator(sources: sources)
    var out: [Span] = []
    correlator.consume(line(0, 1, "00:01.000").event, into: &out)
    correlator.advance(to: Line.parseTime("2017-05-16 00:01:00.000"), into: &out)
    correlator.consume(line(1, 7, "01:01.000").event, into: &out)
    correlator.finish(into: &out)
    #expect(out.map(\.name) == ["openstack.request", "log_event"])
    #expect(out[1].parentID?.rawValue == low64(r))
    #expect(out[1].spanID.rawValue == fnv("nova-compute/\(r)/7"))
}

@Test func aLineIdleTimeoutAfterItsGroupIsLateEvenBeforeTheWatermark() {
    // No advance in between, and within allowedLateness of nothing: the gap alone decides.
    let lines = [line(1, 1, "00:00.000"), line(1, 2, "00:10.000"), line(1, 3, "00:40.000")]
    let (spans, correlator) = correlate(lines.map(\.event), sources: sources)
    #expect(spans.map(\.name) == ["openstack.request", "log_event"])
    #expect(spans[0].attributes["line_count"] == .int(2))
    #expect(spans[0].durationNanoseconds == 10_000_000_000)
    #expect(correlator.counters.late == 1)
}

@Test func idleSpansAreEmittedAsEventTimeAdvances() {
    var correlator = SpanCorrelator(configuration: .init(idleTimeout: .seconds(30)), sources: sources)
    var out: [Span] = []
    correlator.consume(line(1, 1, "00:00.000").event, into: &out)
    var other = line(1, 2, "00:34.999")
    other.requestID = "req-66666666-7777-4888-9999-aaaaaaaaaaaa"
    correlator.consume(other.event, into: &out)
    #expect(out.isEmpty)  // watermark 29.999 s: not idle for 30 s yet
    other.lineID = 3
    other.time = "2017-05-16 00:00:35.000"
    correlator.consume(other.event, into: &out)
    #expect(out.count == 1)  // watermark 30 s
    #expect(correlator.openSpanCount == 0)
    #expect(correlator.bufferedLineCount == 2)  // 34.999 and 35.000 wait for the watermark
}

@Test func evictionPastTheCapEmitsTheLeastRecentlyActive() throws {
    let ids = (0..<5).map { "req-0000000\($0)-0000-4000-8000-000000000000" }
    var correlator = SpanCorrelator(configuration: .init(maxOpenSpans: 3), sources: sources)
    var out: [Span] = []
    for (i, id) in ids.enumerated() {
        var l = line(1, i + 1, "00:0\(i).000")
        l.requestID = id
        correlator.consume(l.event, into: &out)
        if i == 2 {  // touch the first request again: now the second is least recently active
            var again = line(1, 10, "00:02.500")
            again.requestID = ids[0]
            correlator.consume(again.event, into: &out)
        }
    }
    #expect(out.isEmpty)  // all within allowedLateness of the newest line: still held
    correlator.advance(to: Line.parseTime("2017-05-16 00:00:10.000"), into: &out)
    #expect(correlator.openSpanCount == 3)
    #expect(correlator.counters.evicted == 2)
    #expect(out.map { $0.attributes["request_id"] } == [.string(ids[1]), .string(ids[2])])
    // A line for an evicted request is late, never a second copy.
    var late = line(1, 20, "00:05.000")
    late.requestID = ids[1]
    correlator.consume(late.event, into: &out)  // older than the watermark: correlated at once
    #expect(out.last?.name == "log_event")
    #expect(correlator.counters.late == 1)
}

@Test func emittedSpansAreRememberedOnlyUpToTheBound() {
    var correlator = SpanCorrelator(configuration: .init(rememberedSpans: 2), sources: sources)
    var out: [Span] = []
    let ids = (0..<3).map { "req-0000000\($0)-0000-4000-8000-000000000000" }
    for (i, id) in ids.enumerated() {
        var l = line(1, i + 1, "0\(i):00.000")  // a minute apart: each closes the previous
        l.requestID = id
        correlator.consume(l.event, into: &out)
    }
    correlator.finish(into: &out)
    #expect(correlator.rememberedSpanCount == 2)
    // ids[0] was forgotten: its line opens a new span (same ids, documented); ids[2] is late.
    var forgotten = line(1, 9, "02:00.500")
    forgotten.requestID = ids[0]
    var remembered = line(1, 10, "02:00.600")
    remembered.requestID = ids[2]
    out.removeAll()
    correlator.consume(forgotten.event, into: &out)
    correlator.consume(remembered.event, into: &out)
    correlator.finish(into: &out)
    #expect(out.map(\.name).sorted() == ["log_event", "openstack.request"])
    #expect(out.first { $0.name == "openstack.request" }?.spanID.rawValue == low64(ids[0]))
}

/// 1 M requests that never end (all within a second, so nothing goes idle): open spans stay
/// at the cap, the rest are evicted and counted, the remembered set and the reorder buffer
/// stay at their bounds.
@Test func aMillionOpenRequestsStayWithinTheCap() {
    let cap = 1_000
    var correlator = SpanCorrelator(
        configuration: .init(maxOpenSpans: cap, rememberedSpans: cap, maxBufferedLines: cap), sources: sources)
    let template = line(1, 1, "00:00.000").event
    var out: [Span] = []
    out.reserveCapacity(1_024)
    var emitted = 0
    var maxOpen = 0
    var maxBuffered = 0
    let count = 1_000_000
    for i in 0..<count {
        var event = template
        event.lineID = i + 1
        event.requestID = RequestID(uuid: UUID128(high: UInt64(i), low: UInt64(i) &* 0x9e37_79b9_7f4a_7c15 | 1))
        event.requestIDText = nil
        event.timestamp = template.timestamp!.advanced(byNanoseconds: Int64(i) * 1_000)
        correlator.consume(event, into: &out)
        if out.count >= 1_000 {
            emitted += out.count
            out.removeAll(keepingCapacity: true)
        }
        maxOpen = max(maxOpen, correlator.openSpanCount)
        maxBuffered = max(maxBuffered, correlator.bufferedLineCount)
    }
    emitted += out.count
    #expect(maxOpen == cap)
    #expect(maxBuffered == cap)
    #expect(correlator.counters.forcedReleases == count - cap)
    // Evictions happen as the buffer releases lines: all but the last cap open + cap held.
    #expect(correlator.counters.evicted == count - 2 * cap)
    #expect(emitted == count - 2 * cap)
    #expect(correlator.rememberedSpanCount == cap)
    out.removeAll()
    correlator.finish(into: &out)
    #expect(out.count == 2 * cap)
    #expect(correlator.counters.spansEmitted == count)
}
