import TraceTailCore

/// The tailer's state for one open (or reopening) file.
struct TrackedFile: Sendable {
    var source: SourceID
    /// Current path; for a draining file, where it was last found.
    var path: String
    var fileName: String
    var identity: FileIdentity
    /// nil while a file whose handle failed (`ESTALE`) waits to be reopened.
    var handle: FileHandleToken?
    var fingerprint: [UInt8]
    /// Consumed-offset, line number and long-line state.
    var cursor: LineFramer
    /// Bytes read past `cursor.offset`: an unterminated last line (at most `maxLineBytes`).
    var pending: [UInt8] = []
    /// Size at the last stat.
    var size: Int64
    /// Left its watched path: read to the end, then released.
    var draining = false
    /// When the file last grew (or was opened): the partial-line clock.
    var lastGrowth: Int64
    /// Since when the reader has been at the end without growth: the `rotateWait` clock.
    var atEndSince: Int64?
    var linesRead = 0

    /// First byte not yet read.
    var readOffset: Int64 { cursor.offset + Int64(pending.count) }

    var position: FilePosition {
        FilePosition(
            path: path, fileName: fileName, source: source.rawValue, device: identity.device, inode: identity.inode,
            fingerprint: fingerprint, offset: cursor.offset, nextLineNumber: cursor.nextLineNumber,
            skippingLongLine: cursor.skipping)
    }
}

/// The content state of a file that was truncated or rewritten in this poll: a copy of it that
/// appears in the same poll (copytruncate with the copy inside the watched paths) continues from here.
struct TruncatedContent: Sendable {
    var source: SourceID
    var path: String
    var fileName: String
    var fingerprint: [UInt8]
    var cursor: LineFramer
    var pending: [UInt8]
    /// Bytes known to exist (an earlier stat) but not read before the truncation.
    var unreadKnown: Int64
    var adopted = false
}
