extension Tailer {
    /// Totals since the tailer was created (the daemon exports them as metrics).
    public struct Counters: Codable, Sendable, Equatable {
        /// Lines handed out.
        public var linesRead = 0
        /// Bytes read from files (including skipped NULs and the skipped tails of long lines).
        public var bytesRead: Int64 = 0
        /// Bytes that reached a file but were never read: unread when a rotated file was released or
        /// lost, or seen in a file that was then truncated before they were read.
        public var bytesMissed: Int64 = 0
        /// Lines cut at `maxLineBytes`.
        public var truncatedLines = 0
        /// Unterminated lines handed out flagged `partial`.
        public var partialLinesFlushed = 0
        /// NUL bytes skipped where a line would start (the hole a non-O_APPEND writer leaves after copytruncate).
        public var nulBytesSkipped: Int64 = 0
        /// Files that left their watched path (renamed away, deleted, replaced).
        public var rotations = 0
        /// Files that shrank below the read offset or were rewritten in place (fingerprint changed).
        public var truncations = 0
        /// Files opened.
        public var filesOpened = 0
        /// Files closed and forgotten.
        public var filesReleased = 0
        /// Open failures (permission, …): once per file per failing streak.
        public var openErrors = 0
        /// Read failures (`ESTALE`, …); the file is reopened by path.
        public var readErrors = 0
        /// Restored positions dropped because their file's content no longer matched (inode reuse,
        /// rewrite while stopped) or their file was gone.
        public var staleCheckpoints = 0
        /// Rotated generations read through decompression: logrotate compressed them while the
        /// tailer was stopped.
        public var compressedGenerationsRead = 0
        /// New files not opened in a poll because `maxOpenFiles` descriptors were in use.
        public var openDeferred = 0

        public init() {}
    }
}
