import SpanCorrelator
import Testing
import TraceTailCore

/// Seed JSON events (`LineId/Level/Component/latency_ms/status/trace_id/span_id`) and
/// Datadog-injected oslo lines: the ids they carry are the span's ids.
@Test func seedJSONEventsGetTheIdsTheySay() throws {
    var event = Line(1001, "2017-05-16 00:00:01.250", source: 0)
    event.pid = nil
    event.level = .info
    event.component = "nova.compute.manager"
    event.latencyMs = 250
    event.status = 200
    event.traceID = TraceID(high: 0, low: 1_234_567_890)
    event.spanID = SpanID(1_234_567_891)
    var child = Line(1002, "2017-05-16 00:00:01.300", source: 0)
    child.pid = nil
    child.traceID = TraceID(high: 0, low: 1_234_567_890)
    child.spanID = SpanID(1_234_567_892)
    child.parentID = SpanID(1_234_567_891)
    child.status = 503
    let (spans, _) = correlate(
        [event.event, child.event], sources: [SourceID(0): .init(fileName: "events.jsonl", service: "cta-agent")])
    #expect(spans.count == 2)
    let root = try #require(spans.first { $0.spanID == SpanID(1_234_567_891) })
    #expect(root.traceID.description == "000000000000000000000000499602d2")
    #expect(root.parentID == nil)
    #expect(root.service == "cta-agent")
    #expect(root.name == "openstack.request")
    // latency_ms is the duration and the event time its end.
    #expect(root.start == Line.parseTime("2017-05-16 00:00:01.000"))
    #expect(root.durationNanoseconds == 250_000_000)
    #expect(root.resource == "nova.compute.manager")
    let second = try #require(spans.first { $0.spanID == SpanID(1_234_567_892) })
    #expect(second.parentID == SpanID(1_234_567_891))
    #expect(second.error)
}

@Test func datadogInjectedOsloLinesUseTheirIdsOverRequestIDs() throws {
    let r = "req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115"
    var first = Line(1, "2017-05-16 00:00:01.000", source: 0)
    first.requestID = r
    first.traceID = TraceID(decimal: Array("5208214525245298401".utf8))
    first.spanID = SpanID(decimal: Array("4150011359114617372".utf8))
    var second = first
    second.lineID = 2
    second.time = "2017-05-16 00:00:02.000"
    second.level = .error
    let (spans, _) = correlate([first.event, second.event])
    let span = try #require(spans.first)
    #expect(spans.count == 1)
    #expect(span.traceID == TraceID(high: 0, low: 5_208_214_525_245_298_401))
    #expect(span.spanID == SpanID(4_150_011_359_114_617_372))
    #expect(span.parentID == nil)
    #expect(span.attributes["request_id"] == .string(r))
    #expect(span.attributes["line_count"] == .int(2))
    #expect(span.error)
}

@Test func spanPerEventEmitsOneChildPerLineWithTheSeedTags() throws {
    var event = Line(1001, "2017-05-16 00:00:01.250", source: 0)
    event.component = "nova.compute.manager"
    event.latencyMs = 250
    event.status = 200
    event.traceID = TraceID(high: 0, low: 1_234_567_890)
    event.spanID = SpanID(1_234_567_891)
    var second = Line(1002, "2017-05-16 00:00:01.400", source: 0)
    second.level = .warning
    second.traceID = event.traceID
    second.spanID = event.spanID
    let (spans, correlator) = correlate(
        [event.event, second.event], configuration: .init(spanPerEvent: true),
        sources: [SourceID(0): .init(fileName: "nova-api.log")])
    #expect(spans.count == 3)
    let children = spans.filter { $0.name == "log_event" }.sorted { $0.start < $1.start }
    #expect(children.count == 2)
    #expect(children.allSatisfy { $0.parentID == SpanID(1_234_567_891) && $0.traceID == event.traceID })
    let c = children[0]
    // FNV-1a("nova-api/00000000499602d3/1001"): `<service>/<parent span hex>/<line_id>`.
    #expect(c.spanID.rawValue == fnv("nova-api/00000000499602d3/1001"))
    #expect(c.attributes["event_id"] == .int(1001))
    #expect(c.attributes["level"] == .string("INFO"))
    #expect(c.attributes["component"] == .string("nova.compute.manager"))
    #expect(c.attributes["latency_ms"] == .double(250))
    #expect(c.attributes["status"] == .int(200))
    #expect(c.durationNanoseconds == 250_000_000)
    #expect(children[1].attributes["level"] == .string("WARNING"))
    #expect(children[1].attributes["status"] == nil)
    #expect(correlator.counters.eventSpansEmitted == 2)
}

@Test func spanPerEventChildrenOfRequestSpansUseTheRequestAnchor() throws {
    let r = "req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115"
    var line = Line(12, "2017-05-16 00:00:01.000", source: 0)
    line.requestID = r
    let (spans, _) = correlate([line.event], configuration: .init(spanPerEvent: true))
    let child = try #require(spans.first { $0.name == "log_event" })
    #expect(child.spanID.rawValue == 0x203b_4920_e2db_15d5)  // FNV-1a("nova-compute/req-…b115/12"), Python
    #expect(child.parentID?.rawValue == low64(r))
}

@Test func spanPerEventChildrenAreBoundedPerSpan() {
    let r = "req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115"
    let lines = (1...5).map { i -> LogEvent in
        var l = Line(i, "2017-05-16 00:00:0\(i).000", source: 0)
        l.requestID = r
        return l.event
    }
    let (spans, correlator) = correlate(lines, configuration: .init(spanPerEvent: true, maxEventsPerSpan: 3))
    #expect(spans.filter { $0.name == "log_event" }.count == 3)
    #expect(correlator.counters.eventChildrenDropped == 2)
    #expect(spans.first { $0.name == "openstack.request" }?.attributes["line_count"] == .int(5))
}
