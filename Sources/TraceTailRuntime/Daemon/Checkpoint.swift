import LogTailer

/// What the daemon persists, together and atomically (DESIGN §7): where each followed file has
/// been read to, and the open correlation and aggregation state those bytes built. Values only
/// (paths, inodes, fingerprints, names), never process-local handles, so a restarted process
/// continues exactly where the old one stopped.
public struct Checkpoint: Codable, Sendable {
    /// Format version; a checkpoint of another version is refused with a clear message.
    public static let currentVersion = 1
    /// This checkpoint's format version.
    public var version: Int
    /// Wall-clock time it was taken (Unix nanoseconds), for `checkpoint_age` in status.
    public var takenAt: Int64
    /// Every tracked file: identity, offset of the first byte not yet handed to the parser,
    /// next line number.
    public var files: [FilePosition]
    /// The stages' open state.
    public var pipeline: Pipeline.State
    /// The services of the sources the pipeline knows, by source id (they shape span ids).
    public var sources: [SourceRecord]
    /// Where each journald source resumes (its `journalctl` cursor); absent in checkpoints
    /// written before journald sources existed, which decode with none.
    public var journal: [JournalPosition]?

    /// One registered source: a file, or a journal program (`path` `journald:<program>`).
    public struct SourceRecord: Codable, Sendable, Equatable {
        public var id: UInt32
        public var fileName: String
        public var service: String?
        public var path: String
    }

    public init(
        takenAt: Int64, files: [FilePosition], pipeline: Pipeline.State, sources: [SourceRecord],
        journal: [JournalPosition]? = nil
    ) {
        self.version = Self.currentVersion
        self.takenAt = takenAt
        self.files = files
        self.pipeline = pipeline
        self.sources = sources
        self.journal = journal
    }
}
