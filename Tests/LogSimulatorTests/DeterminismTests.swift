import LogSimulator
import Testing
import TraceTailCore

@Suite struct DeterminismTests {
    @Test func sameConfigurationGivesIdenticalOutput() {
        let first = SimulationWriter.render(Fixtures.configuration)
        let second = SimulationWriter.render(Fixtures.configuration)
        #expect(first == second)
        #expect(first.values.allSatisfy { !$0.isEmpty })
    }

    @Test func differentSeedsDiffer() {
        var other = Fixtures.configuration
        other.seed = 43
        let a = SimulationWriter.render(Fixtures.configuration)
        let b = SimulationWriter.render(other)
        for file in SimulatedFile.allCases where file.isOsloLog {
            #expect(a[file] != b[file], "\(file.fileName) did not change with the seed")
        }
    }

    /// Follow mode asks in small steps; the lines must be exactly those of a single request.
    @Test(arguments: [EventDuration.milliseconds(250), .seconds(7), .minutes(2)])
    func steppedGenerationMatchesAllAtOnce(step: EventDuration) {
        let all = LogSimulator.generate(Fixtures.configuration)
        var simulator = LogSimulator(configuration: Fixtures.configuration)
        var stepped: [SimulatedLine] = []
        var t = Fixtures.configuration.start
        while !simulator.isFinished {
            t = t + step
            stepped += simulator.lines(through: t)
        }
        #expect(stepped == all)
    }

    @Test func linesAreTimeOrderedAndInsideTheRun() {
        let configuration = Fixtures.configuration
        let lines = LogSimulator.generate(configuration)
        #expect(lines.count > 1000)
        for (a, b) in zip(lines, lines.dropFirst()) { #expect(a.time <= b.time) }
        #expect(lines.allSatisfy { $0.time >= configuration.start && $0.time < configuration.end })
    }

    @Test func rateScalesTheTraffic() {
        func requests(_ rate: Double) -> Int {
            var configuration = Fixtures.configuration
            configuration.rate = rate
            configuration.incident = nil
            return LogSimulator.generate(configuration).filter {
                $0.file == .novaAPI && $0.text.contains("nova.api.openstack.requestlog")
                    && !$0.text.contains("os-server-external-events")
            }.count
        }
        let one = requests(1)
        let four = requests(4)
        // 12 minutes at 1 req/s is ~720 requests; the Poisson count stays well within ±15 %.
        #expect((612...828).contains(one), "got \(one)")
        #expect(Double(four) / Double(one) > 3.3 && Double(four) / Double(one) < 4.7)
    }
}
