import PhaseAggregator
import Testing
import TraceTailCore

@Suite struct PhaseTests {
    func phase(of span: Span) -> String? {
        if case .string(let p) = span.attributes["phase"] { return p }
        return nil
    }

    @Test func rollbackThenRefixAndSpansTaggedByTheirStart() {
        let inputs: [PhaseAggregator.Input] = [
            .cta(cta(.patchApplied, at(100), ["adapter": .string("k8s")])),
            .cta(cta(.fixRollback, at(200))),
            .cta(cta(.patchApplied, at(300))),
            .span(span(start: at(50))), .span(span(start: at(100))), .span(span(start: at(150))),
            .span(span(start: at(199), durationMs: 20_000)),  // starts after_fix, ends after the rollback
            .span(span(start: at(200))), .span(span(start: at(250))), .span(span(start: at(300))),
        ]
        let (out, summary) = run(config(), inputs)
        #expect(
            out.spans.map(phase) == [
                "before_fix", "after_fix", "after_fix", "after_fix", "before_fix", "before_fix", "after_fix",
            ])
        #expect(out.spans.first?.attributes["run_id"] == .string("run-1"))
        #expect(out.spans.last?.attributes["run_id"] == .string("run-7"))

        let changes = out.events.filter { $0.name == "phase_changed" }
        #expect(changes.map(\.timestamp) == [at(100), at(200), at(300)])
        #expect(
            changes.map(\.tags) == [
                ["phase": "after_fix", "run_id": "run-7", "source": "cta:patch_applied"],
                ["phase": "before_fix", "run_id": "run-7", "source": "cta:fix_rollback"],
                ["phase": "after_fix", "run_id": "run-7", "source": "cta:patch_applied"],
            ])
        #expect(summary.phaseTransitions.map(\.phase) == [.afterFix, .beforeFix, .afterFix])
    }

    @Test func aSecondFixWhileAlreadyAfterFixIsNoChange() {
        let inputs: [PhaseAggregator.Input] = [
            .cta(cta(.patchApplied, at(100))), .cta(cta(.patchApplied, at(150))),
            .phase(.afterFix, runID: "run-7", at: at(160), source: "control_api"),
        ]
        let (out, summary) = run(config(), inputs)
        #expect(out.events.filter { $0.name == "phase_changed" }.count == 1)
        #expect(summary.phaseTransitions.count == 1)
    }

    @Test func fixAtAndControlInputsDriveThePhase() {
        let c = config { $0.fixAt = at(100) }
        let inputs: [PhaseAggregator.Input] = [
            .phase(.beforeFix, runID: "", at: at(200), source: "control_api"),
            .span(span(start: at(99))), .span(span(start: at(100))), .span(span(start: at(200))),
        ]
        let (out, _) = run(c, inputs)
        #expect(out.spans.map(phase) == ["before_fix", "after_fix", "before_fix"])
        let changes = out.events.filter { $0.name == "phase_changed" }
        #expect(changes.map { $0.tags["source"] } == ["fix_at", "control_api"])
        // An empty run id keeps the run in force.
        #expect(changes.map { $0.tags["run_id"] } == ["run-1", "run-1"])
    }

    @Test func afterFixOnSelectsTheCTAEventThatLandsTheFix() {
        let c = config { $0.afterFixOn = .fixPromoted }
        let inputs: [PhaseAggregator.Input] = [
            .cta(cta(.patchApplied, at(100))), .cta(cta(.fixPromoted, at(200))),
            .span(span(start: at(150))), .span(span(start: at(250))),
        ]
        let (out, _) = run(c, inputs)
        #expect(out.spans.map(phase) == ["before_fix", "after_fix"])
    }

    @Test func gaugesAreSplitByPhaseAndRun() {
        let c = config { $0.fixAt = at(5) }
        let inputs: [PhaseAggregator.Input] = [
            .span(span(start: at(1), durationMs: 100)), .span(span(start: at(6), durationMs: 100)),
        ]
        let (out, _) = run(c, inputs)
        let tags = Set(out.metrics("cta.requests").map(\.tags))
        #expect(
            tags == [
                ["phase": "before_fix", "service": "nova-api", "run_id": "run-1"],
                ["phase": "after_fix", "service": "nova-api", "run_id": "run-1"],
            ])
    }
}

@Suite struct TimelinePruningTests {
    @Test func theStateInForceSurvivesPruningOfOldTransitions() {
        var aggregator = PhaseAggregator(configuration: config())
        var out: [OutputRecord] = []
        aggregator.consume(.cta(cta(.patchApplied, at(100))), into: &out)
        aggregator.consume(.cta(cta(.fixRollback, at(200))), into: &out)
        aggregator.consume(.cta(cta(.patchApplied, at(300), run: "run-8")), into: &out)
        aggregator.advance(to: at(100_000), into: &out)
        aggregator.consume(.span(span(start: at(99_000))), into: &out)
        #expect(out.spans.last?.attributes["phase"] == .string("after_fix"))
        #expect(out.spans.last?.attributes["run_id"] == .string("run-8"))
        #expect(aggregator.summary.phaseTransitions.count == 3)
    }
}
