import Foundation

/// Why a checkpoint could not be read or written; names the file.
public struct CheckpointError: Error, Sendable, CustomStringConvertible {
    /// The checkpoint file.
    public var path: String
    /// What went wrong.
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Reads and writes the daemon's checkpoint file (`<state_dir>/checkpoint.json`) atomically:
/// the new content goes to a temporary file in the same directory, is fsync'ed, renamed over
/// the old one, and the directory is fsync'ed, so a crash at any instant leaves either the old
/// or the new checkpoint, never a torn one (DESIGN §7).
public struct CheckpointStore: Sendable {
    /// The state directory.
    public let directory: String
    /// The checkpoint file inside it.
    public var path: String { directory + "/checkpoint.json" }

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

    /// The stored checkpoint, or nil when there is none yet.
    /// - Throws: `CheckpointError` when the file exists but cannot be read or decoded, or was
    ///   written by a newer, incompatible version.
    public func load() throws(CheckpointError) -> Checkpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CheckpointError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try JSONDecoder().decode(Checkpoint.self, from: data)
        } catch {
            throw CheckpointError(
                path: path, message: "not a TraceTail checkpoint (\(error)); move it away to start afresh")
        }
        guard checkpoint.version == Checkpoint.currentVersion else {
            throw CheckpointError(
                path: path,
                message: "checkpoint version \(checkpoint.version), this tracetail reads \(Checkpoint.currentVersion)")
        }
        return checkpoint
    }

    /// Writes `checkpoint` atomically (temp file, fsync, rename, fsync of the directory).
    /// - Throws: `CheckpointError` naming the file when any step fails; the previous
    ///   checkpoint is then still in place.
    public func save(_ checkpoint: Checkpoint) throws(CheckpointError) {
        // Unsorted keys: sorting every object's keys was a sixth of the encoding time.
        let encoder = JSONEncoder()
        let data: Data
        do {
            data = try encoder.encode(checkpoint)
        } catch {
            throw CheckpointError(path: path, message: "cannot encode: \(error)")
        }
        if mkdir(directory, 0o750) != 0 && errno != EEXIST {
            throw CheckpointError(path: directory, message: String(cString: strerror(errno)))
        }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw CheckpointError(path: temporary, message: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw CheckpointError(path: temporary, message: failure)
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
    }
}
