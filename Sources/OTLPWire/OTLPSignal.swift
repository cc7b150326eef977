/// The three OTLP signals TraceTail exports, each with its own path and variables.
public enum OTLPSignal: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case traces
    case metrics
    case logs

    /// `/v1/traces`, `/v1/metrics`, `/v1/logs`: appended to a base endpoint.
    public var path: String { "/v1/" + rawValue }

    /// `TRACES`, `METRICS`, `LOGS`, as in `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    var variableInfix: String { rawValue.uppercased() }

    public var description: String { rawValue }
}

/// How a request body is compressed on the wire (`Content-Encoding`).
public enum OTLPCompression: String, Sendable, Hashable, CustomStringConvertible {
    /// Sent as it is.
    case none
    /// gzip, with `Content-Encoding: gzip`; the sender compresses.
    case gzip

    public var description: String { rawValue }
}
