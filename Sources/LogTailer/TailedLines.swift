import TraceTailCore

/// Lines of one file from one `Tailer.poll`, in file order.
public struct TailedLines: Sendable {
    /// Stable small id of the file while it is tracked (and across restarts, via `FilePosition`).
    public var source: SourceID
    /// The file's current path (after a rename, the new name).
    public var path: String
    /// The name the file was first seen under: `nova-api.log` even once it is `nova-api.log.1`.
    public var fileName: String
    /// The lines; `Line.partial` marks a line handed out without its newline.
    public var lines: LineBatch

    public init(source: SourceID, path: String, fileName: String, lines: LineBatch) {
        self.source = source
        self.path = path
        self.fileName = fileName
        self.lines = lines
    }
}
