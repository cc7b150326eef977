import PhaseAggregator
import Testing
import TraceTailCore

@Suite struct IncidentTests {
    /// Ten spans in the bucket ending at boundary `k·10 s`, `errors` of them failing.
    func bucket(_ k: Int64, errors: Int, count: Int = 10, service: String = "nova-api") -> [PhaseAggregator.Input] {
        (0..<count).map { i in
            .span(
                span(
                    service, end: atMs(k * 10_000 - 9_000 + Int64(i) * 100), error: i < errors,
                    id: UInt64(k * 100 + Int64(i))))
        }
    }

    func detected(_ out: [OutputRecord], _ status: String) -> [MetricPoint] {
        out.metrics("cta.incidents.detected").filter { $0.tags["status"] == status }
    }

    @Test func mttrOfAHandMadeStreamWithTheDefaultWindow() {
        // One span ends every second for 120 s; those ending in 21…40 fail. Windows (t−60, t]:
        // t=20: 0/20; t=30: 10/30 → detected at 30; t=40…80 stay above 0.1; t=90: 10/60 = 0.17;
        // t=100: 0/60 → first healthy; 110, 120 healthy → resolved at 120. MTTR = 100 − 30 = 70 s.
        let inputs: [PhaseAggregator.Input] = (1...120).map { s in
            .span(span(end: at(Int64(s)), error: (21...40).contains(s), id: UInt64(s)))
        }
        let (out, summary) = run(config(), inputs)
        let opened = detected(out, "detected")
        #expect(opened.map(\.timestamp) == [at(30)])
        #expect(
            opened.first?.tags == ["incident_type": "error_rate", "status": "detected", "run_id": "run-1"])
        let openedEvent = out.events.first { $0.name == "incident_detected" }
        #expect(openedEvent?.tags["service"] == "nova-api")
        #expect(openedEvent?.tags["source"] == "tracetail")
        let resolved = detected(out, "resolved")
        #expect(resolved.map(\.timestamp) == [at(120)])
        let mttr = out.metrics("cta.mttr_seconds")
        #expect(mttr.count == 1)
        #expect(mttr.first?.value == 70)
        #expect(mttr.first?.timestamp == at(120))
        #expect(mttr.first?.tags == ["service": "nova-api", "method": "unknown", "run_id": "run-1"])
        #expect(out.events.map(\.name) == ["incident_detected", "incident_resolved"])
        #expect(summary.incidents.count == 1)
        #expect(summary.incidents.first?.detectedAt == at(30))
        #expect(summary.incidents.first?.recoveredAt == at(100))
        #expect(summary.incidents.first?.mttrSeconds == 70)
    }

    @Test func flappingIsOneIncidentResolvedAfterThreeHealthyBoundariesInARow() {
        // window = interval, so each boundary sees exactly its own bucket.
        let c = config { $0.window = .seconds(10) }
        let pattern: [Bool] = [true, false, true, false, false, true, true, false, true, true, true]  // healthy?
        var inputs: [PhaseAggregator.Input] = []
        for (i, healthy) in pattern.enumerated() { inputs += bucket(Int64(i + 1), errors: healthy ? 0 : 5) }
        let (out, summary) = run(c, inputs)
        #expect(detected(out, "detected").map(\.timestamp) == [at(20)])
        #expect(detected(out, "resolved").map(\.timestamp) == [at(110)])
        // The streak that resolved it began at boundary 9 (90 s): MTTR = 90 − 20.
        #expect(out.metrics("cta.mttr_seconds").map(\.value) == [70])
        #expect(summary.incidents.count == 1)
    }

    @Test(arguments: [(9, 9, false), (10, 2, true), (10, 1, false), (20, 3, true), (0, 0, false)])
    func minRequestsGatesDetection(count: Int, errors: Int, expectIncident: Bool) {
        let c = config { $0.window = .seconds(10) }
        let (out, _) = run(c, bucket(1, errors: errors, count: count))
        #expect(detected(out, "detected").count == (expectIncident ? 1 : 0))
    }

    @Test func emptyAndThinWindowsAreHealthy() {
        let c = config { $0.window = .seconds(10) }
        // Boundary 10: 5/10 fail → detected. Boundary 20: 5 spans all failing but < min_requests →
        // healthy. 30, 40: empty → healthy. Resolved at 40, recovered at 20: MTTR 10 s.
        let inputs = bucket(1, errors: 5) + bucket(2, errors: 5, count: 5)
        let (out, _) = run(c, inputs, watermark: at(1_000))
        #expect(detected(out, "detected").map(\.timestamp) == [at(10)])
        #expect(detected(out, "resolved").map(\.timestamp) == [at(40)])
        #expect(out.metrics("cta.mttr_seconds").map(\.value) == [10])
    }

    @Test func theEndOfAReplayDoesNotInventHealthyBoundaries() {
        let c = config { $0.window = .seconds(10) }
        let (out, summary) = run(c, bucket(1, errors: 5) + bucket(2, errors: 0))
        #expect(detected(out, "detected").count == 1)
        #expect(detected(out, "resolved").isEmpty)
        #expect(summary.incidents.first?.recoveredAt == nil)
        #expect(summary.incidents.first?.mttrSeconds == nil)
    }

    @Test func incidentsAreJudgedOverAllPhasesOfAService() {
        // 5 failing before_fix spans and 5 failing after_fix spans in one window: neither
        // series alone reaches min_requests, the service does.
        let c = config {
            $0.window = .seconds(10)
            $0.fixAt = atMs(5_000)
        }
        let inputs: [PhaseAggregator.Input] = (0..<10).map { i in
            .span(span(start: atMs(1_000 + Int64(i) * 800), durationMs: 50, error: true))
        }
        let (out, _) = run(c, inputs)
        #expect(Set(out.metrics("cta.requests").map { $0.tags["phase"]! }) == ["before_fix", "after_fix"])
        #expect(detected(out, "detected").count == 1)
    }

    @Test func mttrUsesTheMethodOfTheRunInForceAtResolution() {
        let c = config { $0.window = .seconds(10) }
        var inputs = bucket(1, errors: 5)
        inputs.append(.cta(cta(.analysisStarted, at(12))))
        inputs.append(.cta(cta(.analysisCompleted, at(14), ["method": .string("llm")])))
        inputs.append(.cta(cta(.patchApplied, at(15))))
        for k in Int64(2)...4 { inputs += bucket(k, errors: 0) }
        let (out, summary) = run(c, inputs)
        let mttr = out.metrics("cta.mttr_seconds")
        #expect(mttr.map(\.tags) == [["service": "nova-api", "method": "llm", "run_id": "run-7"]])
        #expect(mttr.map(\.value) == [10])
        // Detection happened before the run started: it carries the configured run.
        #expect(detected(out, "detected").first?.tags["run_id"] == "run-1")
        #expect(summary.incidents.first?.method == "llm")
    }

    @Test func latencyIncidentsHaveTheirOwnState() {
        let c = config {
            $0.window = .seconds(10)
            $0.latencyThresholdMs = 500
        }
        var inputs: [PhaseAggregator.Input] = []
        for k in Int64(1)...5 {
            let slow = k == 2
            inputs += (0..<10).map { i in
                .span(
                    span(
                        end: atMs(k * 10_000 - 5_000 + Int64(i)), durationMs: slow ? 900 : 100,
                        id: UInt64(k * 100 + Int64(i))))
            }
        }
        let (out, _) = run(c, inputs)
        let latency = out.metrics("cta.incidents.detected").filter { $0.tags["incident_type"] == "latency" }
        #expect(latency.map(\.tags["status"]) == ["detected", "resolved"])
        #expect(latency.map(\.timestamp) == [at(20), at(50)])
        #expect(out.metrics("cta.incidents.detected").allSatisfy { $0.tags["incident_type"] == "latency" })
        #expect(out.metrics("cta.mttr_seconds").map(\.value) == [10])
    }

    @Test func latencyIncidentsAreOffByDefault() {
        let inputs: [PhaseAggregator.Input] = (0..<20).map { i in
            .span(span(end: atMs(5_000 + Int64(i)), durationMs: 60_000, id: UInt64(i + 1)))
        }
        let (out, _) = run(config(), inputs)
        #expect(out.metrics("cta.incidents.detected").isEmpty)
    }
}
