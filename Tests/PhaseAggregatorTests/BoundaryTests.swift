import PhaseAggregator
import Testing
import TraceTailCore

// Boundaries a mutation test found held by one test or none (NOTES.md "Test strength").

@Test func theWindowIsOpenAtTMinusWindowAndClosedAtT() {
    // A fails and ends exactly at 0 = 60 − window; B succeeds and ends exactly at 60. The window
    // of boundary 60 is (0, 60]: B only. Boundary 50's is (−10, 50]: A only.
    let inputs: [PhaseAggregator.Input] = [
        .span(span(end: at(0), error: true, id: 1)), .span(span(end: at(60), error: false, id: 2)),
    ]
    let (out, _) = run(config(), inputs, watermark: at(300))
    let requests = out.series("cta.requests")
    let errorRate = out.series("cta.error_rate")
    #expect(requests[50] == 1)
    #expect(errorRate[50] == 1)
    #expect(requests[60] == 1)
    #expect(errorRate[60] == 0)
    // A counts from its own boundary on; B up to 60 + 50.
    #expect(requests[0] == 1)
    #expect(requests[110] == 1)
    #expect(requests[120] == nil)
}

@Test func theDefaultConfigurationResolvesAfterThreeHealthyBoundaries() {
    #expect(PhaseAggregator.Configuration().recoveryIntervals == 3)
    // Only the window is shortened (each boundary sees its own bucket); recovery is the default.
    var configuration = PhaseAggregator.Configuration()
    configuration.window = .seconds(10)
    var inputs: [PhaseAggregator.Input] = []
    var id: UInt64 = 0
    for k in Int64(1)...6 {
        for i in 0..<10 {
            id += 1
            // Bucket 1 is all errors; buckets 2… are healthy.
            inputs.append(.span(span(end: atMs(k * 10_000 - 9_000 + Int64(i) * 100), error: k == 1, id: id)))
        }
    }
    let (out, summary) = run(configuration, inputs)
    let counts = out.metrics("cta.incidents.detected")
    #expect(counts.filter { $0.tags["status"] == "detected" }.map(\.timestamp) == [at(10)])
    // Healthy at 20, 30, 40: resolved at the third, recovered at the first.
    #expect(counts.filter { $0.tags["status"] == "resolved" }.map(\.timestamp) == [at(40)])
    #expect(summary.incidents.first?.recoveredAt == at(20))
    #expect(out.metrics("cta.mttr_seconds").map(\.value) == [10])
}
