import Foundation
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
