import TraceTailCore

/// Everything the text and HTML reports show, derived once from a replay's record stream.
///
/// The reports are pure functions of `[OutputRecord]`: they never see the pipeline, only what
/// it emitted, so a report of a `jsonl` file and a report of a live replay are the same.
struct ReportData {
    /// Every span, in input order.
    var spans: [Span]
    /// Traces ordered by their earliest span start.
    var traces: [TraceTree]
    /// Every metric point, in input order.
    var metrics: [MetricPoint]
    /// Every event ordered by time (input order among equal times).
    var events: [TelemetryEvent]
    /// Earliest to latest instant any record mentions; nil for an empty stream.
    var timeRange: ClosedRange<EventTime>?
    /// Services that have spans or gauge points, sorted.
    var services: [String]
    /// Before/after statistics per service, sorted by service.
    var comparisons: [ServiceComparison]
    /// Incidents in detection order.
    var incidents: [Incident]
    /// Remediation phases over `timeRange`; empty when the stream says nothing about phases.
    var phasePeriods: [PhasePeriod]
    /// Last value of each `cta.improvement.*` metric per service.
    var improvements: [Improvement]
    /// Error-rate and p95 series per service (from gauges, else computed from spans).
    var series: [ServiceSeries]

    init(records: [OutputRecord]) {
        var spans: [Span] = []
        var metrics: [MetricPoint] = []
        var events: [TelemetryEvent] = []
        for record in records {
            switch record {
            case .span(let span): spans.append(span)
            case .metric(let point): metrics.append(point)
            case .event(let event): events.append(event)
            }
        }
        // Stable sort: events at the same instant keep the order the pipeline gave them.
        events = events.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
            .map(\.element)
        self.spans = spans
        self.metrics = metrics
        self.events = events
        self.traces = TraceTree.build(spans)
        self.timeRange = ReportData.timeRange(spans: spans, metrics: metrics, events: events)
        self.comparisons = ServiceComparison.build(spans)
        self.incidents = Incident.build(events: events, metrics: metrics)
        self.phasePeriods = PhasePeriod.build(events: events, spans: spans, range: timeRange)
        self.improvements = Improvement.build(metrics)
        self.series = ServiceSeries.build(metrics: metrics, spans: spans)
        var services = Set(spans.map(\.service))
        for s in series { services.insert(s.service) }
        self.services = services.sorted()
    }

    private static func timeRange(
        spans: [Span], metrics: [MetricPoint], events: [TelemetryEvent]
    ) -> ClosedRange<EventTime>? {
        var low: EventTime?
        var high: EventTime?
        func see(_ a: EventTime, _ b: EventTime) {
            low = low.map { min($0, a) } ?? a
            high = high.map { max($0, b) } ?? b
        }
        for s in spans { see(s.start, max(s.start, s.end)) }
        for m in metrics { see(m.timestamp, m.timestamp) }
        for e in events { see(e.timestamp, e.timestamp) }
        guard let low, let high else { return nil }
        return low...high
    }

    /// Spans that stand for a request, not one log line (`log_event` children are per line).
    static func isRequestSpan(_ span: Span) -> Bool { span.name != SpanName.logEvent }
}

/// Span attribute readers shared by both reports.
extension Span {
    /// `http.status_code` as written, if any.
    var statusCode: String? {
        (attributes[SpanAttributeKey.httpStatusCode] ?? attributes["http.status"]).map(TagValue.render)
    }

    /// The first error message the correlator recorded, under any of the usual keys.
    var errorMessage: String? {
        for key in [SpanAttributeKey.errorMessage, "error.msg", "error_message", "message"] {
            if let value = attributes[key] { return value.description }
        }
        return nil
    }

    /// `line_count`, the number of log lines folded into this span.
    var lineCount: Int? {
        switch attributes[SpanAttributeKey.lineCount] {
        case .int(let n): n
        case .double(let d): Int(d)
        case .string(let s): Int(s)
        default: nil
        }
    }

    /// The `phase` attribute, when it names a phase.
    var phase: Phase? {
        guard case .string(let raw) = attributes[TagKey.phase] else { return nil }
        return Phase(rawValue: raw)
    }
}
