/// Counters of one `replay` run, printed at the end of the text report and in the HTML report.
///
/// The replay driver fills it; the report only prints it. Every field is a plain count so the
/// numbers can be checked against the input by hand.
public struct ReplayTotals: Sendable, Hashable {
    /// Physical lines read, over all files.
    public var lines: Int
    /// Lines a rule matched (parsed into a `LogEvent` or CTA event).
    public var events: Int
    /// Spans emitted.
    public var spans: Int
    /// Distinct traces among the emitted spans.
    public var traces: Int
    /// Lines that arrived for an already-emitted span (became `log_event` children).
    public var late: Int
    /// Spans emitted early because `max_open_spans` was reached.
    public var evicted: Int
    /// Lines no rule matched, by `UnmatchedReason` (`no_rule`, `too_long`, `match_limit`, …).
    public var unmatched: [String: Int]
    /// Traceback/continuation lines attached to the previous event of their pid.
    public var continuationLines: Int
    /// Continuation-shaped lines with no previous event of their pid to join (dropped).
    public var orphanContinuations: Int = 0
    /// Lines longer than `max_line_bytes`, cut there (still parsed).
    public var truncated: Int = 0
    /// Lines with neither trace context nor request id that joined no span.
    public var idlessDropped: Int
    /// Problems with CTA event lines, each `file:line: message`.
    public var ctaEventProblems: [String]
    /// Files read, in the order they were opened.
    public var filesRead: [String]

    /// Creates totals; every counter defaults to zero.
    public init(
        lines: Int = 0, events: Int = 0, spans: Int = 0, traces: Int = 0, late: Int = 0, evicted: Int = 0,
        unmatched: [String: Int] = [:], continuationLines: Int = 0, idlessDropped: Int = 0,
        ctaEventProblems: [String] = [], filesRead: [String] = []
    ) {
        self.lines = lines
        self.events = events
        self.spans = spans
        self.traces = traces
        self.late = late
        self.evicted = evicted
        self.unmatched = unmatched
        self.continuationLines = continuationLines
        self.idlessDropped = idlessDropped
        self.ctaEventProblems = ctaEventProblems
        self.filesRead = filesRead
    }

    /// Sum of `unmatched` over every reason.
    public var unmatchedTotal: Int { unmatched.values.reduce(0, +) }
}
