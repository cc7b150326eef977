/// One request body for `POST /v1/traces`, `/v1/metrics` or `/v1/logs`.
public struct OTLPBody: Sendable, Hashable {
    /// UTF-8 JSON (`ExportTraceServiceRequest`, `ExportMetricsServiceRequest` or
    /// `ExportLogsServiceRequest`), uncompressed.
    public var bytes: [UInt8]
    /// Spans, data points or log records in the body: the unit a response's
    /// `partialSuccess` counts rejections in.
    public var itemCount: Int
    /// Input records (spans, metric points, events) the body carries. Equal to `itemCount`
    /// except for metrics, where a sum or histogram data point aggregates several points.
    public var recordCount: Int

    /// A body as an encoder builds it.
    public init(bytes: [UInt8], itemCount: Int, recordCount: Int) {
        self.bytes = bytes
        self.itemCount = itemCount
        self.recordCount = recordCount
    }
}

/// What an encoder made of its input: the bodies to send, and what it had to leave out.
///
/// Every input record is in exactly one body or counted in one of the `skipped` counts:
/// `bodies.map(\.recordCount).reduce(0, +) + skippedNonFinite + skippedOversized == input.count`.
public struct OTLPExportBodies: Sendable, Hashable {
    /// The bodies, in order; each at most the encoder's `maxBodyBytes`.
    public var bodies: [OTLPBody]
    /// Metric points whose value was NaN or infinite (OTLP JSON has numbers only).
    public var skippedNonFinite: Int
    /// Input records whose own encoding cannot fit in a body even alone (impossible at the
    /// default size; a configured limit of a few hundred bytes can cause it).
    public var skippedOversized: Int

    /// Bodies and counts as an encoder returns them.
    public init(bodies: [OTLPBody], skippedNonFinite: Int = 0, skippedOversized: Int = 0) {
        self.bodies = bodies
        self.skippedNonFinite = skippedNonFinite
        self.skippedOversized = skippedOversized
    }
}
