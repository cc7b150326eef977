/// The attribute keys the correlator writes on spans. Stable: exporters, dashboards and
/// tests rely on them (DESIGN §3 lists the families; these are the exact spellings).
public enum SpanAttributeKey {
    // MARK: `openstack.request` spans

    /// The local request id, `req-<uuid>` (lowercase canonical form). String.
    public static let requestID = "request_id"
    /// The global request id when the log gave one. String.
    public static let globalRequestID = "global_request_id"
    /// HTTP method of the span's request line. String.
    public static let httpMethod = "http.method"
    /// HTTP status of the span's request line. Int.
    public static let httpStatusCode = "http.status_code"
    /// The templated path (`/v2/{id}/servers/detail`), query dropped. String.
    public static let httpRoute = "http.route"
    /// The path exactly as logged, query included. String.
    public static let httpURL = "http.url"
    /// `[instance: UUID]` of the earliest line that names one. String.
    public static let instanceID = "instance_id"
    /// Process id of the span's first line. Int.
    public static let pid = "pid"
    /// Lines in the span, continuation / traceback lines included. Int.
    public static let lineCount = "line_count"
    /// Message of the span's first ERROR/CRITICAL line (cut at 1 024 bytes). String.
    public static let errorMessage = "error.message"
    /// Line number (Loghub LineId) of the span's first line. Int.
    public static let lineID = "line_id"
    /// Source file name of the span's first line. String.
    public static let file = "file"

    // MARK: `log_event` spans (per-line children: `span_per_event`, late lines)

    /// The line's LineId (the seed's tag). Int.
    public static let eventID = "event_id"
    /// Log level as logged (`INFO`, `ERROR`, …). String.
    public static let level = "level"
    /// Logger name of the line. String.
    public static let component = "component"
    /// The line's latency in milliseconds, when it had one. Double.
    public static let latencyMs = "latency_ms"
    /// The line's HTTP status, when it had one. Int.
    public static let status = "status"
    /// True on a child made from a line that arrived after its span was emitted. Bool.
    public static let late = "late"
}
