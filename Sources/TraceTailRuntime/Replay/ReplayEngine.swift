import Foundation
import LogTailer
import PatternParser
import PhaseAggregator
import SpanCorrelator
import TraceTailCore
import TraceTailReport

/// What to replay and how.
public struct ReplayRequest: Sendable {
    /// Files, directories and globs, read as one timeline.
    public var paths: [String]
    public var configuration: TraceTailConfiguration
    /// Forces one format for every file (`--format`).
    public var formatOverride: LogFormat?
    /// Compiled pattern files.
    public var patterns: PatternSet

    public init(
        paths: [String], configuration: TraceTailConfiguration = .init(), formatOverride: LogFormat? = nil,
        patterns: PatternSet
    ) {
        self.paths = paths
        self.configuration = configuration
        self.formatOverride = formatOverride
        self.patterns = patterns
    }
}

/// Why a replay could not start (bad paths, patterns or config); data problems never end up here.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads files once as one event-time-ordered timeline and drives parser → correlator →
/// aggregator, handing every output record to `emit`. The one-shot form of the pipeline.
public struct ReplayEngine {
    public private(set) var sources: [ReplaySource] = []
    let request: ReplayRequest

    public init(_ request: ReplayRequest) throws(ReplayError) {
        self.request = request
        let files: [String]
        do {
            files = try SourceDiscovery.expand(request.paths)
        } catch {
            throw ReplayError("\(error)")
        }
        for (index, path) in files.enumerated() {
            // Journald sources have no path: only file sources can describe a file.
            let settings = SourceSettings.match(path, in: request.configuration.fileSources)
            let format: LogFormat
            if let f = request.formatOverride ?? settings?.format {
                format = f
            } else {
                format = try Self.detectFormat(path)
            }
            var zone: ZoneRules?
            if let name = settings?.timezone { zone = ZoneRules.load(name: name) }
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? Int) ?? 0
            // Yearless wrapper times (`Sep 05 09:02:08`) are placed in the source's `year`, else
            // before the file's last write.
            let yearReference =
                settings?.yearReference
                ?? (attributes?[.modificationDate] as? Date).map {
                    EventTime(nanoseconds: Int64(($0.timeIntervalSince1970 * 1e9).rounded()))
                }
            sources.append(
                ReplaySource(
                    id: SourceID(UInt32(index)), path: path, fileName: (path as NSString).lastPathComponent,
                    format: format, service: settings?.service, zone: zone, size: size, yearReference: yearReference))
        }
    }

    /// The format of a file from its first non-blank lines (DESIGN §5 detection).
    /// - Throws: `ReplayError` when the file cannot be opened.
    public static func detectFormat(_ path: String) throws(ReplayError) -> LogFormat {
        var first: [ArraySlice<UInt8>] = []
        switch try ReplayInput.open(path, maxLineBytes: 64 * 1024) {
        case .plain(let reader):
            var batch = LineBatch()
            if (try? reader.next(into: &batch, maxLines: FormatDetector.sampleSize * 4)) == true {
                for i in 0..<batch.count { first.append(batch[i]) }
            }
        case .gzip(let reader):
            if (try? reader.next()) == true {
                for line in reader.lines.prefix(FormatDetector.sampleSize * 4) {
                    first.append(reader.chunk[line.range])
                }
            }
        }
        return FormatDetector.detect(firstLines: first)
    }
}

extension ReplayEngine {
    /// Runs the replay to the end of every file.
    /// - Parameters:
    ///   - emit: receives every output record in pipeline order (spans annotated with phase,
    ///     metrics, events).
    ///   - progress: called now and then with the fraction of bytes read (0…1).
    /// - Returns: what was read and what became of it.
    /// - Throws: `ReplayError` when a file cannot be read, or whatever `emit` throws.
    public func run(
        emit: (OutputRecord) throws -> Void, progress: ((Double) -> Void)? = nil
    ) throws -> ReplayResult {
        let config = request.configuration
        var cursors: [Cursor] = []
        var correlatorSources: [SourceID: SpanCorrelator.Source] = [:]
        for source in sources {
            let input = try ReplayInput.open(source.path, maxLineBytes: config.maxLineBytes)
            let parser: SourceParser
            do {
                parser = try SourceParser(
                    source: source.id, path: source.path, format: source.format, patterns: request.patterns,
                    maxLineBytes: config.maxLineBytes, zone: source.zone, yearReference: source.yearReference)
            } catch {
                throw ReplayError("\(source.path): \(error)")
            }
            cursors.append(Cursor(source: source, input: input, parser: parser))
            correlatorSources[source.id] = .init(fileName: source.fileName, service: source.service)
        }

        var pipeline = Pipeline(configuration: config, sources: correlatorSources)
        var totals = ReplayTotals()
        totals.filesRead = sources.map(\.path)

        var heap = MergeHeap()
        var sequence = 0
        for (i, cursor) in cursors.enumerated() {
            if let t = try cursor.headTime() {
                heap.push(.init(time: t, source: i, sequence: sequence))
                sequence += 1
            }
        }

        var records: [OutputRecord] = []
        let totalBytes = max(1, sources.reduce(0) { $0 + $1.size })
        var processed = 0

        while let key = heap.popMin() {
            let cursor = cursors[key.source]
            let item = cursor.pop()
            if case .problem(let message) = item { totals.ctaEventProblems.append(message) }
            pipeline.consume(item, into: &records)
            if let t = try cursor.headTime() {
                heap.push(.init(time: t, source: key.source, sequence: sequence))
                sequence += 1
            }
            if !records.isEmpty {
                for record in records { try emit(record) }
                records.removeAll(keepingCapacity: true)
            }
            processed += 1
            if let progress, processed & 0xFFFF == 0 {
                let done = cursors.reduce(0) { $0 + Int($1.bytesRead) }
                progress(Double(done) / Double(totalBytes))
            }
        }
        pipeline.finish(into: &records)
        for record in records { try emit(record) }
        progress?(1)

        var parse = ParseCounters()
        for cursor in cursors { parse = parse + cursor.parser.counters }
        totals.lines = parse.lines + pipeline.ctaEvents + pipeline.ctaProblems
        totals.events = parse.matched
        for reason in UnmatchedReason.allCases where parse.unmatched(reason) > 0 {
            totals.unmatched[reason.description] = parse.unmatched(reason)
        }
        let c = pipeline.correlator.counters
        totals.spans = c.spansEmitted
        totals.traces = c.tracesStarted
        totals.late = c.late
        totals.evicted = c.evicted
        totals.continuationLines = c.continuationAttached
        totals.idlessDropped = c.idlessDropped
        totals.orphanContinuations = c.orphanContinuations
        totals.truncated = parse.truncated
        // Damaged gzip data ends its file early: counted with the unmatched reasons, described
        // in `sourceProblems`.
        let problems = cursors.compactMap { $0.gzip?.problem }
        if !problems.isEmpty { totals.unmatched["damaged_gzip", default: 0] += problems.count }
        var result = ReplayResult(totals: totals, summary: pipeline.aggregator.summary, parse: parse, correlation: c)
        result.sourceProblems = problems
        return result
    }

}

/// What a finished replay reports besides its records.
public struct ReplayResult: Sendable {
    /// Counts for the report's totals section.
    public var totals: ReplayTotals
    /// The aggregator's before/after, incident and workflow summary.
    public var summary: PhaseAggregator.Summary
    /// All parsers' counters added up.
    public var parse: ParseCounters
    /// The correlator's counters.
    public var correlation: SpanCorrelator.Counters
    /// Files that could be read only in part (damaged gzip data), one message each.
    public var sourceProblems: [String] = []
}
