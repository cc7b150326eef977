import PhaseAggregator
import Testing
import TraceTailCore

@Suite struct SummaryTests {
    @Test func perServiceBeforeAndAfterStatsByHand() {
        let c = config { $0.fixAt = at(1_000) }
        var inputs: [PhaseAggregator.Input] = []
        // Before: 20 spans of 10…200 ms, 5 errors. After: 4 spans of 40 ms, none failing.
        for i in 1...20 {
            inputs.append(.span(span(start: at(Int64(i) * 10), durationMs: Int64(i) * 10, error: i % 4 == 0)))
        }
        for i in 1...4 { inputs.append(.span(span(start: at(1_000 + Int64(i)), durationMs: 40))) }
        inputs.append(.span(span("glance", start: at(5), durationMs: 7)))
        let (_, summary) = run(c, inputs)
        #expect(summary.services.map(\.service) == ["glance", "nova-api"])
        let nova = summary.services[1]
        #expect(nova.before.requests == 20)
        #expect(nova.before.errors == 5)
        #expect(close(nova.before.errorRate, 0.25))
        // Nearest rank of 20: p50 = 10th = 100 ms, p95 = 19th = 190 ms, p99 = 20th = 200 ms.
        #expect(nova.before.p50Ms == 100 && nova.before.p95Ms == 190 && nova.before.p99Ms == 200)
        #expect(nova.after.requests == 4 && nova.after.p95Ms == 40 && nova.after.errorRate == 0)
        #expect(summary.services[0].after == .empty)
        #expect(summary.phaseTransitions.map(\.at) == [at(1_000)])
    }

    @Test func lateSpansAreCountedAndStillCountInLaterWindows() {
        var aggregator = PhaseAggregator(configuration: config())
        var out: [OutputRecord] = []
        aggregator.consume(.span(span(end: at(5), id: 1)), into: &out)
        aggregator.advance(to: at(30), into: &out)
        aggregator.consume(.span(span(end: at(6), id: 2)), into: &out)  // bucket 10, already evaluated
        aggregator.advance(to: at(40), into: &out)
        aggregator.finish(into: &out)
        #expect(aggregator.summary.lateSpans == 1)
        #expect(out.series("cta.requests") == [10: 1, 20: 1, 30: 1, 40: 2])
    }

    @Test func boundariesBeforeNineteenSeventyRoundTowardMinusInfinity() {
        let inputs: [PhaseAggregator.Input] = [
            .span(span(end: EventTime(seconds: -5), id: 1)), .span(span(end: EventTime(seconds: -15), id: 2)),
        ]
        let c = config { $0.window = .seconds(10) }
        let (out, _) = run(c, inputs)
        #expect(out.metrics("cta.requests").map(\.timestamp) == [EventTime(seconds: -10), EventTime(seconds: 0)])
    }

    @Test func finishIsIdempotent() {
        var aggregator = PhaseAggregator(configuration: config())
        var out: [OutputRecord] = []
        aggregator.consume(.span(span(end: at(5))), into: &out)
        aggregator.finish(into: &out)
        let count = out.count
        aggregator.finish(into: &out)
        #expect(count > 1 && out.count == count)
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsAreDesignsAndValid() {
        let c = PhaseAggregator.Configuration()
        #expect(c.interval == .seconds(10) && c.window == .seconds(60) && c.compareWindow == .minutes(5))
        #expect(c.runID == "run-1" && c.afterFixOn == .patchApplied && c.fixAt == nil)
        #expect(c.errorRateThreshold == 0.1 && c.minRequests == 10 && c.recoveryIntervals == 3)
        #expect(c.latencyThresholdMs == nil && c.settleDelay == .seconds(35))
        #expect(c.validate().isEmpty)
    }

    @Test func problemsNameTheirKeys() {
        var c = PhaseAggregator.Configuration()
        c.window = .seconds(65)
        c.recoveryIntervals = 0
        c.errorRateThreshold = 1.5
        let problems = c.validate()
        #expect(problems.count == 3)
        #expect(problems.contains { $0.contains("metrics.window") })
        #expect(problems.contains { $0.contains("incidents.recovery_intervals") })
        #expect(problems.contains { $0.contains("incidents.error_rate_threshold") })
    }
}
