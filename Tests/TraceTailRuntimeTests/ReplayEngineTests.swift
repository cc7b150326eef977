import Foundation
import PatternParser
import Testing
import TraceTailCore
import TraceTailReport

@testable import TraceTailRuntime

@Suite struct ReplayEngineTests {
    /// Two nova files whose lines alternate in time, one CTA file with a bad line.
    static func writeFixture() throws -> String {
        let dir = try Repo.temporaryDirectory("replay")
        func line(_ t: String, _ pid: Int, _ req: String, _ msg: String) -> String {
            "2026-11-27 10:00:\(t) \(pid) INFO nova.api.openstack.requestlog [None req-\(req) - - - - - -] \(msg)"
        }
        let api = [
            line(
                "00.000", 1, "00000000-0000-4000-8000-000000000001",
                "10.0.0.1 \"GET /v2.1/servers\" status: 200 len: 10 microversion: 2.1 time: 0.100000"),
            line(
                "02.000", 1, "00000000-0000-4000-8000-000000000003",
                "10.0.0.1 \"GET /v2.1/servers\" status: 500 len: 10 microversion: 2.1 time: 0.300000"),
        ]
        let compute = [
            "2026-11-27 10:00:01.000 2 INFO nova.compute.manager [None req-00000000-0000-4000-8000-000000000002 - - - - - -] Took 1.00 seconds to spawn",
            "2026-11-27 10:00:03.000 2 INFO nova.compute.manager [None req-00000000-0000-4000-8000-000000000004 - - - - - -] Took 2.00 seconds to spawn",
        ]
        let cta = [
            #"{"timestamp":"2026-11-27T10:00:01.500Z","type":"patch_applied","run_id":"run-9","adapter":"x"}"#,
            #"{"timestamp":"2026-11-27T10:00:01.550Z","type":"canary_test","run_id":"run-9","passed":true}"#,
            #"{"timestamp":"2026-11-27T10:00:01.600Z","type":"teleport","run_id":"run-9"}"#,
            "not json at all",
        ]
        try (api.joined(separator: "\n") + "\n").write(toFile: dir + "/nova-api.log", atomically: true, encoding: .utf8)
        try (compute.joined(separator: "\n") + "\n").write(
            toFile: dir + "/nova-compute.log", atomically: true, encoding: .utf8)
        try (cta.joined(separator: "\n") + "\n").write(toFile: dir + "/cta.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func filesInterleaveByEventTimeAndFormatsAreDetected() throws {
        let dir = try Self.writeFixture()
        let engine = try ReplayEngine(ReplayRequest(paths: [dir], patterns: try Repo.patterns()))
        #expect(engine.sources.map(\.format) == [.ctaEvents, .oslo, .oslo])
        var spans: [Span] = []
        var events: [TelemetryEvent] = []
        let result = try engine.run(emit: { record in
            switch record {
            case .span(let s): spans.append(s)
            case .event(let e): events.append(e)
            case .metric: break
            }
        })
        // Four single-request traces, one per request id; the two files' lines interleave.
        #expect(spans.count == 4)
        let byRequest = Dictionary(
            uniqueKeysWithValues: spans.map { ($0.attributes["request_id"]?.description ?? "", $0) })
        #expect(byRequest["req-00000000-0000-4000-8000-000000000001"]?.service == "nova-api")
        #expect(byRequest["req-00000000-0000-4000-8000-000000000002"]?.service == "nova-compute")
        // The patch at 10:00:01.5 splits the phases: spans starting before it are before_fix.
        #expect(byRequest["req-00000000-0000-4000-8000-000000000001"]?.attributes["phase"] == .string("before_fix"))
        #expect(byRequest["req-00000000-0000-4000-8000-000000000002"]?.attributes["phase"] == .string("before_fix"))
        #expect(byRequest["req-00000000-0000-4000-8000-000000000003"]?.attributes["phase"] == .string("after_fix"))
        #expect(byRequest["req-00000000-0000-4000-8000-000000000004"]?.attributes["phase"] == .string("after_fix"))
        // Bad CTA lines are reported once each with file and line, and change nothing.
        try #require(result.totals.ctaEventProblems.count == 2)
        #expect(result.totals.ctaEventProblems[0].hasPrefix(dir + "/cta.jsonl:3:"))
        #expect(result.totals.ctaEventProblems[1].hasPrefix(dir + "/cta.jsonl:4:"))
        #expect(events.filter { $0.name == "phase_changed" }.count == 1)
        #expect(result.totals.lines == 8)
        #expect(result.totals.events == 4)
    }

    @Test func fixAtFromConfigurationSetsThePhase() throws {
        let dir = try Self.writeFixture()
        try FileManager.default.removeItem(atPath: dir + "/cta.jsonl")
        var config = TraceTailConfiguration()
        config.phase.fixAt = ISO8601.parse("2026-11-27T10:00:02.500Z")
        let engine = try ReplayEngine(ReplayRequest(paths: [dir], configuration: config, patterns: try Repo.patterns()))
        var phases: [String: AttributeValue] = [:]
        _ = try engine.run(emit: { record in
            if case .span(let s) = record { phases[s.attributes["request_id"]!.description] = s.attributes["phase"] }
        })
        #expect(phases["req-00000000-0000-4000-8000-000000000003"] == .string("before_fix"))  // starts 10:00:01.7
        #expect(phases["req-00000000-0000-4000-8000-000000000004"] == .string("after_fix"))
    }

    @Test func configuredServiceAndFormatApplyToMatchingFiles() throws {
        let dir = try Self.writeFixture()
        let yaml = "sources:\n  - path: \(dir)/nova-compute.log\n    service: compute-7\n"
        let config = try TraceTailConfiguration.parse(yaml: yaml, file: "t.yaml")
        let engine = try ReplayEngine(
            ReplayRequest(paths: [dir + "/nova-compute.log"], configuration: config, patterns: try Repo.patterns()))
        var services = Set<String>()
        _ = try engine.run(emit: { if case .span(let s) = $0 { services.insert(s.service) } })
        #expect(services == ["compute-7"])
    }

    @Test func missingPathsAreErrorsNamingThePath() throws {
        #expect(throws: ReplayError.self) {
            try ReplayEngine(ReplayRequest(paths: ["/nonexistent/x.log"], patterns: try Repo.patterns()))
        }
        let empty = try Repo.temporaryDirectory("empty")
        do {
            _ = try ReplayEngine(ReplayRequest(paths: [empty], patterns: try Repo.patterns()))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains(empty))
        }
    }
}

@Suite struct ReplayRunIDTests {
    /// `--run-id` pins the run: the samples' CTA events name `run-1`, yet every span, gauge,
    /// incident and MTTR of the replay carries the pinned run.
    @Test func pinnedRunIDTagsEverything() throws {
        var config = TraceTailConfiguration()
        config.phase.runID = "myrun"
        config.phase.runIDPinned = true
        let engine = try ReplayEngine(
            ReplayRequest(paths: [Repo.path("samples")], configuration: config, patterns: try Repo.patterns()))
        var runIDs = Set<String>()
        var sawMTTR = false
        _ = try engine.run(emit: { record in
            switch record {
            case .span(let s): runIDs.insert(s.attributes["run_id"]?.description ?? "none")
            case .metric(let m):
                if let r = m.tags["run_id"] { runIDs.insert(r) }
                if m.name == "cta.mttr_seconds" { sawMTTR = true }
            case .event(let e): if let r = e.tags["run_id"] { runIDs.insert(r) }
            }
        })
        #expect(runIDs == ["myrun"])
        #expect(sawMTTR)
    }
}
