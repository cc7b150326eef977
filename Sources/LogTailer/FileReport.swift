/// One followed (or failing) file, for `/status`.
public struct FileReport: Sendable, Codable, Equatable {
    /// What the tailer is doing with the file.
    public enum State: String, Sendable, Codable {
        /// At a watched path, read as it grows.
        case active
        /// Rotated away or deleted: read to its end, then released after `rotateWait`.
        case draining
        /// Matched by the configuration but cannot be opened (retried every poll).
        case unreadable
    }

    /// Current path.
    public var path: String
    /// Name the file was first seen under.
    public var fileName: String
    /// `st_dev` (0 when unreadable).
    public var device: UInt64
    /// `st_ino` (0 when unreadable).
    public var inode: UInt64
    /// `SourceID.rawValue`; nil when unreadable.
    public var source: UInt32?
    /// First byte not yet handed out.
    public var offset: Int64
    /// Size at the last poll.
    public var size: Int64
    /// `size - offset`: bytes written but not yet handed out.
    public var lagBytes: Int64
    /// Lines handed out from this file since it was opened.
    public var linesRead: Int
    /// Active, draining or unreadable.
    public var state: State
    /// Why it cannot be opened (unreadable only).
    public var error: String?
}
