import LogSimulator
import TraceTailCore

/// Shared generated runs.
enum Fixtures {
    /// A short run with the incident in the middle: 12 minutes, 3 req/s, incident 3m+6m, fix at 6m30s.
    static let configuration = SimulationConfiguration(
        duration: .minutes(12), rate: 3, seed: 42,
        incident: IncidentWindow(start: .minutes(3), length: .minutes(6)), fixAt: .seconds(390))

    /// Lines per file of `configuration`, generated once (lazily, thread-safe) for all tests.
    private static let defaultFiles = generate(configuration)

    /// Lines per file of a configuration.
    static func files(_ configuration: SimulationConfiguration) -> [SimulatedFile: [String]] {
        configuration == Self.configuration ? defaultFiles : generate(configuration)
    }

    private static func generate(_ configuration: SimulationConfiguration) -> [SimulatedFile: [String]] {
        var files: [SimulatedFile: [String]] = [:]
        for file in SimulatedFile.allCases { files[file] = [] }
        for line in LogSimulator.generate(configuration) { files[line.file]!.append(line.text) }
        return files
    }

    /// Parsed oslo lines of one file (lines that do not parse are dropped; the shape tests catch them).
    static func parsed(_ lines: [String]) -> [OsloLine] { lines.compactMap(OsloLine.init) }
}
