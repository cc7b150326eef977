import Foundation
import TraceTailCore

/// Why a checkpoint could not be read or written; names the file.
public struct CheckpointError: Error, Sendable, CustomStringConvertible {
    /// The checkpoint file.
    public var path: String
    /// What went wrong.
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Reads and writes the daemon's checkpoint file (`<state_dir>/checkpoint.bin`) atomically:
/// the new content goes to a temporary file in the same directory, is fsync'ed, renamed over
/// the old one, and the directory is fsync'ed, so a crash at any instant leaves either the old
/// or the new checkpoint, never a torn one (DESIGN §7).
///
/// The file is binary (`BinaryEncoder`, framed as `CheckpointFileLayout` describes: magic,
/// format version, CRC-32 of the body) and streamed to the temporary file through a fixed
/// buffer while it is encoded, so saving costs a chunk of memory, not a copy of the state
/// (issue 11: JSONEncoder built the whole ~30 MB document first and set the daemon's peak RSS).
/// A `checkpoint.json` of earlier versions is still read when no binary checkpoint exists, and
/// removed after the first binary save.
public struct CheckpointStore: Sendable {
    /// The state directory.
    public let directory: String
    /// The checkpoint file inside it.
    public var path: String { directory + "/checkpoint.bin" }
    /// The JSON checkpoint earlier versions wrote; read only when `path` does not exist.
    public var legacyPath: String { directory + "/checkpoint.json" }

    /// Bytes handed to `write(2)` at a time while saving (and the encoder's buffer).
    static let chunkSize = 256 * 1024

    /// A store in `directory` (created on first save).
    public init(directory: String) { self.directory = directory }

    /// Creates the state directory when missing and checks that checkpoints can be written
    /// there, so a daemon that could never checkpoint refuses to start instead of running on.
    /// - Throws: `CheckpointError` naming the directory.
    public func prepare() throws(CheckpointError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw CheckpointError(
                path: directory, message: "cannot create the state directory: \(error.localizedDescription)")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw CheckpointError(
                path: directory, message: "state directory not writable: \(String(cString: strerror(errno)))")
        }
    }

    /// The stored checkpoint, or nil when there is none yet: the binary one, else (a state
    /// directory of an earlier version) the JSON one.
    /// - Throws: `CheckpointError` naming the file when it exists but cannot be read, is torn or
    ///   corrupt (checksum), cannot be decoded, or was written by a newer, incompatible version.
    public func load() throws(CheckpointError) -> Checkpoint? {
        let checkpoint: Checkpoint
        let source: String
        if FileManager.default.fileExists(atPath: path) {
            source = path
            checkpoint = try loadBinary()
        } else if FileManager.default.fileExists(atPath: legacyPath) {
            source = legacyPath
            checkpoint = try loadJSON()
        } else {
            return nil
        }
        guard checkpoint.version == Checkpoint.currentVersion else {
            throw CheckpointError(
                path: source,
                message: "checkpoint version \(checkpoint.version), this tracetail reads \(Checkpoint.currentVersion)")
        }
        return checkpoint
    }

    private func loadBinary() throws(CheckpointError) -> Checkpoint {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CheckpointError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        let decoded: Result<Checkpoint, CheckpointError> = data.withUnsafeBytes { file in
            switch CheckpointFileLayout.body(of: file) {
            case .failure(let problem):
                return .failure(CheckpointError(path: path, message: problem.description))
            case .success(let body):
                do {
                    return .success(
                        try BinaryDecoder().decode(Checkpoint.self, from: UnsafeRawBufferPointer(rebasing: file[body])))
                } catch {
                    // Offsets in the decoder's message count from the body; say where that starts.
                    return .failure(
                        CheckpointError(
                            path: path,
                            message: "not a TraceTail checkpoint (\(error); the body starts at byte "
                                + "\(CheckpointFileLayout.headerSize)); move it away to start afresh"))
                }
            }
        }
        return try decoded.get()
    }

    private func loadJSON() throws(CheckpointError) -> Checkpoint {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: legacyPath))
        } catch {
            throw CheckpointError(path: legacyPath, message: "cannot read: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(Checkpoint.self, from: data)
        } catch {
            throw CheckpointError(
                path: legacyPath, message: "not a TraceTail checkpoint (\(error)); move it away to start afresh")
        }
    }

    /// Writes `checkpoint` atomically (temp file, fsync, rename, fsync of the directory),
    /// encoding it straight into the temporary file; then removes a legacy `checkpoint.json`.
    /// - Throws: `CheckpointError` naming the file when any step fails; the previous
    ///   checkpoint is then still in place.
    public func save(_ checkpoint: Checkpoint) throws(CheckpointError) {
        if mkdir(directory, 0o750) != 0 && errno != EEXIST {
            throw CheckpointError(path: directory, message: String(cString: strerror(errno)))
        }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw CheckpointError(path: temporary, message: String(cString: strerror(errno))) }
        var failure: CheckpointError?
        do {
            try Self.writeAll(fd, CheckpointFileLayout.header(), path: temporary)
            var crc = CRC32()
            var length = 0
            try BinaryEncoder().encode(checkpoint, chunkSize: Self.chunkSize) { chunk in
                crc.update(chunk)
                length += chunk.count
                try Self.writeAll(fd, chunk, path: temporary)
            }
            try Self.writeAll(fd, CheckpointFileLayout.trailer(bodyLength: length, crc: crc.value), path: temporary)
            if fsync(fd) != 0 { throw CheckpointError(path: temporary, message: String(cString: strerror(errno))) }
        } catch let error as CheckpointError {
            failure = error
        } catch {
            failure = CheckpointError(path: path, message: "cannot encode: \(error)")
        }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw CheckpointError(path: path, message: message)
        }
        // The rename is durable only once the directory entry is on disk.
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
        // Only now may the JSON checkpoint of an earlier version go: a crash before this point
        // leaves it next to a complete binary one, which `load` prefers. Failing to remove it is
        // not a failed save (the new checkpoint is in place and wins), so it is not reported.
        unlink(legacyPath)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    private static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer, path: String) throws(CheckpointError) {
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw CheckpointError(path: path, message: String(cString: strerror(errno)))
            }
            offset += n
        }
    }
}
