import Foundation
import LogSimulator
import Testing
import TraceTailCore

/// A clock whose sleeps return at once, so follow mode runs in test time; it records the
/// deadlines it was asked to sleep until.
final class InstantClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }
    private let lock = NSLock()
    private var deadlines: [Duration] = []
    var now: Instant { Instant(offset: .zero) }
    var minimumResolution: Duration { .nanoseconds(1) }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        lock.withLock { deadlines.append(deadline.offset) }
    }
    var sleptUntil: [Duration] { lock.withLock { deadlines } }
}

@Suite struct FollowTests {
    @Test func followWritesTheSameFilesInTimeOrder() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tracetail-sim-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = SimulationConfiguration(
            duration: .minutes(3), rate: 2, seed: 9, incident: IncidentWindow(start: .minutes(1), length: .minutes(1)))
        let clock = InstantClock()
        let summary = try await SimulationWriter(directory: directory.path + "/nested").follow(
            configuration, clock: clock)

        let expected = SimulationWriter.render(configuration)
        for file in SimulatedFile.allCases {
            let written = try Data(contentsOf: directory.appendingPathComponent("nested/" + file.fileName))
            #expect(Array(written) == expected[file]!, "\(file.fileName)")
        }
        #expect(summary.totalBytes == expected.values.reduce(0) { $0 + $1.count })
        // Each line was written when the clock reached its offset from the start, never earlier.
        let deadlines = clock.sleptUntil
        #expect(deadlines == deadlines.sorted())
        #expect(deadlines.count > 300)
        #expect(deadlines.last! < .seconds(180))
    }

    @Test func writeAllReplacesExistingFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tracetail-sim-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = SimulationConfiguration(duration: .minutes(2), rate: 1, seed: 3, incident: nil)
        let writer = SimulationWriter(directory: directory.path)
        try writer.writeAll(configuration)
        let summary = try writer.writeAll(configuration)
        let api = try Data(contentsOf: directory.appendingPathComponent("nova-api.log"))
        #expect(Array(api) == SimulationWriter.render(configuration)[.novaAPI]!)
        #expect(summary.lines[.novaAPI] == api.filter { $0 == 0x0a }.count)
    }
}
