/// A typed attribute or tag value.
public enum AttributeValue: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): JSONWriter.number(d)
        case .bool(let b): b ? "true" : "false"
        }
    }
}

/// One finished span (DESIGN §3), ready for any exporter.
public struct Span: Sendable, Hashable {
    public var traceID: TraceID
    public var spanID: SpanID
    /// Nil for a root span.
    public var parentID: SpanID?
    /// `nova-api`, `nova-compute`, … (config, Loghub token, or file name).
    public var service: String
    /// `openstack.request`, or `log_event` for per-line child spans.
    public var name: String
    /// `METHOD /path/{id}` or the first component.
    public var resource: String
    public var start: EventTime
    /// Duration in nanoseconds (≥ 0).
    public var durationNanoseconds: Int64
    /// Status ≥ 500 or an ERROR/CRITICAL line.
    public var error: Bool
    /// `request_id`, `http.status_code`, `phase`, `run_id`, … Rendered with sorted keys.
    public var attributes: SpanAttributes

    public init(
        traceID: TraceID, spanID: SpanID, parentID: SpanID?, service: String, name: String, resource: String,
        start: EventTime, durationNanoseconds: Int64, error: Bool, attributes: SpanAttributes = [:]
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentID = parentID
        self.service = service
        self.name = name
        self.resource = resource
        self.start = start
        self.durationNanoseconds = durationNanoseconds
        self.error = error
        self.attributes = attributes
    }

    /// Creates a span from a dictionary of attributes.
    public init(
        traceID: TraceID, spanID: SpanID, parentID: SpanID?, service: String, name: String, resource: String,
        start: EventTime, durationNanoseconds: Int64, error: Bool, attributes: [String: AttributeValue]
    ) {
        self.init(
            traceID: traceID, spanID: spanID, parentID: parentID, service: service, name: name, resource: resource,
            start: start, durationNanoseconds: durationNanoseconds, error: error,
            attributes: SpanAttributes(attributes))
    }

    /// `start + duration`.
    public var end: EventTime { start.advanced(byNanoseconds: durationNanoseconds) }

    /// Duration in milliseconds.
    public var durationMilliseconds: Double { Double(durationNanoseconds) / 1e6 }
}

/// Remediation phase (DESIGN §4).
public enum Phase: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case beforeFix = "before_fix"
    case afterFix = "after_fix"
    public var description: String { rawValue }
}
