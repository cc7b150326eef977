public import TraceTailCore

/// What one `LineParser` has seen. Plain counts; the runtime turns them into self-metrics.
public struct ParseCounters: Sendable, Hashable {
    /// Lines handed to `parse`.
    public var lines = 0
    /// Lines a rule (or the JSON decoder) turned into an event.
    public var matched = 0
    /// Matched lines that continue the previous ERROR event (tracebacks).
    public var continuations = 0
    /// Lines a `@skip` rule matched (journal headers): neither events nor unmatched.
    public var skipped = 0
    /// Lines cut at `max_line_bytes`.
    public var truncated = 0
    /// uWSGI request lines that repeat a request line the service logged itself (with its
    /// request id): kept as plain lines, not counted as requests again.
    public var echoedRequestLines = 0
    /// Matches stopped by a PCRE2 limit (also counted in `unmatched(.limitHit)` when no rule matched).
    public var limitHits = 0
    private var unmatchedByReason = [Int](repeating: 0, count: 8)

    public init() {}

    /// Unmatched lines with this reason.
    public func unmatched(_ reason: UnmatchedReason) -> Int { unmatchedByReason[Int(reason.rawValue)] }

    /// All unmatched lines.
    public var unmatchedTotal: Int { unmatchedByReason.reduce(0, +) }

    mutating func countUnmatched(_ reason: UnmatchedReason) { unmatchedByReason[Int(reason.rawValue)] += 1 }

    /// Adds another parser's counts (parallel parsers).
    public static func + (a: ParseCounters, b: ParseCounters) -> ParseCounters {
        var r = a
        r.lines += b.lines
        r.matched += b.matched
        r.continuations += b.continuations
        r.truncated += b.truncated
        r.skipped += b.skipped
        r.limitHits += b.limitHits
        r.echoedRequestLines += b.echoedRequestLines
        for i in r.unmatchedByReason.indices { r.unmatchedByReason[i] += b.unmatchedByReason[i] }
        return r
    }
}
