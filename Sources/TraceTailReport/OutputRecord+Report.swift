import TraceTailCore

extension OutputRecord {
    /// The attribute keys the text and HTML reports read (`Span.statusCode`, `errorMessage`,
    /// `lineCount`, `phase`).
    static let reportAttributeKeys: Set<String> = [
        SpanAttributeKey.httpStatusCode, "http.status", SpanAttributeKey.errorMessage, "error.msg", "error_message",
        "message",
        SpanAttributeKey.lineCount,
        TagKey.phase,
    ]

    /// The record as the text and HTML reports need it: spans keep only the attributes the
    /// reports read. A replay rendered as a report holds every record until the end; most of a
    /// span's memory is attributes the reports never show, so this is what a report replay
    /// keeps. Rendering slimmed records gives the same report as rendering the originals.
    public var forReport: OutputRecord {
        guard case .span(var span) = self else { return self }
        var kept = SpanAttributes()
        for (key, value) in span.attributes where Self.reportAttributeKeys.contains(key) { kept[key] = value }
        span.attributes = kept
        return .span(span)
    }
}
