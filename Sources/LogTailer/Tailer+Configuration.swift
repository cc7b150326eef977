extension Tailer {
    /// Where to start in a file that has no checkpoint.
    public enum StartPosition: String, Sendable, Codable {
        /// Read the whole file.
        case beginning
        /// Skip what the file holds at the first poll (line numbers still count the skipped lines).
        case end
    }

    /// What to follow and the limits to follow it with.
    public struct Configuration: Sendable {
        /// Files, directories (every `*.log` and `*.jsonl` directly in them) or globs whose last
        /// component may hold `*`, `?` and `[...]`/`[!...]`.
        public var paths: [String]
        /// For files present at the first poll of a tailer created without any restored position;
        /// every other file (discovered later, or after a restart) is read from its beginning.
        public var startAt: StartPosition
        /// `startAt` for the files of particular `paths` entries (a config source's own
        /// `start_at`); entries not listed use `startAt`.
        public var startAtByPath: [String: StartPosition] = [:]
        /// Longest line handed out; longer lines are cut (UTF-8 safe) and flagged, their rest skipped.
        public var maxLineBytes: Int
        /// Nanoseconds a rotated or deleted file stays open after it was last seen at its end.
        public var rotateWait: Int64
        /// Nanoseconds an unterminated last line waits for its newline (without the file growing)
        /// before it is handed out flagged `partial`.
        public var partialLineTimeout: Int64
        /// Bytes of a file's head kept as its fingerprint.
        public var fingerprintBytes: Int
        /// Descriptors the tailer may hold; past it draining files are released early (their unread
        /// bytes counted missed) and new files wait.
        public var maxOpenFiles: Int
        /// Bytes read from one file in one poll, so one busy file cannot starve the others and one
        /// poll's output stays bounded.
        public var maxReadBytesPerPoll: Int

        public init(
            paths: [String], startAt: StartPosition = .beginning, maxLineBytes: Int = 1 << 20,
            rotateWait: Int64 = 5_000_000_000, partialLineTimeout: Int64 = 5_000_000_000,
            fingerprintBytes: Int = 1024, maxOpenFiles: Int = 1024, maxReadBytesPerPoll: Int = 4 << 20
        ) {
            self.paths = paths
            self.startAt = startAt
            self.maxLineBytes = max(1, maxLineBytes)
            self.rotateWait = rotateWait
            self.partialLineTimeout = partialLineTimeout
            self.fingerprintBytes = max(1, fingerprintBytes)
            self.maxOpenFiles = max(1, maxOpenFiles)
            self.maxReadBytesPerPoll = max(1, maxReadBytesPerPoll)
        }
    }
}
