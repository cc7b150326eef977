import PhaseAggregator
import Testing
import TraceTailCore

@Suite struct WorkflowTests {
    @Test(arguments: [
        [CTAEventType.analysisStarted, .analysisCompleted, .patchApplied],
        [.patchApplied, .analysisCompleted, .analysisStarted],
        [.canaryTest, .signatureSaved, .cachedFixFound, .incidentDetected],
    ])
    func eventsAtEqualTimestampsKeepArrivalOrder(types: [CTAEventType]) {
        // A later event first, to show sorting by time still happens around the equal ones.
        var inputs: [PhaseAggregator.Input] = [.cta(cta(.fixPromoted, at(500)))]
        inputs += types.map { .cta(cta($0, at(100))) }
        let (out, summary) = run(config(), inputs)
        let names = out.events.map(\.name).filter { $0 != "phase_changed" }
        #expect(names == types.map(\.rawValue) + ["fix_promoted"])
        #expect(summary.workflow.map(\.type) == types + [.fixPromoted])
    }

    @Test func seedCountersCarryExactlyTheSeedTags() {
        let inputs: [PhaseAggregator.Input] = [
            .cta(cta(.analysisStarted, at(10))),
            .cta(
                cta(
                    .analysisCompleted, at(20),
                    ["method": .string("llm"), "cause": .string("db_pool"), "confidence": .double(0.876)])),
            .cta(cta(.patchApplied, at(30), ["adapter": .string("config"), "confidence": .double(0.92)])),
            .cta(cta(.canaryTest, at(40), ["passed": .bool(true), "error_rate": .double(0.01)])),
            .cta(cta(.fixPromoted, at(50), ["error_rate": .double(0.0123), "latency_p95": .double(245.678)])),
            .cta(cta(.signatureSaved, at(60), ["cause": .string("db_pool"), "confidence": .string("0.876")])),
            .cta(cta(.fixRollback, at(70), ["error_rate": .int(1), "latency_p95": .double(1000)])),
        ]
        let (out, _) = run(config(), inputs)
        func tags(_ name: String) -> [[String: String]] { out.metrics(name).map(\.tags) }
        #expect(tags("cta.analysis.started") == [["run_id": "run-7"]])
        #expect(tags("cta.analysis.completed") == [["method": "llm", "cause": "db_pool", "confidence": "0.88"]])
        #expect(tags("cta.patches.applied") == [["adapter": "config"]])
        #expect(tags("cta.canary.tests") == [["passed": "true", "run_id": "run-7"]])
        #expect(tags("cta.promotions.success") == [["error_rate": "0.01", "latency_p95": "245.68"]])
        #expect(tags("cta.signatures.saved") == [["cause": "db_pool", "confidence": "0.88"]])
        #expect(tags("cta.rollbacks.count") == [["error_rate": "1", "latency_p95": "1000"]])
        // The events keep the run.
        #expect(out.events.allSatisfy { $0.tags["run_id"] == "run-7" })
        let counters = out.metrics.filter { $0.name != "cta.workflow.duration" }
        #expect(counters.allSatisfy { $0.type == .count && $0.value == 1 })
        #expect(out.metrics("cta.canary.tests").first?.timestamp == at(40))
    }

    @Test(arguments: [(0.876, "0.88"), (1.0, "1"), (0.5, "0.5"), (0.004, "0"), (12.345, "12.35"), (-0.456, "-0.46")])
    func numericTagsAreRoundedToTwoDecimals(value: Double, expected: String) {
        let (out, _) = run(config(), [.cta(cta(.analysisCompleted, at(1), ["confidence": .double(value)]))])
        #expect(out.metrics("cta.analysis.completed").first?.tags["confidence"] == expected)
        #expect(out.events.first?.tags["confidence"] == expected)
    }

    @Test func missingSeedTagsAreUnknown() {
        let (out, _) = run(config(), [.cta(cta(.analysisCompleted, at(1)))])
        #expect(
            out.metrics("cta.analysis.completed").first?.tags == [
                "method": "unknown", "cause": "unknown", "confidence": "unknown",
            ])
    }

    @Test func workflowDurationRunsFromAnalysisStartedToPromotionOrRollback() {
        let inputs: [PhaseAggregator.Input] = [
            .cta(cta(.analysisStarted, atMs(10_000), run: "a")),
            .cta(cta(.analysisStarted, atMs(20_000), run: "b")),
            .cta(cta(.fixRollback, atMs(30_500), run: "b")),
            .cta(cta(.fixPromoted, atMs(95_250), run: "a")),
            .cta(cta(.fixPromoted, atMs(99_000), run: "never-started")),
        ]
        let (out, _) = run(config(), inputs)
        let durations = out.metrics("cta.workflow.duration")
        #expect(durations.map(\.value) == [10.5, 85.25])
        #expect(
            durations.map(\.tags) == [
                ["run_id": "b", "outcome": "rolled_back"], ["run_id": "a", "outcome": "promoted"],
            ])
        #expect(durations.allSatisfy { $0.type == .distribution })
    }

    @Test func everyCTAEventIsAnEventWithItsFieldsAsTagsAndASentence() {
        let event = cta(.patchApplied, at(30), ["adapter": .string("config"), "confidence": .double(0.915)])
        let (out, summary) = run(config(), [.cta(event)])
        let e = out.events.first { $0.name == "patch_applied" }
        #expect(e?.tags == ["adapter": "config", "confidence": "0.92", "run_id": "run-7"])
        #expect(e?.timestamp == at(30))
        #expect(e?.text.contains("applied a patch with adapter config") == true)
        #expect(summary.workflow.first?.text == e?.text)
    }

    @Test func cachedFixFoundAndIncidentDetectedBecomeEvents() {
        let inputs: [PhaseAggregator.Input] = [.cta(cta(.incidentDetected, at(5))), .cta(cta(.cachedFixFound, at(6)))]
        let (out, _) = run(config(), inputs)
        #expect(out.events.map(\.name) == ["incident_detected", "cached_fix_found"])
        #expect(out.metrics.map(\.name) == ["cta.cached_fix.found"])
    }
}
