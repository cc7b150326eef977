import Foundation
import LogSimulator
import Testing
import TraceTailCore

@testable import TraceTailRuntime

/// `samples/` through the real one-shot pipeline, compared line for line with committed goldens:
/// spans in one file, metrics and events in another. `UPDATE_GOLDENS=1 swift test` rewrites them
/// (only on purpose: review the diff).
@Suite struct SampleReplayGoldenTests {
    static let spansGolden = Repo.path("Tests/Goldens/samples.spans.golden.jsonl")
    static let metricsGolden = Repo.path("Tests/Goldens/samples.metrics.golden.jsonl")

    static func replaySamples() throws -> (spans: [String], metrics: [String]) {
        let request = ReplayRequest(paths: [Repo.path("samples")], patterns: try Repo.patterns())
        let engine = try ReplayEngine(request)
        var spans: [String] = []
        var metrics: [String] = []
        _ = try engine.run(emit: { record in
            if case .span = record { spans.append(record.jsonLine) } else { metrics.append(record.jsonLine) }
        })
        return (spans, metrics)
    }

    @Test func replayOfSamplesMatchesGoldens() throws {
        let (spans, metrics) = try Self.replaySamples()
        if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
            try (spans.joined(separator: "\n") + "\n").write(
                toFile: Self.spansGolden, atomically: true, encoding: .utf8)
            try (metrics.joined(separator: "\n") + "\n").write(
                toFile: Self.metricsGolden, atomically: true, encoding: .utf8)
        }
        try expectEqualLines(spans, golden: Self.spansGolden)
        try expectEqualLines(metrics, golden: Self.metricsGolden)
    }

    @Test func replayIsDeterministic() throws {
        let first = try Self.replaySamples()
        let second = try Self.replaySamples()
        #expect(first.spans == second.spans)
        #expect(first.metrics == second.metrics)
    }

    private func expectEqualLines(_ actual: [String], golden path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        #expect(actual.count == expected.count, "\(path): \(actual.count) lines, golden has \(expected.count)")
        for (i, (a, e)) in zip(actual, expected).enumerated() where a != e {
            Issue.record("\(path):\(i + 1) differs\n  got:    \(a)\n  golden: \(e)")
            return
        }
    }
}

/// The window gauges agree with the spans of the same replay: for every `cta.requests` point,
/// the number of request spans of that service and phase whose end lies in (t − 60 s, t].
/// (A window evaluated before a long request's spans were emitted would undercount.)
@Suite struct WindowConsistencyTests {
    @Test(arguments: ["samples", "sim-seed-3"])
    func requestGaugesCountTheSpansThatEndedInTheirWindow(_ input: String) throws {
        var path = Repo.path("samples")
        if input != "samples" {
            path = try Repo.temporaryDirectory(input)
            var config = SimulationConfiguration()
            config.duration = .minutes(5)
            config.seed = 3
            try SimulationWriter(directory: path).writeAll(config)
        }
        let engine = try ReplayEngine(ReplayRequest(paths: [path], patterns: try Repo.patterns()))
        var spans: [Span] = []
        var gauges: [MetricPoint] = []
        _ = try engine.run(emit: { record in
            if case .span(let s) = record, s.name == "openstack.request" { spans.append(s) }
            if case .metric(let m) = record, m.name == "cta.requests" { gauges.append(m) }
        })
        #expect(gauges.count > 100)
        let window: Int64 = 60_000_000_000
        var mismatches = 0
        for g in gauges {
            let t = g.timestamp.nanoseconds
            let n = spans.filter {
                $0.service == g.tags["service"] && $0.attributes["phase"]?.description == g.tags["phase"]
                    && $0.end.nanoseconds > t - window && $0.end.nanoseconds <= t
            }.count
            if Double(n) != g.value { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
