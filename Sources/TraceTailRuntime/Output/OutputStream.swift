import Foundation
import TraceTailCore

/// A buffered byte writer to stdout or a file (appending, never truncating: DESIGN §6 `jsonl`).
///
/// Writes go through one reusable buffer flushed with write(2) at 64 KiB, so emitting millions
/// of JSON lines costs a syscall per ~500 lines rather than one per line.
public final class OutputStream {
    /// A file that could not be opened or written.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    private let fd: Int32
    private let ownsDescriptor: Bool
    private let path: String
    private var buffer: [UInt8] = []
    private let limit = 64 * 1024
    /// Reused for every record: writing a JSON line allocates nothing once it has grown.
    private var json = JSONWriter()

    /// Standard output.
    public static func standardOutput() -> OutputStream { OutputStream(fd: 1, owns: false, path: "<stdout>") }

    /// Opens `path` for appending (created with mode 0644 when missing); `-` is stdout.
    /// - Parameter truncate: start the file empty (reports); JSON lines always append.
    public static func open(path: String, truncate: Bool = false) throws(Failure) -> OutputStream {
        if path == "-" { return standardOutput() }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND)
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw Failure(path: path, message: String(cString: strerror(errno))) }
        return OutputStream(fd: fd, owns: true, path: path)
    }

    private init(fd: Int32, owns: Bool, path: String) {
        self.fd = fd
        self.ownsDescriptor = owns
        self.path = path
        buffer.reserveCapacity(limit + 4096)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(fd) }
    }

    /// Appends text.
    public func write(_ text: String) throws(Failure) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { try flush() }
    }

    /// Appends text and a newline.
    public func writeLine(_ text: String) throws(Failure) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0a)
        if buffer.count >= limit { try flush() }
    }

    /// Appends bytes and a newline.
    public func writeLine(bytes: [UInt8]) throws(Failure) {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0a)
        if buffer.count >= limit { try flush() }
    }

    /// Appends one record as a JSON line (DESIGN §5).
    public func writeJSONLine(_ record: OutputRecord) throws(Failure) {
        json.reset()
        record.writeJSON(into: &json)
        buffer.append(contentsOf: json.bytes)
        buffer.append(0x0a)
        if buffer.count >= limit { try flush() }
    }

    /// Makes what was flushed durable (fsync) when the output is a file; a no-op on stdout.
    public func sync() {
        if ownsDescriptor { fsync(fd) }
    }

    /// Writes everything buffered.
    public func flush() throws(Failure) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw Failure(path: path, message: message)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
