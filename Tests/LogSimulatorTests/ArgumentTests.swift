import LogSimulator
import Testing
import TraceTailCore

@Suite struct ArgumentTests {
    @Test(arguments: [
        ("10m+8m", 600, 480), ("90s+5m", 90, 300), ("1h+30s", 3600, 30), ("0s+1.5m", 0, 90),
    ])
    func incidentWindowsParse(text: String, start: Int64, length: Int64) throws {
        let window = try #require(try SimulationArguments.incidentWindow(text))
        #expect(window == IncidentWindow(start: .seconds(start), length: .seconds(length)))
    }

    @Test(arguments: ["10m", "10x+5m", "+5m", "10m+", "10m+0s", "10m+5m+1m", "ten+five", "-1m+5m", "10 m+5m"])
    func badIncidentWindowsNameTheValue(text: String) {
        #expect {
            _ = try SimulationArguments.incidentWindow(text)
        } throws: { error in
            guard let error = error as? SimulationArgumentError else { return false }
            return error.option == "--incident" && error.value == text && error.description.contains("'\(text)'")
        }
    }

    @Test func noneDisablesTheIncident() throws {
        #expect(try SimulationArguments.incidentWindow("none") == nil)
        let configuration = try SimulationArguments(incident: "none").configuration()
        #expect(configuration.incident == nil && configuration.fixAt == nil)
    }

    @Test func defaultsAreTheDemoRun() throws {
        let configuration = try SimulationArguments().configuration()
        #expect(configuration.duration == .minutes(30))
        #expect(configuration.rate == 2)
        #expect(configuration.seed == 1)
        #expect(configuration.incident == IncidentWindow(start: .minutes(10), length: .minutes(10)))
        #expect(configuration.fixAt == .minutes(16))
        #expect(configuration.start.iso8601 == "2026-11-27T10:00:00.000Z")
        #expect(configuration.runID == "run-1")
    }

    @Test func theFixDefaultsTo60PercentIntoTheIncident() throws {
        let configuration = try SimulationArguments(incident: "5m+10m").configuration()
        #expect(configuration.fixAt == .minutes(11))
    }

    @Test func explicitValuesAreUsed() throws {
        let arguments = try SimulationArguments(words: [
            "--out", "x", "--duration", "1h", "--rate=0.5", "--seed", "0x10", "--incident", "20m+5m",
            "--fix-at", "2026-11-27T10:22:30Z", "--run-id", "run-7", "--follow",
        ])
        #expect(arguments.out == "x" && arguments.follow)
        let configuration = try arguments.configuration(now: EventTime(seconds: 1_000))
        #expect(configuration.start.iso8601 == "1970-01-01T00:16:40.000Z", "follow without --start starts now")
        #expect(configuration.duration == .minutes(60) && configuration.rate == 0.5 && configuration.seed == 16)
        #expect(configuration.runID == "run-7")
        let absolute = try SimulationArguments(fixAt: "2026-11-27T10:22:30Z").configuration()
        #expect(absolute.fixAt == .seconds(22 * 60 + 30))
        let started = try SimulationArguments(start: "2026-01-02T03:04:05.250+01:00").configuration()
        #expect(started.start.iso8601 == "2026-01-02T02:04:05.250Z")
    }

    @Test(arguments: [
        (SimulationArguments(duration: "0s"), "--duration", "0s"),
        (SimulationArguments(duration: "thirty"), "--duration", "thirty"),
        (SimulationArguments(rate: "0"), "--rate", "0"),
        (SimulationArguments(rate: "-2"), "--rate", "-2"),
        (SimulationArguments(rate: "fast"), "--rate", "fast"),
        (SimulationArguments(seed: "-1"), "--seed", "-1"),
        (SimulationArguments(duration: "5m", incident: "10m+1m"), "--incident", "10m+1m"),
        (SimulationArguments(incident: "10m+5m", fixAt: "9m"), "--fix-at", "9m"),
        (SimulationArguments(fixAt: "soon"), "--fix-at", "soon"),
        (SimulationArguments(start: "yesterday"), "--start", "yesterday"),
        (SimulationArguments(start: "2026-02-30T00:00:00Z"), "--start", "2026-02-30T00:00:00Z"),
        (SimulationArguments(runID: "run 1"), "--run-id", "run 1"),
    ])
    func badValuesAreRejectedByName(arguments: SimulationArguments, option: String, value: String) {
        #expect {
            _ = try arguments.configuration()
        } throws: { error in
            guard let error = error as? SimulationArgumentError else { return false }
            return error.option == option && error.value == value && error.description.contains("'\(value)'")
        }
    }

    @Test func unknownWordsAreRejected() {
        #expect(throws: SimulationArgumentError.self) { try SimulationArguments(words: ["--colour", "red"]) }
        #expect(throws: SimulationArgumentError.self) { try SimulationArguments(words: ["--seed"]) }
    }
}

@Suite struct DefaultIncidentTests {
    @Test(arguments: [("30m", 600, 600, 960), ("90s", 30, 30, 48), ("1h", 1200, 1200, 1920)])
    func withoutIncidentTheMiddleThirdIsFaulty(duration: String, start: Int64, length: Int64, fix: Int64) throws {
        let configuration = try SimulationArguments(duration: duration).configuration()
        #expect(configuration.incident == IncidentWindow(start: .seconds(start), length: .seconds(length)))
        #expect(configuration.fixAt == .seconds(fix))
    }
}
