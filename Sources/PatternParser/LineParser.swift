import PCRE2
public import TraceTailCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns raw lines into `LogEvent`s for one format. Synchronous, allocation-free per line on
/// the oslo path (fields are byte ranges into the line).
///
/// Holds a `MatchScratch`, so it is not `Sendable`: each parser task makes its own `LineParser`
/// from the shared, immutable `PatternSet`.
public struct LineParser {
    /// Converts zone-less timestamps (read as if UTC) to real UTC; nil means they are UTC.
    public var localToUTC: (@Sendable (EventTime) -> EventTime)?
    /// Counts by outcome since creation.
    public internal(set) var counters = ParseCounters()
    /// The format this parser reads.
    public let format: LogFormat
    /// Longer lines are cut to this many bytes and flagged `truncated`.
    public let maxLineBytes: Int
    /// Where yearless times (syslog and journal wrappers: `Sep 05 09:02:08`) are placed: each
    /// gets the latest year that does not put it more than two days after this time. Default:
    /// when the parser was made; replay passes the file's modification time (or a configured year).
    public var yearReference: EventTime
    /// True when the last line parsed matched a `@skip` rule (a journal header): it is no log
    /// event, and callers drop it. Counted in `counters.skipped`.
    public internal(set) var lastLineSkipped = false

    /// The rules, owned here; the hot loops walk the `…Refs` views of them instead, which cost
    /// no retain/release per rule per line.
    let lineRules: [ResolvedRule]
    let messageRules: [ResolvedRule]
    let lineRefs: [RuleRef]
    let messageRefs: [RuleRef]
    let scanRefs: [RuleRef]
    /// The message rules' literals, same order; kept apart so a line whose message holds none
    /// of them costs a few `memchr`s and no retain/release.
    let messageLiterals: [LiteralView]
    /// The message rules' distinct anchor bytes, and per rule the index of its anchor there:
    /// one `memchr` walk per anchor byte finds every rule's literal (most rules anchor on `:`
    /// or `/`), instead of one search per rule. Used when there are at most 64 message rules.
    let messageAnchors: [UInt8]
    let messageSlots: [Int]
    let scanRules: [ResolvedRule]
    /// The distinct anchor bytes of the scan rules; a line lacking one skips every scan rule
    /// anchored on it after a single `memchr` (most lines hold no `=` at all).
    let scanAnchors: [UInt8]
    /// Per scan rule: its literal as plain values and the index of its anchor in `scanAnchors`.
    let scanLiterals: [LiteralView]
    let scanSlots: [Int]
    let scratch: MatchScratch
    private let json: JSONLineDecoder?
    /// Per pid: time and component hash of its last ERROR/CRITICAL line, to recognise the
    /// bracket-less traceback lines that follow it.
    var lastError: [Int: ErrorKey] = [:]
    /// Day number of the last date parsed (see `TimestampParser.DateCache`).
    var dateCache = TimestampParser.DateCache()
    /// The service's recent request lines, to recognise uWSGI's echo of each.
    var echoes = RequestLineEchoes()
    /// Strip the HTTP fields of uWSGI lines that echo a request line the service logged itself
    /// (see `RequestLineEchoes`), so they are not counted as a second request. Replay and `run`
    /// set it; `tracetail parse` shows every line's own fields.
    public var dropsRequestEchoes = false

    struct ErrorKey: Equatable {
        var time: Int64
        var component: UInt64
    }

    /// Creates a parser.
    /// - Parameters:
    ///   - format: `.oslo` (pattern rules) or `.json` (JSON decoder, then `json` message rules).
    ///   - patterns: compiled pattern files; rules are taken from those whose `@format` names `format`.
    ///   - maxLineBytes: lines are cut to this length (DESIGN `max_line_bytes`). Default 1 MiB.
    ///   - limits: PCRE2 limits for every match.
    /// - Throws: `PatternDiagnostics` (code `.format`) when `.oslo` has no `@rule`, or for
    ///   `.ctaEvents`, whose lines are CTA events rather than log events.
    public init(
        format: LogFormat, patterns: PatternSet, maxLineBytes: Int = 1 << 20, limits: MatchLimits = .standard
    ) throws(PatternDiagnostics) {
        let name = format.rawValue
        let here = PatternLocation(file: "<formats>", line: 1, column: 1)
        self.format = format
        self.maxLineBytes = max(1, maxLineBytes)
        self.yearReference = Self.wallClock()
        self.lineRules = patterns.rules.filter {
            ($0.kind == .line || $0.kind == .continuation || $0.kind == .skip) && $0.formats.contains(name)
        }
        .map(ResolvedRule.init)
        self.messageRules = patterns.rules(format: name, kind: .message).map(ResolvedRule.init)
        self.messageLiterals = messageRules.map { LiteralView($0.literal) }
        var messageAnchors: [UInt8] = []
        for rule in messageRules where !messageAnchors.contains(rule.literal.anchorByte) {
            messageAnchors.append(rule.literal.anchorByte)
        }
        self.messageAnchors = messageAnchors
        self.messageSlots = messageRules.map { rule in messageAnchors.firstIndex(of: rule.literal.anchorByte) ?? 64 }
        self.scanRules = patterns.rules(format: name, kind: .scan).map(ResolvedRule.init)
        self.lineRefs = lineRules.map(RuleRef.init)
        self.messageRefs = messageRules.map(RuleRef.init)
        self.scanRefs = scanRules.map(RuleRef.init)
        var anchors: [UInt8] = []
        for rule in scanRules where !anchors.contains(rule.literal.anchorByte) {
            anchors.append(rule.literal.anchorByte)
        }
        self.scanAnchors = anchors
        self.scanLiterals = scanRules.map { LiteralView($0.literal) }
        self.scanSlots = scanRules.map { rule in anchors.firstIndex(of: rule.literal.anchorByte) ?? 64 }
        self.scratch = MatchScratch(limits: limits)
        // The parser marks the scan rules whose literal a line holds in one 64-bit word.
        guard scanRules.count <= 64 else {
            throw PatternDiagnostics(errors: [
                PatternError(
                    .format, "format \(name) has \(scanRules.count) @scan rules; at most 64 are supported", at: here)
            ])
        }
        switch format {
        case .oslo:
            self.json = nil
            guard !lineRules.isEmpty else {
                throw PatternDiagnostics(errors: [PatternError(.format, "no @rule for format \(name)", at: here)])
            }
        case .json:
            self.json = JSONLineDecoder()
        case .ctaEvents:
            throw PatternDiagnostics(errors: [
                PatternError(.format, "cta_events lines are CTA workflow events, not log lines", at: here)
            ])
        }
    }

    /// Parses one line (without its newline).
    /// - Parameters:
    ///   - line: the bytes; may be invalid UTF-8, contain NUL, or be longer than `maxLineBytes`.
    ///   - source: the file it came from.
    ///   - lineID: its 1-based line number in that file.
    ///   - truncated: true when the reader already cut the line (it is flagged and counted).
    /// - Returns: an event; unmatched lines are events too, with `unmatched` set.
    public mutating func parse(
        _ line: consuming ArraySlice<UInt8>, source: SourceID, lineID: Int, truncated: Bool = false
    ) -> LogEvent {
        counters.lines += 1
        var isTruncated = truncated
        if line.count > maxLineBytes {
            line = line.prefix(maxLineBytes)
            isTruncated = true
        }
        if isTruncated { counters.truncated += 1 }
        lastLineSkipped = false
        // devstack's coloured formats write ANSI sequences between the fields; no rule should
        // have to know them. Only lines holding an ESC byte are copied.
        if format == .oslo, let plain = ByteScan.removingANSISequences(line) { line = plain }
        // `line` is consumed (moved into the event, not retained again): one reference count
        // operation less per line. The event is filled in place by a helper and returned as a
        // plain local: a local that a closure captured would be copied on return.
        var event = LogEvent(source: source, lineID: lineID, storage: line)
        fill(&event)
        event.truncated = isTruncated
        if lastLineSkipped {
            counters.skipped += 1
        } else if let reason = event.unmatched {
            counters.countUnmatched(reason)
        } else {
            counters.matched += 1
            if event.isContinuation { counters.continuations += 1 }
            if dropsRequestEchoes, event.http != nil, format == .oslo, echoes.check(&event) { counters.echoedRequestLines += 1 }
        }
        return event
    }

    /// Runs the format's parser over the event's storage into `event`.
    private mutating func fill(_ event: inout LogEvent) {
        switch format {
        case .json, .ctaEvents:
            let bytes = event.storage
            if let decoded = json?.decode(bytes, source: event.source, lineID: event.lineID) { event = decoded }
            if event.unmatched == nil, event.http == nil, let message = event.message {
                let storage = event.storage
                storage.withUnsafeBytes { applyMessageRules(to: &event, raw: $0, message: message) }
            }
        case .oslo:
            // The pointer outlives the closure on purpose: the event holds the storage and
            // never mutates it, so it stays valid while the fields are filled in.
            let raw = event.storage.withUnsafeBytes { $0 }
            parseText(&event, raw: raw)
        }
    }

    /// Now, from the system clock: the default `yearReference`.
    static func wallClock() -> EventTime {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return EventTime(nanoseconds: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
    }
}
