/// Where a journald source resumes after a restart: the checkpoint value of one `journald:`
/// source, kept in `Checkpoint.journal`.
///
/// Lines still held for the merge by event time are not yet in the pipeline's state, so the
/// position stands before the first of them: at the entry that holds it (`includesCursor`),
/// skipping that entry's lines already consumed; with nothing held, after the last entry read.
public struct JournalPosition: Codable, Sendable, Equatable {
    /// The source's unit globs: a position resumes the source configured alike.
    public var units: [String]
    /// The source's journal directory; nil for the system journal.
    public var directory: String?
    /// `__CURSOR` of the entry the position refers to.
    public var cursor: String
    /// True: resume at `cursor`'s entry (`--cursor`), skipping its first `skipLines` lines;
    /// false: resume after it (`--after-cursor`).
    public var includesCursor: Bool
    /// Lines of `cursor`'s entry already consumed (a message of several lines).
    public var skipLines: Int
    /// Number given to the next line read (line numbers order the lines of one source).
    public var nextLineNumber: Int

    /// A position of the source `units`/`directory` at or after `cursor`.
    public init(
        units: [String], directory: String?, cursor: String, includesCursor: Bool, skipLines: Int = 0,
        nextLineNumber: Int
    ) {
        self.units = units
        self.directory = directory
        self.cursor = cursor
        self.includesCursor = includesCursor
        self.skipLines = skipLines
        self.nextLineNumber = nextLineNumber
    }

    /// Whether this position belongs to `source`.
    func belongs(to source: TraceTailConfiguration.Journald) -> Bool {
        units == source.units && directory == source.directory
    }
}
