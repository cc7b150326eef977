import DequeModule
import LogTailer
import PatternParser
import PhaseAggregator
import SpanCorrelator
import TraceTailCore

/// The synchronous core of `tracetail run`: the tailer's lines go through each file's parser
/// into the one `Pipeline`; the async service around it only adds the clock, the wake-ups,
/// the sinks and the control API. Tested directly on an in-memory file system.
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
    private(set) var sources: [SourceID: Checkpoint.SourceRecord] = [:]
    /// Lines handed to the pipeline since start.
    public private(set) var linesProcessed = 0
    /// Files whose parser could not be made (no rule for their format), by path: their lines
    /// are counted and skipped.
    /// Keyed by source id (recycled with the tailer's), so it stays bounded by the live files.
    public private(set) var unparseableFiles: [SourceID: (fileName: String, error: String)] = [:]
    public private(set) var skippedLines = 0
    /// Parsed lines waiting for the other files to catch up, per file, in file order.
    private var pending: [SourceID: Deque<Held>] = [:]
    /// Sort time of each file's latest line (untimed lines sort at the line before them).
    private var lastTime: [SourceID: Int64] = [:]
    private var heldCount = 0

    /// A parsed line and the time it sorts at.
    private struct Held {
        var time: Int64
        var item: ParsedItem
        /// Where the line starts in its file, and its number: a checkpoint taken while it is
        /// held resumes the file here.
        var offset: Int64
        var number: Int
    }

    /// A runner following `configuration.sources` and `paths`.
    /// - Parameters:
    ///   - checkpoint: what a previous run left; nil to start afresh (files present now start
    ///     at their source's `start_at`).
    public init(
        configuration: TraceTailConfiguration, patterns: PatternSet, paths: [String] = [],
        fileSystem: any FileSystem, checkpoint: Checkpoint?
    ) {
        self.configuration = configuration
        self.patterns = patterns
        self.extraPaths = paths
        tailer = Tailer(
            configuration: Self.tailerConfiguration(configuration, paths: paths), fileSystem: fileSystem,
            restoring: checkpoint?.files ?? [])
        if let checkpoint {
            pipeline = Pipeline(configuration: configuration, restoring: checkpoint.pipeline)
            for record in checkpoint.sources {
                let id = SourceID(record.id)
                sources[id] = record
                pipeline.register(.init(fileName: record.fileName, service: record.service), as: id)
            }
        } else {
            pipeline = Pipeline(configuration: configuration)
        }
    }

    static func tailerConfiguration(_ c: TraceTailConfiguration, paths: [String]) -> Tailer.Configuration {
        var t = Tailer.Configuration(paths: c.sources.map(\.path) + paths)
        // Files present at the first start begin at their source's `start_at` (default `end`:
        // history is skipped, DESIGN §5); command-line paths use the default.
        t.startAt = .end
        for source in c.sources where t.startAtByPath[source.path] == nil {
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
        release(into: &output)
        if lines == 0 && heldCount == 0 { pipeline.advance(quietUntil: wallClock, into: &output) }
        return lines
    }

    /// Lines parsed but held back so that files are merged by event time (DESIGN §6: a backlog
    /// is processed in event time like a replay).
    public var heldLines: Int { heldCount }

    /// Hands the pipeline every held line that no file still being read can precede: up to
    /// the oldest "latest time" among files with unread bytes, merged by time across files
    /// (file order kept within a file). With every file caught up, everything goes.
    private mutating func release(into output: inout [OutputRecord]) {
        guard heldCount > 0 else { return }
        var bound = Int64.max
        for file in tailer.files where file.lagBytes > 0 {
            guard let raw = file.source else { continue }
            let id = SourceID(raw)
            // A file with unread bytes and nothing read yet holds everything back.
            bound = min(bound, lastTime[id] ?? .min)
        }
        while true {
            var best: SourceID?
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
            if let first = pending[SourceID(position.source)]?.first {
                p.offset = first.offset
                p.nextLineNumber = first.number
            }
            return p
        }
        return Checkpoint(
            takenAt: takenAt, files: files, pipeline: pipeline.checkpointState(),
            sources: sources.values.sorted { $0.id < $1.id })
    }

    /// Swaps in a new configuration (SIGHUP), keeping positions and open state: the tailer
    /// follows the new paths from where the old one stood, the stages continue with the new
    /// settings.
    public mutating func reload(_ new: TraceTailConfiguration, fileSystem: any FileSystem, takenAt: Int64) {
        let saved = checkpoint(takenAt: takenAt)
        // The new tailer reopens the files from the saved positions; the old one's descriptors
        // would otherwise leak with every reload.
        tailer.close()
        self = LiveRunner(
            configuration: new, patterns: patterns, paths: extraPaths, fileSystem: fileSystem, checkpoint: saved)
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
        var queue = pending[id] ?? Deque()
        var time = lastTime[id] ?? .min
        for i in 0..<batch.lines.count {
            if let item = parsers[id]!.parse(batch.lines[i], line: batch.lines.lines[i]) {
                if let t = item.time?.nanoseconds { time = t }
                let line = batch.lines.lines[i]
                queue.append(Held(time: time, item: item, offset: line.offset, number: line.number))
                heldCount += 1
            }
        }
        pending[id] = queue
        lastTime[id] = time
        linesProcessed += batch.lines.count
    }

    private mutating func makeParser(for batch: TailedLines) {
        let settings = SourceSettings.match(batch.path, in: configuration.sources)
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
                maxLineBytes: configuration.maxLineBytes, zone: zone)
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

    /// Parse counters over every file's parser.
    public var parseCounters: ParseCounters {
        parsers.values.reduce(ParseCounters()) { $0 + $1.counters }
    }
}
