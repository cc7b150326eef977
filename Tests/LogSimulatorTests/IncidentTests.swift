import LogSimulator
import Testing
import TraceTailCore

@Suite struct IncidentTests {
    /// Client request lines of nova-api (neutron's external events excluded) as (end time, status, seconds).
    static func requests(_ configuration: SimulationConfiguration) -> [(end: EventTime, status: Int, seconds: Double)] {
        Fixtures.parsed(Fixtures.files(configuration)[.novaAPI]!).compactMap { line in
            guard let request = NovaRequest(line), !request.path.contains("os-server-external-events") else {
                return nil
            }
            return (line.time, request.status, request.seconds)
        }
    }

    static func errorRate(_ requests: [(end: EventTime, status: Int, seconds: Double)]) -> Double {
        Double(requests.filter { $0.status >= 500 }.count) / Double(max(requests.count, 1))
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    @Test func errorsAndLatencyRiseDuringTheIncidentAndRecoverAfterTheFix() {
        let configuration = Fixtures.configuration
        let all = Self.requests(configuration)
        let incidentStart = configuration.start + configuration.incident!.start
        let fix = configuration.fixTime!
        // Requests ending a few seconds after a boundary may have started before it: skip them.
        let before = all.filter { $0.end < incidentStart }
        let during = all.filter { $0.end >= incidentStart + .seconds(10) && $0.end < fix }
        let after = all.filter { $0.end >= fix + .seconds(10) }
        #expect(before.count > 300 && during.count > 300 && after.count > 300)

        #expect(Self.errorRate(before) < 0.02, "before: \(Self.errorRate(before))")
        #expect(Self.errorRate(during) > 0.2, "during: \(Self.errorRate(during))")
        #expect(Self.errorRate(after) < 0.02, "after: \(Self.errorRate(after))")

        let normal = Self.median(before.map(\.seconds))
        #expect(Self.median(during.map(\.seconds)) > 2.5 * normal)
        #expect(Self.median(after.map(\.seconds)) < 1.5 * normal)
    }

    @Test func theIncidentEndsOnItsOwnWhenTheFixComesLater() {
        var configuration = Fixtures.configuration
        configuration.incident = IncidentWindow(start: .minutes(2), length: .minutes(2))
        configuration.fixAt = .minutes(10)
        let all = Self.requests(configuration)
        let late = all.filter { $0.end >= configuration.start + .minutes(4) + .seconds(10) }
        let during = all.filter {
            $0.end >= configuration.start + .minutes(2) + .seconds(10) && $0.end < configuration.start + .minutes(4)
        }
        #expect(Self.errorRate(during) > 0.2)
        #expect(Self.errorRate(late) < 0.02)
    }

    @Test func aHealthyRunHasOnlyTheBaselineErrors() {
        var configuration = Fixtures.configuration
        configuration.incident = nil
        configuration.fixAt = nil
        let all = Self.requests(configuration)
        #expect(Self.errorRate(all) < 0.02)
        #expect(LogSimulator.ctaEvents(configuration).isEmpty)
    }

    @Test func tracebacksFollowTheirErrorLineWithoutContext() {
        let lines = Fixtures.parsed(Fixtures.files(Fixtures.configuration)[.novaAPI]!)
        var tracebacks = 0
        for (index, line) in lines.enumerated() where line.context == nil {
            tracebacks += 1
            let previous = lines[index - 1]
            #expect(line.level == "ERROR")
            #expect(previous.level == "ERROR")
            #expect(previous.pid == line.pid && previous.timestamp == line.timestamp && previous.logger == line.logger)
            if previous.context != nil {
                #expect(line.message == "Traceback (most recent call last):")
                #expect(previous.requestID != nil)
            }
        }
        #expect(tracebacks > 1000)
        // Each traceback ends with the exception, then the fault reply and the 500 line follow.
        for (index, line) in lines.enumerated()
        where line.context == nil && index + 1 < lines.count && lines[index + 1].context != nil {
            #expect(line.message.hasPrefix("sqlalchemy.exc.TimeoutError: ") || line.message.hasPrefix("oslo_db."))
        }
    }
}
