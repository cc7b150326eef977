import PhaseAggregator
import Testing
import TraceTailCore

@Suite struct ComparisonTests {
    /// Ten before spans (100…1000 ms, 4 errors) starting in [0, 300) and ten after spans
    /// (10…100 ms, 1 error) starting in [300, 600), fix at 300, plus spans just outside.
    func handMadeStream() -> [PhaseAggregator.Input] {
        var inputs: [PhaseAggregator.Input] = []
        for i in 1...10 {
            inputs.append(.span(span(start: at(Int64(i) * 25), durationMs: Int64(i) * 100, error: i <= 4)))
            inputs.append(.span(span(start: at(300 + Int64(i) * 25), durationMs: Int64(i) * 10, error: i == 1)))
        }
        inputs.append(.span(span(start: at(-1), durationMs: 5_000, error: true)))  // before fix − 5 m
        inputs.append(.span(span(start: at(600), durationMs: 5_000, error: true)))  // at fix + 5 m
        return inputs
    }

    @Test func improvementValuesByHand() {
        let c = config { $0.fixAt = at(300) }
        let (out, summary) = run(c, handMadeStream(), watermark: at(2_000))
        func value(_ name: String) -> Double? { out.metrics(name).first?.value }
        // Error rate 0.4 → 0.1; p95 (nearest rank 10 of 10) 1000 ms → 100 ms.
        #expect(close(value("cta.improvement.error_rate"), 0.3))
        #expect(close(value("cta.improvement.error_rate_pct"), 75))
        #expect(close(value("cta.improvement.latency_ms"), 900))
        #expect(close(value("cta.improvement.latency_ms_pct"), 90))
        let names = [
            "cta.improvement.error_rate", "cta.improvement.error_rate_pct", "cta.improvement.latency_ms",
            "cta.improvement.latency_ms_pct",
        ]
        for name in names {
            #expect(out.metrics(name).count == 1, "\(name) emitted once")
            #expect(out.metrics(name).first?.tags == ["service": "nova-api", "run_id": "run-1"])
            #expect(out.metrics(name).first?.timestamp == at(600))
            #expect(out.metrics(name).first?.type == .gauge)
        }
        #expect(summary.comparisons.count == 1)
        #expect(summary.comparisons.first?.before.requests == 10)
        #expect(summary.comparisons.first?.after.requests == 10)
    }

    @Test func emittedOnceTheCompareWindowHasPassedPlusSettleDelay() {
        var c = config { $0.fixAt = at(300) }
        c.settleDelay = .seconds(35)
        var aggregator = PhaseAggregator(configuration: c)
        var out: [OutputRecord] = []
        for input in handMadeStream() { aggregator.consume(input, into: &out) }
        aggregator.advance(to: at(634) + .milliseconds(999), into: &out)
        #expect(out.metrics("cta.improvement.error_rate").isEmpty)
        aggregator.advance(to: at(635), into: &out)
        #expect(out.metrics("cta.improvement.error_rate").count == 1)
        aggregator.advance(to: at(5_000), into: &out)
        aggregator.finish(into: &out)
        #expect(out.metrics("cta.improvement.error_rate").count == 1)
    }

    @Test func percentagesAreOmittedWhenTheBaseIsZero() {
        let c = config { $0.fixAt = at(100) }
        let inputs: [PhaseAggregator.Input] = [
            .span(span(start: at(50), durationMs: 0)), .span(span(start: at(150), durationMs: 10, error: true)),
        ]
        let (out, _) = run(c, inputs, watermark: at(1_000))
        #expect(close(out.metrics("cta.improvement.error_rate").first?.value, -1))
        #expect(out.metrics("cta.improvement.error_rate_pct").isEmpty)
        #expect(close(out.metrics("cta.improvement.latency_ms").first?.value, -10))
        #expect(out.metrics("cta.improvement.latency_ms_pct").isEmpty)
    }

    @Test func atFinishWithWhatThereIsStampedAtTheLastEventTime() {
        let c = config { $0.fixAt = at(300) }
        let inputs: [PhaseAggregator.Input] = [
            .span(span(start: at(250), durationMs: 100, error: true)), .span(span(start: at(320), durationMs: 100)),
        ]
        let (out, _) = run(c, inputs)
        #expect(close(out.metrics("cta.improvement.error_rate").first?.value, 1))
        #expect(out.metrics("cta.improvement.error_rate").first?.timestamp == atMs(320_100))
    }

    @Test func rollbackThenRefixGetsOneComparisonPerFix() {
        // fix 300, rollback 400, re-fix 500; one span starts every 10 s from 0 to 990, errors
        // only before the first fix.
        var inputs: [PhaseAggregator.Input] = [
            .cta(cta(.patchApplied, at(300))), .cta(cta(.fixRollback, at(400))), .cta(cta(.patchApplied, at(500))),
        ]
        for s in stride(from: Int64(0), to: 1_000, by: 10) {
            inputs.append(.span(span(start: at(s), durationMs: 10, error: s < 300)))
        }
        let (out, summary) = run(config(), inputs, watermark: at(5_000))
        #expect(summary.comparisons.map(\.fixAt) == [at(300), at(500)])
        // Fix 1: before [0, 300) = 30 spans, all errors; after [300, 400) cut at the rollback = 10.
        #expect(summary.comparisons[0].before.requests == 30)
        #expect(summary.comparisons[0].after.requests == 10)
        // Fix 2: before_fix spans in [200, 500) = [200, 300) and [400, 500) = 20, half errors;
        // after [500, 800) = 30.
        #expect(summary.comparisons[1].before.requests == 20)
        #expect(close(summary.comparisons[1].before.errorRate, 0.5))
        #expect(summary.comparisons[1].after.requests == 30)
        #expect(out.metrics("cta.improvement.error_rate").map(\.value) == [1, 0.5])
        #expect(out.metrics("cta.improvement.error_rate").map(\.timestamp) == [at(600), at(800)])
        #expect(
            out.metrics("cta.improvement.error_rate").allSatisfy {
                $0.tags == ["service": "nova-api", "run_id": "run-7"]
            })
    }

    @Test func beforeSpansConsumedBeforeTheFixIsKnownStillCount() {
        // As in a replay: the spans come first, the CTA event after them.
        var inputs: [PhaseAggregator.Input] = (0..<5).map {
            .span(span(start: at(100 + $0 * 10), durationMs: 10, error: true))
        }
        inputs.append(.cta(cta(.patchApplied, at(200))))
        inputs += (0..<5).map { .span(span(start: at(210 + $0 * 10), durationMs: 10)) }
        let (out, _) = run(config(), inputs, watermark: at(2_000))
        #expect(close(out.metrics("cta.improvement.error_rate").first?.value, 1))
    }
}
