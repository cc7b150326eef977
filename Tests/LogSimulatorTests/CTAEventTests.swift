import LogSimulator
import Testing
import TraceTailCore

@Suite struct CTAEventTests {
    static let fixes: [(incident: IncidentWindow, fix: EventDuration)] = [
        (IncidentWindow(start: .minutes(3), length: .minutes(6)), .seconds(390)),
        (IncidentWindow(start: .minutes(10), length: .minutes(1)), .milliseconds(605_000)),
        (IncidentWindow(start: .seconds(30), length: .minutes(20)), .minutes(2)),
    ]

    @Test(arguments: 0..<fixes.count)
    func eventsAreOrderedCarryTheRunAndPatchLandsAtTheFix(case index: Int) {
        let (incident, fix) = Self.fixes[index]
        let configuration = SimulationConfiguration(
            duration: .minutes(30), rate: 1, seed: UInt64(index), incident: incident, fixAt: fix, runID: "run-\(index)")
        let events = LogSimulator.ctaEvents(configuration)
        #expect(events.map(\.time) == events.map(\.time).sorted())
        #expect(Set(events.map(\.time)).count == events.count, "no two events share a millisecond")
        #expect(events.allSatisfy { $0.runID == "run-\(index)" })
        #expect(events.first?.type == .incidentDetected)
        #expect(events.first!.time >= configuration.start + incident.start)
        let order = events.map(\.type)
        #expect(Array(order.prefix(3)) == [.incidentDetected, .analysisStarted, .analysisCompleted])
        let patch = events.first { $0.type == .patchApplied }
        let fixMillis = (configuration.start + fix).nanoseconds / 1_000_000 * 1_000_000
        #expect(patch?.time.nanoseconds == fixMillis)
        #expect(order.contains(.canaryTest) && order.contains(.fixPromoted))
        #expect(order.last == .fixPromoted || order.last == .signatureSaved)
    }

    @Test func jsonLinesHaveTheDesignFields() throws {
        let lines = Fixtures.files(Fixtures.configuration)[.ctaAgent]!
        #expect(lines.count >= 6)
        let known = Set(CTAEventType.allCases.map(\.rawValue))
        for line in lines {
            #expect(line.hasPrefix("{\"timestamp\":\""))
            let timestamp = line.dropFirst(14).prefix(24)
            #expect(timestamp.count == 24 && timestamp.hasSuffix("Z") && timestamp.dropFirst(19).hasPrefix("."))
            let type = try #require(line.firstRange(of: "\"type\":\"")).upperBound
            let name = line[type...].prefix { $0 != "\"" }
            #expect(known.contains(String(name)), "unknown type \(name)")
            #expect(line.contains("\"run_id\":\"run-1\""))
        }
        let completed = try #require(lines.first { $0.contains("\"analysis_completed\"") })
        #expect(
            completed.contains("\"method\":\"") && completed.contains("\"cause\":\"")
                && completed.contains("\"confidence\":0."))
        let canary = try #require(lines.first { $0.contains("\"canary_test\"") })
        #expect(
            canary.contains("\"passed\":true") && canary.contains("\"error_rate\":")
                && canary.contains("\"latency_p95\":"))
        let patch = try #require(lines.first { $0.contains("\"patch_applied\"") })
        #expect(patch.hasPrefix("{\"timestamp\":\"\((Fixtures.configuration.fixTime!).iso8601)\""))
        #expect(patch.contains("\"adapter\":\""))
    }

    @Test func eventsAfterTheEndOfTheRunAreLeftOut() {
        let configuration = SimulationConfiguration(
            duration: .minutes(5), incident: IncidentWindow(start: .minutes(1), length: .minutes(10)),
            fixAt: .minutes(8))
        let types = LogSimulator.ctaEvents(configuration).map(\.type)
        #expect(types.first == .incidentDetected)
        #expect(!types.contains(.patchApplied))
    }
}
