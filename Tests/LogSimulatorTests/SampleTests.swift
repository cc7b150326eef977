import Foundation
import LogSimulator
import Testing
import TraceTailCore

/// `samples/` is generated, never hand-edited: the command documented in samples/README.md must
/// reproduce every file byte for byte.
@Suite struct SampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let samples = root.appendingPathComponent("samples")

    /// The words after `simulate` in the README's regenerate command.
    static func documentedArguments() throws -> SimulationArguments {
        let readme = try String(contentsOf: samples.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = readme.split(separator: "\n").filter { $0.hasPrefix("swift run tracetail simulate ") }
        try #require(commands.count == 1, "exactly one regenerate command in samples/README.md")
        let words = commands[0].split(separator: " ").dropFirst(4).map(String.init)
        return try SimulationArguments(words: words)
    }

    @Test func theDocumentedCommandRegeneratesSamplesByteForByte() throws {
        let arguments = try Self.documentedArguments()
        #expect(arguments.out == "samples")
        #expect(!arguments.follow)
        let rendered = SimulationWriter.render(try arguments.configuration())
        var total = 0
        for file in SimulatedFile.allCases {
            let committed = try Data(contentsOf: Self.samples.appendingPathComponent(file.fileName))
            #expect(Array(committed) == rendered[file]!, "samples/\(file.fileName) differs; rerun the README command")
            total += committed.count
        }
        #expect(total < 2_200_000, "samples stay small")
    }

    @Test func theSamplesShowAnIncidentAFixAndRecovery() throws {
        let configuration = try Self.documentedArguments().configuration()
        let period = try #require(configuration.faultyPeriod)
        let events = LogSimulator.ctaEvents(configuration).map(\.type)
        #expect(events.contains(.incidentDetected) && events.contains(.patchApplied) && events.contains(.fixPromoted))
        #expect(period.upperBound == configuration.fixTime, "the fix ends the incident")
        #expect(configuration.end - period.upperBound >= .minutes(5), "room for the after-fix comparison window")
    }

    @Test(arguments: SimulatedFile.allCases)
    func everySampleLineHasItsFileShape(file: SimulatedFile) throws {
        let text = try String(contentsOf: Self.samples.appendingPathComponent(file.fileName), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(text.hasSuffix("\n") && !lines.isEmpty)
        for line in lines {
            if file.isOsloLog {
                #expect(OsloLine(String(line)) != nil, "samples/\(file.fileName): \(line)")
            } else {
                #expect(line.hasPrefix("{\"timestamp\":\"2026-") && line.hasSuffix("}"), "\(line)")
            }
        }
    }
}
