import Foundation
import PatternParser
import Testing
import TraceTailCore

@testable import TraceTailRuntime

/// Replay of the non-default inputs: the seed's JSON event shape, Datadog-injected oslo lines,
/// and a source zone for zone-less log times.
@Suite struct ReplayFormatsTests {
    @Test func seedJSONEventsBecomeSpansWithTheirOwnIds() throws {
        let dir = try Repo.temporaryDirectory("seed-json")
        let lines = [
            #"{"LineId":1001,"Level":"INFO","Component":"nova.compute.manager","latency_ms":250,"status":200,"trace_id":1234567890,"span_id":1234567891,"timestamp":"2026-11-27T10:00:00.250Z"}"#,
            #"{"LineId":1002,"level":"ERROR","component":"nova.compute.manager","latency_ms":40,"status":503,"trace_id":1234567890,"span_id":1234567892,"parent_id":1234567891,"timestamp":"2026-11-27T10:00:00.200Z"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: dir + "/cta-events-of-nova.jsonl", atomically: true, encoding: .utf8)
        let engine = try ReplayEngine(ReplayRequest(paths: [dir], patterns: try Repo.patterns()))
        #expect(engine.sources.map(\.format) == [.json])
        var spans: [Span] = []
        _ = try engine.run(emit: { if case .span(let s) = $0 { spans.append(s) } })
        spans.sort { $0.spanID < $1.spanID }
        try #require(spans.count == 2)
        #expect(spans[0].traceID.description == "000000000000000000000000499602d2")
        #expect(spans[0].spanID.description == "00000000499602d3")
        #expect(spans[0].parentID == nil)
        #expect(spans[0].durationNanoseconds == 250_000_000)
        #expect(spans[0].start == ISO8601.parse("2026-11-27T10:00:00.000Z"))  // end − latency
        #expect(spans[1].parentID == spans[0].spanID)
        #expect(spans[1].error)
    }

    @Test func datadogInjectedOsloLinesKeepTheirTraceIds() throws {
        let dir = try Repo.temporaryDirectory("dd-oslo")
        let line =
            "2026-11-27 10:00:00.100 7 INFO nova.api.openstack.requestlog [None req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70 - - - - - -] "
            + "[dd.service=nova dd.env=prod dd.trace_id=1234567890123 dd.span_id=42] 10.0.0.1 \"GET /v2.1/servers\" status: 200 len: 1 microversion: 2.1 time: 0.010000"
        try (line + "\n").write(toFile: dir + "/nova-api.log", atomically: true, encoding: .utf8)
        let engine = try ReplayEngine(ReplayRequest(paths: [dir + "/nova-api.log"], patterns: try Repo.patterns()))
        var spans: [Span] = []
        _ = try engine.run(emit: { if case .span(let s) = $0 { spans.append(s) } })
        try #require(spans.count == 1)
        #expect(spans[0].traceID == TraceID(high: 0, low: 1_234_567_890_123))
        #expect(spans[0].spanID == SpanID(42))
        #expect(spans[0].resource == "GET /v2.1/servers")
    }

    @Test func sourceTimezoneConvertsZonelessTimes() throws {
        let dir = try Repo.temporaryDirectory("zone")
        let line =
            "2026-07-01 12:00:00.000 7 INFO nova.api.openstack.requestlog [None req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70 - - - - - -] "
            + "10.0.0.1 \"GET /v2.1/servers\" status: 200 len: 1 microversion: 2.1 time: 0.000000"
        try (line + "\n").write(toFile: dir + "/nova-api.log", atomically: true, encoding: .utf8)
        let config = try TraceTailConfiguration.parse(
            yaml: "sources:\n  - path: \(dir)/nova-api.log\n    timezone: Europe/Berlin\n", file: "z.yaml")
        let engine = try ReplayEngine(
            ReplayRequest(paths: [dir + "/nova-api.log"], configuration: config, patterns: try Repo.patterns()))
        var spans: [Span] = []
        _ = try engine.run(emit: { if case .span(let s) = $0 { spans.append(s) } })
        try #require(spans.count == 1)
        #expect(spans[0].end == ISO8601.parse("2026-07-01T10:00:00Z"))  // CEST is UTC+2
    }
}

@Suite struct ReplaySeedAndLoghubTests {
    /// The seed's `LineId` is the `event_id` of a `span_per_event` child (not the file line).
    @Test func spanPerEventChildrenCarryTheSeedLineId() throws {
        let dir = try Repo.temporaryDirectory("seed-lineid")
        let line =
            #"{"LineId":1001,"Level":"INFO","Component":"nova.compute.manager","latency_ms":250,"status":200,"trace_id":1234567890,"span_id":1234567891,"timestamp":"2026-11-27T10:00:00.250Z"}"#
        try (line + "\n").write(toFile: dir + "/events.jsonl", atomically: true, encoding: .utf8)
        var config = TraceTailConfiguration()
        config.correlation.spanPerEvent = true
        let engine = try ReplayEngine(ReplayRequest(paths: [dir], configuration: config, patterns: try Repo.patterns()))
        var children: [Span] = []
        _ = try engine.run(emit: { if case .span(let s) = $0, s.name == "log_event" { children.append(s) } })
        try #require(children.count == 1)
        #expect(children[0].attributes["event_id"] == .int(1001))
        #expect(children[0].attributes["level"] == .string("INFO"))
        #expect(children[0].attributes["component"] == .string("nova.compute.manager"))
        #expect(children[0].attributes["status"] == .int(200))
        #expect(children[0].parentID == SpanID(1_234_567_891))
    }

    /// Loghub's real nova log: a periodic task reuses one request id for hours; its later lines
    /// must become children of the one span, never a second span with the same id.
    @Test(.enabled(if: Repo.hasLoghub, "../shared/data/loghub is absent (not part of this repository)"))
    func loghubReplayHasNoDuplicateSpans() throws {
        let log = Repo.loghubLog
        let engine = try ReplayEngine(ReplayRequest(paths: [log.path], patterns: try Repo.patterns()))
        var seen = Set<String>()
        var duplicates: [String] = []
        var services = Set<String>()
        _ = try engine.run(emit: { record in
            guard case .span(let s) = record, s.name == "openstack.request" else { return }
            services.insert(s.service)
            if !seen.insert("\(s.traceID)/\(s.spanID)").inserted { duplicates.append("\(s.spanID)") }
        })
        #expect(duplicates.isEmpty)
        #expect(seen.count > 1000)
        #expect(services == ["nova-api", "nova-compute", "nova-scheduler"])
    }
}
