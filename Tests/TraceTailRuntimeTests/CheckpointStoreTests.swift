import Foundation
import LogTailer
import Testing
import TraceTailCore
import TraceTailRuntime

/// The binary checkpoint file: restart through it, the upgrade from `checkpoint.json`, and
/// torn, corrupt and foreign files refused with the file's path.
@Suite struct CheckpointStoreTests {
    /// A store in a fresh state directory under the temporary directory, prepared as the daemon
    /// prepares it at start.
    static func freshStore() throws -> CheckpointStore {
        let store = CheckpointStore(
            directory: NSTemporaryDirectory() + "tracetail-checkpoint-\(UUID().uuidString)/state")
        try store.prepare()
        return store
    }

    static func sampleLines() throws -> [[UInt8]] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Repo.path("samples/nova-api.log"))))
        return bytes.split(separator: 0x0a).map { Array($0) + [UInt8(0x0a)] }
    }

    /// A file system holding the first `lines` sample lines (deterministic: the same inode and
    /// fingerprint every time, so a checkpoint of one fits another).
    static func fileSystem(lines: Int) throws -> InMemoryFileSystem {
        let fs = InMemoryFileSystem()
        fs.createDirectory("/logs")
        fs.append("/logs/nova-api.log", try sampleLines().prefix(lines).flatMap { $0 })
        return fs
    }

    /// A runner that has read `lines` sample lines, so its checkpoint holds open spans, held
    /// lines, windows and file positions.
    static func runner(lines: Int) throws -> LiveRunner {
        let configuration = LiveRunnerTests.directoryConfiguration("/logs")
        var runner = LiveRunner(
            configuration: configuration, patterns: try Repo.patterns(), fileSystem: try fileSystem(lines: lines),
            checkpoint: nil)
        var out: [OutputRecord] = []
        runner.step(monotonic: 0, wallClock: EventTime(nanoseconds: 0), into: &out)
        return runner
    }

    /// What a runner restored from `checkpoint` (taken after `lines` lines) emits once the rest
    /// of the sample is written: equal for equal states.
    static func continuation(of checkpoint: Checkpoint, after lines: Int) throws -> [String] {
        let fs = try fileSystem(lines: lines)
        var runner = LiveRunner(
            configuration: LiveRunnerTests.directoryConfiguration("/logs"), patterns: try Repo.patterns(),
            fileSystem: fs, checkpoint: checkpoint)
        fs.append("/logs/nova-api.log", try sampleLines().dropFirst(lines).flatMap { $0 })
        var out: [OutputRecord] = []
        runner.step(monotonic: 1_000_000, wallClock: EventTime(nanoseconds: 0), into: &out)
        return out.map(\.jsonLine)
    }

    @Test func aSavedCheckpointLoadsBackAndContinuesLikeTheJSONOne() throws {
        let store = try Self.freshStore()
        #expect(try store.load() == nil)
        let runner = try Self.runner(lines: 400)
        let checkpoint = runner.checkpoint(takenAt: 1234)
        try store.save(checkpoint)
        #expect(store.path.hasSuffix("/checkpoint.bin"))
        #expect(FileManager.default.fileExists(atPath: store.path))
        #expect(!FileManager.default.fileExists(atPath: store.path + ".tmp"))
        let loaded = try #require(try store.load())
        #expect(loaded.takenAt == 1234)
        #expect(loaded.files == checkpoint.files)
        #expect(loaded.sources == checkpoint.sources)
        // The JSON round trip is what restarts were tested with; the binary one must act the same.
        let viaJSON = try JSONDecoder().decode(Checkpoint.self, from: try JSONEncoder().encode(checkpoint))
        let expected = try Self.continuation(of: viaJSON, after: 400)
        #expect(expected.count > 10)
        #expect(try Self.continuation(of: loaded, after: 400) == expected)
        // And smaller than the JSON.
        let binarySize = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
        let jsonSize = try JSONEncoder().encode(checkpoint).count
        // Mostly held lines' text here, the same bytes in both; the structure around it shrinks.
        #expect(binarySize > 0 && binarySize < jsonSize * 2 / 3, "binary \(binarySize) B, JSON \(jsonSize) B")
    }

    @Test func aJSONCheckpointIsReadAndReplacedByTheFirstBinarySave() throws {
        let store = try Self.freshStore()
        let runner = try Self.runner(lines: 100)
        let checkpoint = runner.checkpoint(takenAt: 77)
        try JSONEncoder().encode(checkpoint).write(to: URL(fileURLWithPath: store.legacyPath))
        let upgraded = try #require(try store.load())
        #expect(upgraded.takenAt == 77)
        #expect(upgraded.files == checkpoint.files)
        try store.save(upgraded)
        #expect(!FileManager.default.fileExists(atPath: store.legacyPath))
        #expect(try store.load()?.takenAt == 77)
    }

    /// Saves a checkpoint, lets `damage` change the file's bytes, and returns the load error.
    func loadError(_ damage: (inout [UInt8]) -> Void) throws -> CheckpointError? {
        let store = try Self.freshStore()
        let runner = try Self.runner(lines: 50)
        try store.save(runner.checkpoint(takenAt: 1))
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: store.path)))
        damage(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: store.path))
        do {
            _ = try store.load()
            return nil
        } catch {
            #expect(error.path == store.path)
            return error
        }
    }

    @Test func aFlippedBitIsACorruptCheckpointNamingTheFile() throws {
        let error = try #require(try loadError { $0[$0.count / 2] ^= 0x10 })
        #expect(error.message.contains("corrupt checkpoint: CRC-32"))
        #expect(error.description.hasPrefix(error.path + ": "))
    }

    @Test func aTruncatedFileIsTorn() throws {
        for keep in [0.0, 0.3, 0.99] {
            let error = try #require(try loadError { $0.removeLast(max(1, Int(Double($0.count) * (1 - keep)))) })
            #expect(error.message.contains("torn") || error.message.contains("not a TraceTail"), "\(error)")
        }
    }

    @Test func aForeignOrNewerFileIsRefused() throws {
        let foreign = try #require(try loadError { $0 = Array("{\"version\":1}".utf8) })
        #expect(foreign.message.contains("no TTAILCKP header"))
        let newer = try #require(try loadError { $0[8] = 2 })
        #expect(newer.message == "checkpoint file format 2, this tracetail reads 1")
    }

    @Test func aBodyThatPassesTheChecksumButDoesNotDecodeNamesTheOffset() throws {
        // A body rewritten with a valid frame around garbage: the decoder's offset is reported.
        let error = try #require(
            try loadError { bytes in
                let body: [UInt8] = [0x09, 0x0C]
                var crc = CRC32()
                crc.update(body)
                var file = Array(bytes[0..<16]) + body
                withUnsafeBytes(of: UInt64(body.count).littleEndian) { file.append(contentsOf: $0) }
                withUnsafeBytes(of: crc.value.littleEndian) { file.append(contentsOf: $0) }
                bytes = file + Array("CKPT".utf8)
            })
        #expect(error.message.contains("byte offset"), "\(error)")
    }

    @Test func aFailedSaveLeavesThePreviousCheckpoint() throws {
        let store = try Self.freshStore()
        let runner = try Self.runner(lines: 50)
        try store.save(runner.checkpoint(takenAt: 5))
        // The temporary file's name is taken by a directory: the save fails, naming it.
        try FileManager.default.createDirectory(atPath: store.path + ".tmp", withIntermediateDirectories: true)
        #expect(throws: CheckpointError.self) { try store.save(runner.checkpoint(takenAt: 6)) }
        #expect(try store.load()?.takenAt == 5)
    }
}
