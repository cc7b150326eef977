import PhaseAggregator
import Testing
import TraceTailCore

@Suite struct EquivalenceTests {
    static let scenario = Scenario()

    @Test(arguments: [1, 7, 100, 1_000])
    func liveAndReplayGiveTheSameRecords(step: Int) {
        let c = PhaseAggregator.Configuration()  // settleDelay 35 s ≥ the 30 s delivery delay
        let replay = Self.scenario.replay(c)
        let live = Self.scenario.live(c, step: step)
        // Spans (with their distribution points) leave on arrival; the metric/event stream is
        // released in event time; each must be identical record for record, in order.
        #expect(live.filter(\.leavesAtConsume) == replay.filter(\.leavesAtConsume))
        let liveTimed = live.filter { !$0.leavesAtConsume }
        let replayTimed = replay.filter { !$0.leavesAtConsume }
        #expect(liveTimed.count == replayTimed.count)
        #expect(liveTimed == replayTimed)
        // And the scenario is not trivial.
        #expect(replay.metrics("cta.mttr_seconds").count == 1)
        #expect(replay.metrics("cta.improvement.error_rate").count >= 2)
        #expect(replay.metrics("cta.requests").count > 200)
    }

    @Test func aTooSmallSettleDelayBreaksTheEquivalence() {
        // The control: with spans up to 30 s late and no settle delay, early boundaries miss
        // spans in live mode, which is exactly what settleDelay prevents.
        var c = PhaseAggregator.Configuration()
        c.settleDelay = .seconds(0)
        let replay = Self.scenario.replay(c).filter { !$0.leavesAtConsume }
        let live = Self.scenario.live(c, step: 1).filter { !$0.leavesAtConsume }
        #expect(live != replay)
    }

    @Test func boundaryIsReleasedExactlyAtBoundaryPlusSettleDelay() {
        var c = PhaseAggregator.Configuration()
        c.settleDelay = .seconds(35)
        var aggregator = PhaseAggregator(configuration: c)
        var out: [OutputRecord] = []
        aggregator.consume(.span(span(end: at(5))), into: &out)
        aggregator.advance(to: at(45) - .milliseconds(1), into: &out)
        #expect(out.metrics("cta.requests").isEmpty)
        aggregator.advance(to: at(45), into: &out)
        #expect(out.metrics("cta.requests").map(\.timestamp) == [at(10)])
    }

    @Test func outputOrderIsSortedWithinABoundary() {
        let inputs: [PhaseAggregator.Input] = ["nova-compute", "glance", "nova-api", "cinder"].map {
            .span(span($0, end: at(5)))
        }
        let (out, _) = run(config { $0.fixAt = at(0) }, inputs)
        let services = out.metrics("cta.requests").map { $0.tags["service"]! }
        #expect(services == ["cinder", "glance", "nova-api", "nova-compute"])
    }
}
