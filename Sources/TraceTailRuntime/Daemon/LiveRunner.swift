import DequeModule
import LogTailer
import PatternParser
import PhaseAggregator
import SpanCorrelator
import TraceTailCore

/// The synchronous core of `tracetail run`: the tailer's lines and the journald sources' entries
/// go through each source's parser into the one `Pipeline`; the async service around it only
/// adds the clock, the wake-ups, the sinks and the control API. Tested directly on an
/// in-memory file system and a fake `journalctl`.
public struct LiveRunner {
    /// The configuration in force (a reload replaces it).
    public private(set) var configuration: TraceTailConfiguration
    /// The tailer (positions, counters, per-file status).
    public private(set) var tailer: Tailer
    /// The stage chain.
    public private(set) var pipeline: Pipeline
    /// Paths followed besides the config's sources (the command line's).
    public let extraPaths: [String]
    let patterns: PatternSet
    private var parsers: [SourceID: SourceParser] = [:]
    /// Starts the journald sources' `journalctl` processes.
    let journalLauncher: any JournalLauncher
    /// The `journald:` sources, in configuration order.
    private var journals: [JournalStream] = []
    /// The pipeline source of each journal program (`nova-compute`, `devstack@n-cpu`,
    /// `nova_compute`), kept across restarts through the checkpoint's source records.
    private var journalIDs: [String: SourceID] = [:]
    private var nextJournalID: UInt32 = 0
    private(set) var sources: [SourceID: Checkpoint.SourceRecord] = [:]
    /// Lines handed to the pipeline since start.
    public private(set) var linesProcessed = 0
    /// Files whose parser could not be made (no rule for their format), by path: their lines
    /// are counted and skipped.
    /// Keyed by source id (recycled with the tailer's), so it stays bounded by the live files.
    public private(set) var unparseableFiles: [SourceID: (fileName: String, error: String)] = [:]
    public private(set) var skippedLines = 0
    /// Parsed lines waiting for the other files to catch up, per file (and per journald source,
    /// whose entries stay in journal order), in read order.
    private var pending: [Lane: Deque<Held>] = [:]
    /// Sort time of each lane's latest line (untimed lines sort at the line before them).
    private var lastTime: [Lane: Int64] = [:]
    private var heldCount = 0

    /// What the merge keeps in order: one file, or one journald source (all its programs, so
    /// that a checkpoint can resume the journal before its first held line without repeating
    /// any entry after it).
    private enum Lane: Hashable, Comparable {
        case file(SourceID)
        case journal(Int)
    }

    /// The first source id of journal programs. The tailer's ids are recycled and stay below
    /// twice its descriptor limit (open files plus positions restored but not yet matched), so
    /// ids from here on never collide with a file's; the pipeline keeps one slot per id below
    /// the highest, so the range starts no higher than that.
    static func firstJournalSourceID(_ tailer: Tailer.Configuration) -> UInt32 {
        UInt32(2 * tailer.maxOpenFiles)
    }

    /// Journal programs tracked at most; later ones' lines are skipped and counted.
    static let maxJournalPrograms: UInt32 = 4096

    /// A parsed line and the time it sorts at.
    private struct Held {
        var time: Int64
        var item: ParsedItem
        /// Where the line starts in its file, and its number: a checkpoint taken while it is
        /// held resumes the file here.
        var offset: Int64
        var number: Int
        /// A journal line's entry and its index among the entry's lines: a checkpoint taken
        /// while it is held resumes the journal at that entry, skipping the lines before it.
        var cursor: String? = nil
        var segment = 0
    }

    /// A runner following `configuration.sources` and `paths`.
    /// - Parameters:
    ///   - checkpoint: what a previous run left; nil to start afresh (files present now start
    ///     at their source's `start_at`, journald sources too).
    ///   - journalLauncher: starts the journald sources' `journalctl` (a fake in tests).
    public init(
        configuration: TraceTailConfiguration, patterns: PatternSet, paths: [String] = [],
        fileSystem: any FileSystem, checkpoint: Checkpoint?,
        journalLauncher: any JournalLauncher = JournalctlLauncher()
    ) {
        self.configuration = configuration
        self.patterns = patterns
        self.extraPaths = paths
        self.journalLauncher = journalLauncher
        tailer = Tailer(
            configuration: Self.tailerConfiguration(configuration, paths: paths), fileSystem: fileSystem,
            restoring: checkpoint?.files ?? [])
        nextJournalID = Self.firstJournalSourceID(tailer.configuration)
        if let checkpoint {
            pipeline = Pipeline(configuration: configuration, restoring: checkpoint.pipeline)
            for record in checkpoint.sources {
                let id = SourceID(record.id)
                sources[id] = record
                pipeline.register(.init(fileName: record.fileName, service: record.service), as: id)
                if record.path.hasPrefix(Self.journalPathPrefix) {
                    journalIDs[record.fileName] = id
                    nextJournalID = max(nextJournalID, record.id + 1)
                }
            }
        } else {
            pipeline = Pipeline(configuration: configuration)
        }
        var unclaimed = checkpoint?.journal ?? []
        for (index, source) in configuration.sources.enumerated() {
            guard let journald = source.journald else { continue }
            let position = unclaimed.firstIndex { $0.belongs(to: journald) }.map { unclaimed.remove(at: $0) }
            journals.append(JournalStream(index: index, source: source, journald: journald, restoring: position))
        }
    }

    /// The `path` of a journal program's source record: `journald:nova-compute`.
    static let journalPathPrefix = "journald:"

    static func tailerConfiguration(_ c: TraceTailConfiguration, paths: [String]) -> Tailer.Configuration {
        var t = Tailer.Configuration(paths: c.fileSources.map(\.path) + paths)
        // Files present at the first start begin at their source's `start_at` (default `end`:
        // history is skipped, DESIGN §5); command-line paths use the default.
        t.startAt = .end
        for source in c.fileSources where t.startAtByPath[source.path] == nil {
            t.startAtByPath[source.path] = source.startAt == .beginning ? .beginning : .end
        }
        t.maxLineBytes = c.maxLineBytes
        t.rotateWait = c.rotateWait.nanoseconds
        t.partialLineTimeout = c.partialLineTimeout.nanoseconds
        return t
    }

    /// Reads what the files have now and runs it through the pipeline. When nothing was
    /// waiting, event time advances with the wall clock (`wallClock − allowed_lateness`).
    /// - Parameters:
    ///   - monotonic: a monotonic clock in nanoseconds (rotation and partial-line timers).
    ///   - wallClock: now, for quiet periods.
    /// - Returns: the number of lines read.
    @discardableResult
    public mutating func step(monotonic: Int64, wallClock: EventTime, into output: inout [OutputRecord]) -> Int {
        var batches: [TailedLines] = []
        tailer.poll(now: monotonic, into: &batches)
        var lines = 0
        for batch in batches {
            lines += batch.lines.count
            hold(batch)
        }
        for i in journals.indices {
            let entries = journals[i].read(
                now: monotonic, launcher: journalLauncher, maxBytes: journalReadBytesPerStep)
            lines += hold(entries, from: i)
        }
        release(into: &output)
        if lines == 0 && heldCount == 0 { pipeline.advance(quietUntil: wallClock, into: &output) }
        return lines
    }

    /// Lines parsed but held back so that files are merged by event time (DESIGN §6: a backlog
    /// is processed in event time like a replay).
    public var heldLines: Int { heldCount }

    /// `journalctl` output read from one journald source in one step at most, so a journal
    /// backlog cannot starve the files (the tailer's per-file limit). Tests make it small.
    var journalReadBytesPerStep = 4 << 20

    /// Hands the pipeline every held line that no file still being read can precede: up to
    /// the oldest "latest time" among files with unread bytes, merged by time across files
    /// (file order kept within a file). With every file caught up, everything goes.
    private mutating func release(into output: inout [OutputRecord]) {
        guard heldCount > 0 else { return }
        var bound = Int64.max
        for file in tailer.files where file.lagBytes > 0 {
            guard let raw = file.source else { continue }
            // A file with unread bytes and nothing read yet holds everything back.
            bound = min(bound, lastTime[.file(SourceID(raw))] ?? .min)
        }
        // So does a journal with more output waiting (a backlog read in slices).
        for stream in journals where stream.mayHaveMore {
            bound = min(bound, lastTime[.journal(stream.index)] ?? .min)
        }
        while true {
            var best: Lane?
            var bestTime = Int64.max
            for (id, queue) in pending {
                guard let head = queue.first, head.time <= bound else { continue }
                if best == nil || head.time < bestTime || (head.time == bestTime && id < best!) {
                    best = id
                    bestTime = head.time
                }
            }
            guard let id = best else { break }
            let held = pending[id]!.removeFirst()
            heldCount -= 1
            pipeline.consume(held.item, into: &output)
        }
        pending = pending.filter { !$0.value.isEmpty }
    }

    /// Applies a control command at wall-clock time `now`.
    public mutating func apply(_ command: ControlCommand, now: EventTime, into output: inout [OutputRecord]) {
        switch command {
        case .phase(let phase, let runID):
            pipeline.setPhase(phase, runID: runID, at: now, source: "control_api", into: &output)
        case .event(let event):
            pipeline.consume(.cta(event), into: &output)
        case .emit(let records):
            output += records
        }
    }

    /// The state to persist now: file positions and the pipeline's open state, which agree
    /// with each other because both stand just after the last line consumed.
    public func checkpoint(takenAt: Int64) -> Checkpoint {
        // Lines still held for the merge are not in the pipeline's state: their files resume
        // at the first held line, so they are read again after a restart, once.
        let files = tailer.positions.map { position in
            var p = position
            if let first = pending[.file(SourceID(position.source))]?.first {
                p.offset = first.offset
                p.nextLineNumber = first.number
            }
            return p
        }
        return Checkpoint(
            takenAt: takenAt, files: files, pipeline: pipeline.checkpointState(),
            sources: sources.values.sorted { $0.id < $1.id }, journal: journalPositions())
    }

    /// Each journald source's resume point: at its first held line's entry, else after the
    /// last entry read; none before its first entry (it then starts at its `start_at` again).
    private func journalPositions() -> [JournalPosition] {
        journals.compactMap { stream in
            let j = stream.journald
            if let first = pending[.journal(stream.index)]?.first, let cursor = first.cursor {
                return JournalPosition(
                    units: j.units, directory: j.directory, cursor: cursor, includesCursor: true,
                    skipLines: first.segment, nextLineNumber: first.number)
            }
            switch stream.start {
            case .fresh: return nil
            case .after(let cursor):
                return JournalPosition(
                    units: j.units, directory: j.directory, cursor: cursor, includesCursor: false,
                    nextLineNumber: stream.nextLineNumber)
            case .at(let cursor, let skipLines):
                return JournalPosition(
                    units: j.units, directory: j.directory, cursor: cursor, includesCursor: true,
                    skipLines: skipLines, nextLineNumber: stream.nextLineNumber)
            }
        }
    }

    /// Stops the journald sources' `journalctl` processes and closes the files (at shutdown,
    /// after the last checkpoint; a reload does it itself).
    public mutating func close() {
        for i in journals.indices { journals[i].close() }
        tailer.close()
    }

    /// Swaps in a new configuration (SIGHUP), keeping positions and open state: the tailer
    /// follows the new paths from where the old one stood, the stages continue with the new
    /// settings.
    public mutating func reload(_ new: TraceTailConfiguration, fileSystem: any FileSystem, takenAt: Int64) {
        let saved = checkpoint(takenAt: takenAt)
        // The new tailer reopens the files from the saved positions; the old one's descriptors
        // would otherwise leak with every reload. journalctl restarts from the saved cursors.
        close()
        self = LiveRunner(
            configuration: new, patterns: patterns, paths: extraPaths, fileSystem: fileSystem, checkpoint: saved,
            journalLauncher: journalLauncher)
    }

    private mutating func hold(_ batch: TailedLines) {
        let id = batch.source
        // A source id the tailer recycled for another file gets a parser of its own.
        if parsers[id] == nil || sources[id]?.fileName != batch.fileName,
            unparseableFiles[id]?.fileName != batch.fileName
        {
            makeParser(for: batch)
        }
        guard parsers[id] != nil else {
            skippedLines += batch.lines.count
            return
        }
        var queue = pending[.file(id)] ?? Deque()
        var time = lastTime[.file(id)] ?? .min
        for i in 0..<batch.lines.count {
            if let item = parsers[id]!.parse(batch.lines[i], line: batch.lines.lines[i]) {
                if let t = item.time?.nanoseconds { time = t }
                let line = batch.lines.lines[i]
                queue.append(Held(time: time, item: item, offset: line.offset, number: line.number))
                heldCount += 1
            }
        }
        pending[.file(id)] = queue
        lastTime[.file(id)] = time
        linesProcessed += batch.lines.count
    }

    /// Parses the lines of journal entries read from `journals[index]` and holds them in its
    /// lane, in journal order. Returns the number of lines.
    private mutating func hold(_ entries: [(entry: JournalEntry, skipLines: Int)], from index: Int) -> Int {
        guard !entries.isEmpty else { return 0 }
        let stream = journals[index]
        let lane = Lane.journal(stream.index)
        var queue = pending[lane] ?? Deque()
        var time = lastTime[lane] ?? .min
        var count = 0
        for (entry, skipLines) in entries {
            guard let program = JournalLines.program(of: entry, units: stream.journald.units) else {
                journals[index].skipEntry()
                continue
            }
            let lines = JournalLines.lines(of: entry, program: program, maxLineBytes: configuration.maxLineBytes)
            let id = journalSource(program, settings: stream.source)
            for (segment, line) in lines.enumerated() where segment >= skipLines {
                count += 1
                let number = journals[index].nextLineNumber
                journals[index].nextLineNumber += 1
                guard let id, parsers[id] != nil else {
                    skippedLines += 1
                    continue
                }
                if let item = parsers[id]!.parse(line.bytes[...], number: number, truncated: line.truncated) {
                    if let t = item.time?.nanoseconds { time = t }
                    queue.append(
                        Held(time: time, item: item, offset: 0, number: number, cursor: entry.cursor, segment: segment))
                    heldCount += 1
                }
            }
        }
        pending[lane] = queue
        lastTime[lane] = time
        linesProcessed += count
        return count
    }

    /// The pipeline source of a journal program, registered (and given a parser) on first
    /// sight; nil past `maxJournalPrograms` or without an oslo rule.
    private mutating func journalSource(_ program: String, settings: TraceTailConfiguration.Source) -> SourceID? {
        let id: SourceID
        if let known = journalIDs[program] {
            id = known
        } else {
            let first = Self.firstJournalSourceID(tailer.configuration)
            guard nextJournalID < first + Self.maxJournalPrograms else { return nil }
            id = SourceID(nextJournalID)
            nextJournalID += 1
            journalIDs[program] = id
        }
        let record = Checkpoint.SourceRecord(
            id: id.rawValue, fileName: program, service: settings.service, path: Self.journalPathPrefix + program)
        if sources[id] != record {
            sources[id] = record
            pipeline.register(.init(fileName: record.fileName, service: record.service), as: id)
        }
        if parsers[id] == nil, unparseableFiles[id] == nil {
            do {
                // Journal lines are wrapped oslo lines (`JournalLines`); their wrapper time has
                // its year and zone, an inner oslo time is read in the source's `timezone`.
                parsers[id] = try SourceParser(
                    source: id, path: record.path, format: .oslo, patterns: patterns,
                    maxLineBytes: configuration.maxLineBytes,
                    zone: settings.timezone.flatMap { ZoneRules.load(name: $0) })
            } catch {
                unparseableFiles[id] = (program, "\(record.path): \(error)")
            }
        }
        return id
    }

    private mutating func makeParser(for batch: TailedLines) {
        let settings = SourceSettings.match(batch.path, in: configuration.fileSources)
        let format: LogFormat
        if let f = settings?.format {
            format = f
        } else if let first = batch.lines.lines.first, first.number == 1 {
            format = FormatDetector.detect(firstLines: (0..<batch.lines.count).map { batch.lines[$0] })
        } else {
            format = (try? ReplayEngine.detectFormat(batch.path)) ?? .oslo
        }
        let zone = settings?.timezone.flatMap { ZoneRules.load(name: $0) }
        do {
            parsers[batch.source] = try SourceParser(
                source: batch.source, path: batch.path, format: format, patterns: patterns,
                maxLineBytes: configuration.maxLineBytes, zone: zone, yearReference: settings?.yearReference)
        } catch {
            parsers[batch.source] = nil
            unparseableFiles[batch.source] = (batch.fileName, "\(batch.path): \(error)")
            return
        }
        unparseableFiles[batch.source] = nil
        let record = Checkpoint.SourceRecord(
            id: batch.source.rawValue, fileName: batch.fileName, service: settings?.service, path: batch.path)
        if sources[batch.source] != record {
            sources[batch.source] = record
            pipeline.register(.init(fileName: record.fileName, service: record.service), as: batch.source)
        }
    }

    /// The journald sources' state for `/status`.
    public var journalReports: [DaemonStatus.Journal] {
        journals.map { stream in
            let c = stream.counters
            let cursor: Bool
            if case .fresh = stream.start { cursor = false } else { cursor = true }
            return DaemonStatus.Journal(
                source: stream.index, units: stream.journald.units, directory: stream.journald.directory,
                running: stream.running, cursorPresent: cursor, entriesRead: c.entriesRead,
                entriesSkipped: c.entriesSkipped, undecodableLines: c.undecodable, restarts: c.restarts,
                lastError: c.lastError, heldLines: pending[.journal(stream.index)]?.count ?? 0)
        }
    }

    /// What the journald sources did worth logging (journalctl started, exited, failed to
    /// start) since the last call.
    public mutating func takeJournalMessages() -> [String] {
        var all: [String] = []
        for i in journals.indices { all += journals[i].takeMessages() }
        return all
    }

    /// Parse counters over every file's parser.
    public var parseCounters: ParseCounters {
        parsers.values.reduce(ParseCounters()) { $0 + $1.counters }
    }
}
