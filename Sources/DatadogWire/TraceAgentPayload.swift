/// One request body for the trace agent's `PUT /v0.4/traces`, with the counts its headers
/// and the sender's statistics need.
public struct TraceAgentPayload: Sendable, Hashable {
    /// A msgpack array of trace chunks, each an array of span maps (ANCHORS §3.2).
    public var body: [UInt8]
    /// Chunks in `body`: the value of `X-Datadog-Trace-Count`, which the agent checks. A trace
    /// split across chunks counts once per chunk.
    public var traceCount: Int
    /// Spans in `body`.
    public var spanCount: Int

    /// A payload as the encoder builds it.
    public init(body: [UInt8], traceCount: Int, spanCount: Int) {
        self.body = body
        self.traceCount = traceCount
        self.spanCount = spanCount
    }
}
