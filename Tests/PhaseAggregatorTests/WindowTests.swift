import PhaseAggregator
import Testing
import TraceTailCore

@Suite struct WindowTests {
    @Test func spanEndingExactlyAtBoundaryCountsThereButNotAtBoundaryPlusWindow() {
        let inputs: [PhaseAggregator.Input] = [.span(span(end: at(60), id: 1)), .span(span(end: at(61), id: 2))]
        let (out, _) = run(config(), inputs, watermark: at(300))
        let requests = out.series("cta.requests")
        // (t − 60, t]: the span ending at 60 counts at t = 60 … 110 and not at 120 = 60 + window;
        // the one ending at 61 belongs to bucket 70 and counts at 70 … 120.
        #expect(requests == [60: 1, 70: 2, 80: 2, 90: 2, 100: 2, 110: 2, 120: 1])
    }

    @Test(arguments: [Int64(7), 10, 60])
    func boundariesAreMultiplesOfTheIntervalSinceTheEpoch(interval: Int64) {
        let c = config {
            $0.interval = .seconds(interval)
            $0.window = .seconds(interval * 3)
        }
        // Odd end times, so misaligned boundaries would show.
        let inputs: [PhaseAggregator.Input] = (0..<20).map {
            .span(span(end: atMs(1_234 + $0 * 3_217), id: UInt64($0 + 1)))
        }
        let (out, _) = run(c, inputs, watermark: at(1_000))
        let stamps = Set(out.metrics("cta.requests").map(\.timestamp.nanoseconds))
        #expect(!stamps.isEmpty)
        #expect(stamps.allSatisfy { $0 % (interval * 1_000_000_000) == 0 })
        // The first boundary is the first multiple at or after the first span's end.
        let first = stamps.min()!
        let firstEnd = atMs(1_234).nanoseconds
        #expect(first >= firstEnd && first - firstEnd < interval * 1_000_000_000)
    }

    @Test func gaugeValuesOfOneWindowByHand() {
        // Ten spans ending in (0, 10]: 10, 20, …, 100 ms; the last three are errors.
        let inputs: [PhaseAggregator.Input] = (1...10).map { i in
            .span(span(end: atMs(Int64(i) * 900), durationMs: Int64(i) * 10, error: i >= 8, id: UInt64(i)))
        }
        let c = config {
            $0.window = .seconds(10)
        }
        let (out, _) = run(c, inputs, watermark: at(100))
        #expect(out.series("cta.requests") == [10: 10])
        #expect(close(out.series("cta.error_rate")[10], 0.3))
        // Nearest rank: p50 = 5th = 50 ms, p95 = 10th = 100 ms, p99 = 10th.
        #expect(close(out.series("cta.latency_ms.p50")[10], 50))
        #expect(close(out.series("cta.latency_ms")[10], 100))
        #expect(close(out.series("cta.latency_ms.p99")[10], 100))
        #expect(close(out.series("cta.latency_ms.avg")[10], 55))
        #expect(close(out.series("cta.latency_ms.max")[10], 100))
    }

    @Test func onlySeriesWithSpansInTheWindowAreEmitted() {
        let inputs: [PhaseAggregator.Input] = [
            .span(span("nova-api", end: at(5), id: 1)), .span(span("glance", end: at(75), id: 2)),
        ]
        let (out, _) = run(config(), inputs, watermark: at(500))
        #expect(Set(out.series("cta.requests", service: "nova-api").keys) == [10, 20, 30, 40, 50, 60])
        #expect(Set(out.series("cta.requests", service: "glance").keys) == [80, 90, 100, 110, 120, 130])
    }

    @Test func logEventChildrenPassThroughButDoNotCount() {
        let inputs: [PhaseAggregator.Input] = [
            .span(span(end: at(5), id: 1)), .span(span(end: at(5), error: true, name: "log_event", id: 2)),
        ]
        let (out, summary) = run(config(), inputs, watermark: at(100))
        #expect(out.spans.count == 2)
        #expect(out.spans.allSatisfy { $0.attributes["phase"] == .string("before_fix") })
        #expect(out.metrics("cta.request.latency").count == 1)
        #expect(out.series("cta.requests")[10] == 1)
        #expect(out.series("cta.error_rate")[10] == 0)
        #expect(summary.spans == 2 && summary.requestSpans == 1)
    }

    @Test func everySpanGetsOneDistributionPointAtItsEnd() {
        let s = span(end: atMs(12_345), durationMs: 250, id: 9)
        let (out, _) = run(config(), [.span(s)])
        let points = out.metrics("cta.request.latency")
        #expect(points.count == 1)
        #expect(points.first?.type == .distribution)
        #expect(points.first?.value == 250)
        #expect(points.first?.timestamp == atMs(12_345))
        #expect(points.first?.tags == ["phase": "before_fix", "service": "nova-api", "run_id": "run-1"])
        // The distribution point follows its span directly.
        #expect(out.count >= 2)
        if case .span = out[0], case .metric(let m) = out[1] {
            #expect(m.name == "cta.request.latency")
        } else {
            Issue.record("expected span then its distribution point, got \(out.prefix(2))")
        }
    }

    @Test func manySpansFallBackToHdrHistogramWithinItsPrecision() {
        let c = config {
            $0.window = .seconds(10)
            $0.exactLatencyLimit = 16
        }
        // 1000 spans of 1 … 1000 ms ending in (0, 10]: p95 is 950 ms exactly by nearest rank.
        let inputs: [PhaseAggregator.Input] = (1...1000).map { i in
            .span(span(end: atMs(Int64(i) * 9), durationMs: Int64(i), id: UInt64(i)))
        }
        let (out, _) = run(c, inputs, watermark: at(100))
        #expect(out.series("cta.requests") == [10: 1000])
        #expect(close(out.series("cta.latency_ms")[10], 950, 950 * 0.001))
        #expect(close(out.series("cta.latency_ms.p50")[10], 500, 500 * 0.001))
        // Avg and max stay exact.
        #expect(close(out.series("cta.latency_ms.avg")[10], 500.5))
        #expect(close(out.series("cta.latency_ms.max")[10], 1000))
    }
}
