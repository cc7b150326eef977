import Dispatch
import Foundation
import LogTailer
import Logging
import PatternParser
import ServiceLifecycle
import SpanCorrelator
import Synchronization
import TraceTailCore
import UnixSignals

/// The pipeline of `tracetail run` as one service: follows the files, runs lines through the
/// stages, hands records and checkpoints to the sink, applies control commands, reloads the
/// configuration on SIGHUP and publishes `/status`.
///
/// Only this service honours graceful shutdown: it stops reading, sends what is pending, writes
/// a final checkpoint (open spans and windows stay open in it, to continue after a restart) and
/// finishes the sink's channel, so the sink stops last with nothing left unwritten.
public final class TailService: Service, Sendable {
    /// Everything the loop starts from (all values; the loop builds its own runner).
    public struct Setup: Sendable {
        public var configuration: TraceTailConfiguration
        public var configFile: String?
        public var patterns: PatternSet
        public var paths: [String]
        public var checkpoint: Checkpoint?
        public var fileSystem: PosixFileSystem
        /// Starts the journald sources' `journalctl`.
        public var journalLauncher: any JournalLauncher

        public init(
            configuration: TraceTailConfiguration, configFile: String?, patterns: PatternSet, paths: [String],
            checkpoint: Checkpoint?, fileSystem: PosixFileSystem = PosixFileSystem(),
            journalLauncher: any JournalLauncher = JournalctlLauncher()
        ) {
            self.configuration = configuration
            self.configFile = configFile
            self.patterns = patterns
            self.paths = paths
            self.checkpoint = checkpoint
            self.fileSystem = fileSystem
            self.journalLauncher = journalLauncher
        }
    }

    let setup: Setup
    let sink: JSONLinesSink
    /// The network sinks; offered records without waiting (a full queue drops its oldest).
    let exporters: ExporterSet
    let inbox: ControlInbox
    let board: StatusBoard
    let logger: Logger
    /// Re-reads the configuration file (SIGHUP); throws a message naming the file and key.
    let reloadConfiguration: @Sendable () throws -> TraceTailConfiguration
    private let startedAt = Clock.wallNanoseconds()
    /// Datadog site and whether an API key is set, read once: the environment does not change.
    private let datadogSite: String
    private let datadogKeyPresent: Bool

    public init(
        setup: Setup, sink: JSONLinesSink, exporters: ExporterSet = .none, inbox: ControlInbox, board: StatusBoard,
        logger: Logger,
        reloadConfiguration: @escaping @Sendable () throws -> TraceTailConfiguration
    ) {
        self.setup = setup
        self.sink = sink
        self.exporters = exporters
        self.inbox = inbox
        self.board = board
        self.logger = logger
        self.reloadConfiguration = reloadConfiguration
        let env = ProcessInfo.processInfo.environment
        datadogSite = env["DATADOG_SITE"] ?? env["DD_SITE"] ?? "datadoghq.com"
        datadogKeyPresent =
            (env["DATADOG_API_KEY"] ?? env["DD_API_KEY"]).map { !$0.isEmpty } ?? false
            || setup.configuration.sinks.contains { !($0.settings["api_key"] ?? "").isEmpty }
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [inbox, logger] in
                for await _ in await UnixSignalsSequence(trapping: .sighup) {
                    logger.info("SIGHUP: reloading the configuration")
                    inbox.requestReload()
                }
            }
            try await loop()
            group.cancelAll()
        }
    }

    private func loop() async throws {
        var runner = LiveRunner(
            configuration: setup.configuration, patterns: setup.patterns, paths: setup.paths,
            fileSystem: setup.fileSystem, checkpoint: setup.checkpoint, journalLauncher: setup.journalLauncher)
        logger.info(
            "following",
            metadata: [
                "paths": "\(Self.describe(setup.configuration.sources) + setup.paths)",
                "checkpoint": "\(setup.checkpoint == nil ? "none" : "restored")",
            ])
        let watcher = InotifyWatcher(paths: runner.tailer.configuration.paths)
        var configErrors: [String] = []
        var lastCheckpoint = Clock.monotonicNanoseconds()
        // Whether anything a checkpoint records changed since the last one. A quiet daemon
        // only moves its watermark, which emits nothing: restarting from the older checkpoint
        // moves it the same way, so writing (and encoding) the state again would be wasted.
        var changed = setup.checkpoint == nil
        // Only metrics windows closed on the wall clock since the last checkpoint: the state moved,
        // but restarting from the older checkpoint recomputes those same windows (the same
        // points at the same timestamps). Such changes are checkpointed every
        // `quietCheckpointSpacing` at most: writing the whole state after every `interval` kept
        // an idle daemon at 10–18 % of a core.
        var windowsMoved = false
        var lastStatus: Int64? = nil
        var rates = RateTracker()

        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var output: [OutputRecord] = []
            let (commands, reload) = inbox.drain()
            if reload {
                do {
                    let fresh = try reloadConfiguration()
                    runner.reload(fresh, fileSystem: setup.fileSystem, takenAt: Clock.wallNanoseconds())
                    configErrors = []
                    logger.info("configuration reloaded")
                } catch {
                    configErrors = ["\(error)"]
                    logger.error("configuration not reloaded; keeping the old one", metadata: ["error": "\(error)"])
                }
            }
            for command in commands { runner.apply(command, now: Clock.wallTime(), into: &output) }
            let lines = runner.step(
                monotonic: Clock.monotonicNanoseconds(), wallClock: Clock.wallTime(), into: &output)
            for message in runner.takeJournalMessages() { logger.info("\(message)") }
            if reload || !commands.isEmpty || lines > 0 || output.contains(where: Self.isSpanOrEvent) {
                changed = true
            } else if !output.isEmpty {
                windowsMoved = true
            }
            if !output.isEmpty {
                exporters.offer(output)
                await sink.send(.records(output))
            }

            let now = Clock.monotonicNanoseconds()
            // A checkpoint costs time in proportion to the open state (up to `max_open_spans`
            // open and `rememberedSpans` remembered spans). Checkpoints are spaced at least ten
            // times their own cost apart, so writing them never takes more than a tenth of the
            // time and never holds the pipeline back; with small state that is `checkpoint_interval`.
            let spacing = max(
                runner.configuration.checkpointInterval.nanoseconds, 10 * sink.lastCheckpointSaveNanoseconds)
            if changed || windowsMoved,
                now - lastCheckpoint >= (changed ? spacing : max(spacing, Self.quietCheckpointSpacing))
            {
                await sink.send(.checkpoint(runner.checkpoint(takenAt: Clock.wallNanoseconds())))
                lastCheckpoint = now
                changed = false
                windowsMoved = false
            }
            if lastStatus.map({ now - $0 >= 100_000_000 }) ?? true {
                board.publish(status(runner, rates: &rates, configErrors: configErrors, now: now))
                lastStatus = now
            }
            if lines == 0 {
                // Nothing to read: sleep until inotify reports a change, or `poll_interval` at the
                // latest (rotation by another name, NFS, no inotify), so an idle daemon costs ~0.
                // New journal entries wait for the same wake-up: at most `poll_interval`.
                let timeout = Int32(clamping: max(10, runner.configuration.pollInterval.nanoseconds / 1_000_000))
                watcher.update(paths: runner.tailer.configuration.paths + runner.tailer.files.map(\.path))
                _ = await withCheckedContinuation { continuation in
                    // The wait blocks in poll(2): off the cooperative pool.
                    DispatchQueue.global().async {
                        continuation.resume(returning: watcher.wait(timeoutMilliseconds: timeout))
                    }
                }
            }
        }

        // Drain: read what is on disk now, hand everything to the sink, checkpoint, finish.
        var output: [OutputRecord] = []
        for command in inbox.drain().commands { runner.apply(command, now: Clock.wallTime(), into: &output) }
        for _ in 0..<1_000 {
            let lines = runner.step(monotonic: Clock.monotonicNanoseconds(), wallClock: Clock.wallTime(), into: &output)
            if !output.isEmpty {
                exporters.offer(output)
                await sink.send(.records(output))
                output.removeAll()
            }
            if lines == 0 { break }
        }
        await sink.send(.checkpoint(runner.checkpoint(takenAt: Clock.wallNanoseconds())))
        board.publish(status(runner, rates: &rates, configErrors: configErrors, now: Clock.monotonicNanoseconds()))
        runner.close()
        sink.finish()
        exporters.finish()
        logger.info("stopped; final checkpoint handed to the sink", metadata: ["lines": "\(runner.linesProcessed)"])
    }

    /// How often a daemon whose only change is closed metrics windows checkpoints (5 minutes).
    static let quietCheckpointSpacing: Int64 = 300_000_000_000

    /// Spans and events are output a restart must not lose track of; metric points alone are
    /// recomputed from the checkpointed windows.
    static func isSpanOrEvent(_ record: OutputRecord) -> Bool {
        if case .metric = record { return false }
        return true
    }

    private func status(
        _ runner: LiveRunner, rates: inout RateTracker, configErrors: [String], now: Int64
    ) -> DaemonStatus {
        let c = runner.configuration
        let files = runner.tailer.files.map { report in
            DaemonStatus.File(report: report, linesPerSecond: rates.rate(for: report, now: now))
        }
        rates.forget(allBut: runner.tailer.files)
        let parse = runner.parseCounters
        var unmatched: [String: Int] = [:]
        for reason in UnmatchedReason.allCases where parse.unmatched(reason) > 0 {
            unmatched[reason.description] = parse.unmatched(reason)
        }
        let correlation = runner.pipeline.correlator.counters
        return DaemonStatus(
            status: configErrors.isEmpty ? "ok" : "degraded", pid: getpid(), startedAt: startedAt,
            uptimeSeconds: Double(Clock.wallNanoseconds() - startedAt) / 1e9, files: files,
            journald: c.sources.contains { $0.journald != nil } ? runner.journalReports : nil,
            tailer: runner.tailer.counters,
            pipeline: .init(
                linesProcessed: runner.linesProcessed, linesMatched: parse.matched, unmatched: unmatched,
                truncatedLines: parse.truncated, skippedLines: runner.skippedLines,
                openSpans: runner.pipeline.correlator.openSpanCount,
                bufferedLines: runner.pipeline.correlator.bufferedLineCount, spansEmitted: correlation.spansEmitted,
                lateLines: correlation.late, evictedSpans: correlation.evicted, ctaEvents: runner.pipeline.ctaEvents,
                ctaProblems: runner.pipeline.ctaProblems),
            sinks: [sink.status] + exporters.statuses, checkpoint: sink.checkpointStatus(now: Clock.wallNanoseconds()),
            configured: .init(
                configFile: setup.configFile, sources: Self.describe(c.sources) + runner.extraPaths,
                sinks: c.sinks.map(\.type), stateDir: c.stateDir,
                checkpointIntervalSeconds: Double(c.checkpointInterval.nanoseconds) / 1e9,
                controlListen: c.controlListen, controlToken: c.controlToken == nil ? "absent" : "present",
                datadogSite: datadogSite, datadogAPIKey: datadogKeyPresent ? "present" : "absent"),
            configErrors: configErrors)
    }
}

extension TailService {
    /// Sources as status and logs show them: a path, or `journald:` and its unit globs.
    static func describe(_ sources: [TraceTailConfiguration.Source]) -> [String] {
        sources.map { source in
            guard let j = source.journald else { return source.path }
            return "journald:" + j.units.joined(separator: ",") + (j.directory.map { " (\($0))" } ?? "")
        }
    }
}

/// Lines per second per file between two status snapshots.
struct RateTracker {
    private var last: [String: (lines: Int, at: Int64)] = [:]

    mutating func rate(for report: FileReport, now: Int64) -> Double {
        let key = "\(report.device):\(report.inode)"
        defer { last[key] = (report.linesRead, now) }
        guard let previous = last[key], now > previous.at else { return 0 }
        return Double(report.linesRead - previous.lines) / (Double(now - previous.at) / 1e9)
    }

    /// Drops files no longer followed, so the table stays as small as the set of live files.
    mutating func forget(allBut files: [FileReport]) {
        let live = Set(files.map { "\($0.device):\($0.inode)" })
        last = last.filter { live.contains($0.key) }
    }
}

/// The two clocks the daemon reads: monotonic for timers, wall for event time.
enum Clock {
    static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func wallNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func wallTime() -> EventTime { EventTime(nanoseconds: wallNanoseconds()) }
}
