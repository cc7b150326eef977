import LogTailer
import PatternParser
import TraceTailCore

/// Parses the lines of one file in its format: log formats through a `LineParser`, CTA event
/// files through the `CTAEventDecoder`. Replay and `run` both turn lines into `ParsedItem`s here.
public struct SourceParser {
    /// The file's id in the pipeline.
    public let source: SourceID
    /// Path used in CTA problem messages (`path:line: …`).
    public let path: String
    /// The log-line parser; nil for `cta_events` files.
    public private(set) var lineParser: LineParser?
    private let cta = CTAEventDecoder()
    /// CTA event lines decoded (problems included).
    public private(set) var ctaLines = 0

    /// Makes the parser for a file of `format`.
    /// - Parameters:
    ///   - zone: converts zone-less log times to UTC; nil = they are UTC.
    ///   - yearReference: where yearless wrapper times (`Sep 05 09:02:08`) are placed (the latest
    ///     year at most two days before it); nil = the parser's default, now. Replay passes the
    ///     file's modification time.
    /// - Throws: `PatternError` when the pattern set has no rule for `format`.
    public init(
        source: SourceID, path: String, format: LogFormat, patterns: PatternSet, maxLineBytes: Int,
        zone: ZoneRules? = nil, yearReference: EventTime? = nil
    ) throws {
        self.source = source
        self.path = path
        if format != .ctaEvents {
            var parser = try LineParser(format: format, patterns: patterns, maxLineBytes: maxLineBytes)
            parser.localToUTC = zone?.converter
            parser.dropsRequestEchoes = true
            if let yearReference { parser.yearReference = yearReference }
            lineParser = parser
        }
    }

    /// Parses one line. Returns nil for a blank line of a CTA event file and for lines that are
    /// no log events (journal headers: counted as skipped).
    public mutating func parse(_ bytes: ArraySlice<UInt8>, line: LineBatch.Line) -> ParsedItem? {
        parse(bytes, number: line.number, truncated: line.truncated)
    }

    /// `parse(_:line:)` for lines that did not come from a `LineReader` (decompressed files).
    public mutating func parse(_ bytes: ArraySlice<UInt8>, number: Int, truncated: Bool) -> ParsedItem? {
        if lineParser != nil {
            let event = lineParser!.parse(bytes, source: source, lineID: number, truncated: truncated)
            return lineParser!.lastLineSkipped ? nil : .log(event)
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { return nil }
        ctaLines += 1
        switch cta.decode(bytes, origin: "\(path):\(number)") {
        case .success(let event): return .cta(event)
        case .failure(let problem): return .problem(problem.description)
        }
    }

    /// The line parser's counters (zero for CTA event files).
    public var counters: ParseCounters { lineParser?.counters ?? ParseCounters() }
}
