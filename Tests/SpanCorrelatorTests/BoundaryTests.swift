import SpanCorrelator
import Testing
import TraceTailCore

// Boundaries that a mutation test showed unguarded (NOTES.md "Test strength"): each test pins
// one comparison from both sides, so flipping `<` / `<=` or min / max fails it.

private let request = "req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115"
private let lowGlobal = "req-10000000-0000-4000-8000-000000000001"
private let highGlobal = "req-f0000000-0000-4000-8000-000000000002"

private func requestLine(_ id: Int, _ time: String, source: UInt32 = 0, request: String = request) -> Line {
    var line = Line(id, "2017-05-16 00:\(time)", source: source)
    line.requestID = request
    return line
}

/// A distinct request id per number, for lines that must open spans of their own.
private func requestID(_ n: Int) -> String {
    "req-0f6a1c2e-3b4d-4e5f-8a9b-\(String(repeating: "0", count: 12 - String(n).count))\(n)"
}

@Test(arguments: [(500, true), (499, false)])
func anInfoLineWithStatusAtErrorStatusMinMakesAnErrorSpanAndChild(status: Int, expectError: Bool) throws {
    // The only error signal is the status: INFO level, no traceback.
    var line = requestLine(1, "00:01.000")
    line.level = .info
    line.method = "GET"
    line.path = "/v2.1/servers"
    line.status = status
    line.latencyMs = 12
    let (spans, _) = correlate(
        [line.event], configuration: .init(spanPerEvent: true, errorStatusMin: 500),
        sources: [SourceID(0): .init(fileName: "nova-api.log")])
    let span = try #require(spans.first { $0.name == "openstack.request" })
    let child = try #require(spans.first { $0.name == "log_event" })
    #expect(span.error == expectError)
    #expect(child.error == expectError)
}

/// The correlator's watermark is `newest − allowedLateness`. A line exactly that old is not
/// before the watermark: it is held for reordering (`time < watermark` correlates at once), and a
/// held line exactly at the watermark stays held (release takes lines strictly before it).
@Test func aLineExactlyAllowedLatenessBehindIsHeldAndOneMillisecondMoreIsNot() {
    var correlator = SpanCorrelator(
        configuration: .init(allowedLateness: .seconds(5)), sources: [SourceID(0): .init(fileName: "nova-api.log")])
    var out: [Span] = []
    correlator.consume(requestLine(1, "00:05.000", request: requestID(1)).event, into: &out)
    // Newest 10.000 → watermark 5.000: the line at exactly 5.000 is not released.
    correlator.consume(requestLine(2, "00:10.000", request: requestID(2)).event, into: &out)
    #expect(correlator.bufferedLineCount == 2)
    #expect(correlator.openSpanCount == 0)

    // Arriving exactly 5 s late: held like any line at or after the watermark.
    correlator.consume(requestLine(3, "00:05.000", request: requestID(3)).event, into: &out)
    #expect(correlator.bufferedLineCount == 3)
    #expect(correlator.openSpanCount == 0)

    // 1 ms more than 5 s late: before the watermark, correlated at once.
    correlator.consume(requestLine(4, "00:04.999", request: requestID(4)).event, into: &out)
    #expect(correlator.bufferedLineCount == 3)
    #expect(correlator.openSpanCount == 1)

    // Watermark 5.001: now both lines at 5.000 are strictly before it and are released.
    correlator.consume(requestLine(5, "00:10.001", request: requestID(5)).event, into: &out)
    #expect(correlator.bufferedLineCount == 2)
    #expect(correlator.openSpanCount == 3)
}

@Test func aLineExactlyAllowedLatenessLateStillJoinsItsSpan() {
    var correlator = SpanCorrelator(
        configuration: .init(allowedLateness: .seconds(5)), sources: [SourceID(0): .init(fileName: "nova-api.log")])
    var out: [Span] = []
    correlator.consume(requestLine(1, "00:01.000").event, into: &out)
    correlator.consume(requestLine(2, "00:06.000", request: requestID(9)).event, into: &out)
    correlator.consume(requestLine(3, "00:01.000").event, into: &out)
    correlator.finish(into: &out)
    let span = out.first { $0.attributes["request_id"] == .string(request) }
    #expect(span?.attributes["line_count"] == .int(2))
    #expect(correlator.counters.late == 0)
}

@Test(arguments: [true, false])
func oneRequestLoggedWithTwoGlobalIdsTakesTheLeastInOneSpan(leastFirst: Bool) throws {
    var first = requestLine(1, "00:01.000")
    var second = requestLine(2, "00:02.000")
    first.globalRequestID = leastFirst ? lowGlobal : highGlobal
    second.globalRequestID = leastFirst ? highGlobal : lowGlobal
    let (spans, _) = correlate([first.event, second.event])
    let span = try #require(spans.first)
    #expect(spans.count == 1)
    #expect(span.traceID == TraceID(RequestID(lowGlobal)!.uuid))
    #expect(span.parentID?.rawValue == low64(lowGlobal))
    #expect(span.attributes["global_request_id"] == .string(lowGlobal))
}

@Test(arguments: [true, false])
func oneRequestLoggedWithTwoGlobalIdsTakesTheLeastAcrossServices(leastFirst: Bool) throws {
    // nova-api logs R under one global id, nova-compute under the other.
    var api = requestLine(1, "00:01.000", source: 0)
    var compute = requestLine(1, "00:02.000", source: 1)
    api.globalRequestID = leastFirst ? lowGlobal : highGlobal
    compute.globalRequestID = leastFirst ? highGlobal : lowGlobal
    let (spans, _) = correlate(
        [api.event, compute.event],
        sources: [SourceID(0): .init(fileName: "nova-api.log"), SourceID(1): .init(fileName: "nova-compute.log")])
    #expect(spans.count == 2)
    let low = TraceID(RequestID(lowGlobal)!.uuid)
    #expect(spans.allSatisfy { $0.traceID == low })
    #expect(spans.allSatisfy { $0.attributes["global_request_id"] == .string(lowGlobal) })
    let entry = try #require(spans.first { $0.spanID.rawValue == low64(request) })
    #expect(entry.parentID?.rawValue == low64(lowGlobal))
}
