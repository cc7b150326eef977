/// One `journald:` source at run time: its `journalctl` process, where to (re)start it, and its
/// counters. Synchronous: `read` takes what the process has written and never waits.
///
/// Entries are filtered by unit here, not by `journalctl` matches: journalctl's field matches
/// take exact values only (no globs), and `--unit` globs cover units but not syslog
/// identifiers or container names. Reading the whole journal costs only the decoding of the
/// entries skipped.
struct JournalStream {
    /// Where the next `journalctl` starts.
    enum Start: Equatable {
        /// No cursor yet: the source's `start_at`.
        case fresh(TraceTailConfiguration.StartPosition)
        /// At the entry of the cursor, skipping its first lines (they were consumed).
        case at(cursor: String, skipLines: Int)
        /// After the entry of the cursor.
        case after(cursor: String)
    }

    /// The source's index in `configuration.sources`.
    let index: Int
    let source: TraceTailConfiguration.Source
    let journald: TraceTailConfiguration.Journald
    private(set) var start: Start
    /// Cursor of the last entry read by this run (matched or not).
    private(set) var lastCursor: String?
    /// The number of the next line handed out.
    var nextLineNumber: Int
    private var process: (any JournalProcess)?
    /// Set after a start `.at` a cursor: the lines of that entry to drop when it comes first.
    private var skip: (cursor: String, lines: Int)?
    private var backoff: Int64 = 0
    private var nextLaunch: Int64 = .min
    private var launched = false
    /// Whether the last read stopped at its byte budget (more output is probably waiting).
    private(set) var mayHaveMore = false
    private(set) var counters = Counters()
    /// Things worth a log line (starts, exits, launch failures) since `takeMessages()`.
    private var messages: [String] = []

    /// What a journald source did since start.
    struct Counters: Equatable {
        var entriesRead = 0
        /// Entries no unit glob matched.
        var entriesSkipped = 0
        /// Output lines that were no JSON journal entry.
        var undecodable = 0
        /// `journalctl` starts after the first (after it exited or could not be started).
        var restarts = 0
        var lastError: String?
    }

    /// Longest backoff between restarts. Short, because journalctl also exits on a journal
    /// with no entries yet (systemd 252: `--follow` finds no boot), and the first entries
    /// should not wait long once they are there.
    static let maxBackoff: Int64 = 10_000_000_000

    init(
        index: Int, source: TraceTailConfiguration.Source, journald: TraceTailConfiguration.Journald,
        restoring position: JournalPosition?
    ) {
        self.index = index
        self.source = source
        self.journald = journald
        if let position {
            start =
                position.includesCursor
                ? .at(cursor: position.cursor, skipLines: position.skipLines) : .after(cursor: position.cursor)
            nextLineNumber = position.nextLineNumber
        } else {
            start = .fresh(source.startAt)
            nextLineNumber = 1
        }
    }

    /// The `journalctl` arguments for `start`.
    func arguments() -> [String] {
        // `--all`: fields over 4 KiB are printed, not replaced by null. `--no-tail` undoes the
        // ten lines `--follow` would otherwise start with.
        var args = ["--output=json", "--follow", "--no-pager", "--all"]
        if let directory = journald.directory { args.append("--directory=\(directory)") }
        switch start {
        case .fresh(.end): args.append("--lines=0")
        case .fresh(.beginning): args.append("--no-tail")
        case .at(let cursor, _): args += ["--no-tail", "--cursor=\(cursor)"]
        case .after(let cursor): args += ["--no-tail", "--after-cursor=\(cursor)"]
        }
        return args
    }

    /// Entries written since the last call, each with the number of its leading lines already
    /// consumed before a restart. Starts `journalctl` when it is not running and its backoff
    /// has passed.
    /// - Parameters:
    ///   - now: monotonic nanoseconds, for the restart backoff.
    ///   - maxBytes: output read at most this time.
    mutating func read(now: Int64, launcher: any JournalLauncher, maxBytes: Int) -> [(
        entry: JournalEntry, skipLines: Int
    )] {
        mayHaveMore = false
        if process == nil {
            guard now >= nextLaunch else { return [] }
            launch(now: now, launcher: launcher)
        }
        guard let running = process else { return [] }
        var lines: [[UInt8]] = []
        let open = running.readLines(into: &lines, maxBytes: maxBytes)
        var entries: [(entry: JournalEntry, skipLines: Int)] = []
        var bytes = 0
        for line in lines {
            bytes += line.count + 1
            guard let entry = JournalEntry(jsonLine: line) else {
                if !line.isEmpty { counters.undecodable += 1 }
                continue
            }
            var skipLines = 0
            if let s = skip {
                if s.cursor == entry.cursor { skipLines = s.lines }
                skip = nil
            }
            counters.entriesRead += 1
            lastCursor = entry.cursor
            entries.append((entry, skipLines))
        }
        if let last = lastCursor { start = .after(cursor: last) }
        if !entries.isEmpty { backoff = 0 }
        if open {
            mayHaveMore = bytes >= maxBytes
        } else {
            let reason = running.exitDescription ?? "journalctl exited"
            process = nil
            failed(reason, now: now)
        }
        return entries
    }

    private mutating func launch(now: Int64, launcher: any JournalLauncher) {
        if launched { counters.restarts += 1 }
        launched = true
        let args = arguments()
        do {
            process = try launcher.launch(arguments: args)
            if case .at(let cursor, let lines) = start { skip = (cursor, lines) } else { skip = nil }
            messages.append("journald source \(index): started journalctl \(args.joined(separator: " "))")
        } catch {
            failed("\(error)", now: now)
        }
    }

    /// Records a stop or a failed start and schedules the next start: 1 s, doubling to 10 s.
    private mutating func failed(_ reason: String, now: Int64) {
        backoff = min(Self.maxBackoff, max(1_000_000_000, backoff * 2))
        nextLaunch = now + backoff
        counters.lastError = reason
        messages.append("journald source \(index): \(reason); restarting in \(backoff / 1_000_000) ms")
    }

    /// Counts an entry that no unit glob matched.
    mutating func skipEntry() { counters.entriesSkipped += 1 }

    /// Whether `journalctl` is running now.
    var running: Bool { process != nil }

    /// The log lines gathered since the last call.
    mutating func takeMessages() -> [String] {
        defer { messages.removeAll() }
        return messages
    }

    /// Stops `journalctl`.
    mutating func close() {
        process?.terminate()
        process = nil
    }
}
