import ArgumentParser
import LogTailer
import PatternParser
import TraceTailCore
import TraceTailRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `tracetail parse FILE [--format oslo|json] [--output jsonl|text] [--patterns DIR]`.
struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse one log file and print one record per input line (unmatched lines included)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case oslo, json
        var logFormat: LogFormat { self == .oslo ? .oslo : .json }
    }

    enum Output: String, ExpressibleByArgument, CaseIterable {
        case jsonl, text
    }

    @Argument(help: "The log file to parse.")
    var file: String

    @Option(help: "Input format: oslo or json (default: detected from the first lines).")
    var format: Format?

    @Option(help: "Output: jsonl (one JSON object per line) or text (aligned, for people).")
    var output: Output = .jsonl

    @Option(help: "Directory of *.grok files laid over the built-in ones (replacing same-named files).")
    var patterns: String?

    @Option(help: "Lines longer than this many bytes are cut and flagged.")
    var maxLineBytes: Int = 1 << 20

    @Flag(help: "Print line counts by outcome to standard error at the end.")
    var stats = false

    func validate() throws {
        guard maxLineBytes > 0 else { throw ValidationError("--max-line-bytes must be positive") }
    }

    /// The file's format from its first lines; CTA event files parse as JSON log events.
    private func detectFormat() -> LogFormat {
        let detected = (try? ReplayEngine.detectFormat(file)) ?? .oslo
        return detected == .oslo ? .oslo : .json
    }

    func run() throws {
        let set = try PatternDirectory.compile(patterns)
        var parser = try LineParser(
            format: format?.logFormat ?? detectFormat(), patterns: set, maxLineBytes: maxLineBytes)
        let out = TraceTailRuntime.OutputStream.standardOutput()
        // One writer for every record: the JSON path allocates nothing per line.
        var json = JSONWriter()
        func write(_ bytes: ArraySlice<UInt8>, number: Int, truncated: Bool) throws {
            let event = parser.parse(bytes, source: SourceID(0), lineID: number, truncated: truncated)
            if output == .jsonl {
                json.reset()
                event.writeParseRecord(into: &json)
                try out.writeLine(bytes: json.bytes)
            } else {
                try out.writeLine(event.parseRecordText)
            }
        }
        if CompressedLines.isGzip(file) {
            // logrotate's `nova-api.log.2.gz`: decompressed as it is read, by magic bytes.
            let damage: String?
            do {
                damage = try CompressedLines.forEachLine(path: file, maxLineBytes: maxLineBytes) {
                    try write($0, number: $1, truncated: $2)
                }
            } catch let error as ReplayError {
                try? out.flush()
                printError("tracetail: cannot read \(error.message)")
                throw ExitCode.failure
            }
            try out.flush()
            printStats(parser.counters)
            if let damage {
                printError("tracetail: \(damage)")
                throw ExitCode.failure
            }
            return
        }
        let reader: LineReader
        do {
            reader = try LineReader(path: file, maxLineBytes: maxLineBytes)
        } catch {
            printError("tracetail: cannot read \(file): \(error.message)")
            throw ExitCode.failure
        }
        var batch = LineBatch()
        do {
            while try reader.next(into: &batch) {
                for (i, line) in batch.lines.enumerated() {
                    try write(batch[i], number: line.number, truncated: line.truncated)
                }
            }
        } catch let error as LineReaderError {
            try? out.flush()
            printError("tracetail: cannot read \(file): \(error.message)")
            throw ExitCode.failure
        }
        try out.flush()
        printStats(parser.counters)
    }

    /// `--stats`: line counts by outcome on standard error.
    private func printStats(_ c: ParseCounters) {
        if stats {
            let reasons = UnmatchedReason.allCases.filter { c.unmatched($0) > 0 }.map { "\($0): \(c.unmatched($0))" }
            printError(
                "\(c.lines) lines: \(c.matched) matched (\(c.continuations) continuations), "
                    + "\(c.unmatchedTotal) unmatched\(reasons.isEmpty ? "" : " (" + reasons.joined(separator: ", ") + ")"), "
                    + "\(c.truncated) truncated, \(c.limitHits) limit hits")
        }
    }
}
