import TraceTailCore

/// Encodes spans for the Datadog trace agent's `PUT /v0.4/traces` (ANCHORS §3.2, DESIGN §6).
///
/// Spans are grouped into one chunk per 128-bit trace id, chunks in the order their trace first
/// appears; chunks are packed into payloads of at most `maxPayloadBytes`, and a trace too
/// large for one payload is split into several chunks of the same trace id.
///
/// ```swift
/// let encoder = TraceAgentEncoder(options: .init(env: "lab", version: "1.2", tracerVersion: TraceTailVersion.current))
/// for payload in encoder.encode(spans) {
///     send(method: "PUT", path: "/v0.4/traces", headers: encoder.headers(for: payload), body: payload.body)
/// }
/// ```
public struct TraceAgentEncoder: Sendable {
    /// What every span and request carries besides the span's own fields.
    public struct Options: Sendable, Hashable {
        /// `meta.env` on every span, when set (Datadog's unified service tagging).
        public var env: String?
        /// `meta.version` on every span, when set.
        public var version: String?
        /// `Datadog-Meta-Tracer-Version`: TraceTail's own version.
        public var tracerVersion: String
        /// `Datadog-Meta-Lang`, and the language in the fallback service name.
        public var language: String
        /// Largest body one payload may have. The agent accepts far larger bodies (the test
        /// agent rejects > 50 MB), but one large request holds more spans hostage to a retry.
        public var maxPayloadBytes: Int

        /// 8 MiB.
        public static let defaultMaxPayloadBytes = 8 << 20

        /// Options; `tracerVersion` is TraceTail's version (`TraceTailVersion.current`).
        public init(
            env: String? = nil, version: String? = nil, tracerVersion: String, language: String = "swift",
            maxPayloadBytes: Int = defaultMaxPayloadBytes
        ) {
            self.env = env
            self.version = version
            self.tracerVersion = tracerVersion
            self.language = language
            self.maxPayloadBytes = maxPayloadBytes
        }
    }

    /// `Datadog-Meta-Lang-Version`. The agent only records it; the language mode we build in
    /// is the honest constant.
    public static let languageVersion = "6"

    /// The options in force.
    public var options: Options

    /// An encoder with `options`.
    public init(options: Options) { self.options = options }

    /// The payloads for `spans`, in order.
    ///
    /// Every span lands in exactly one payload, except a span whose own encoding exceeds
    /// `maxPayloadBytes` (impossible at the default size): it is left out, so the caller can
    /// count `spans.count - payloads.map(\.spanCount).reduce(0, +)` as unsendable.
    public func encode(_ spans: [Span]) -> [TraceAgentPayload] {
        var packer = PayloadPacker(maxBytes: options.maxPayloadBytes)
        // A chunk alone in a payload needs the outer array's one-byte header.
        let maxChunkBytes = options.maxPayloadBytes - MessagePackWriter.containerHeaderSize(1)
        for trace in Self.groupByTrace(spans) {
            for chunk in encodeTrace(trace, maxChunkBytes: maxChunkBytes) {
                packer.add(chunk)
            }
        }
        return packer.finish()
    }

    /// The request headers for `payload` (ANCHORS §3.2).
    public func headers(for payload: TraceAgentPayload) -> [(String, String)] {
        [
            ("Content-Type", "application/msgpack"),
            ("X-Datadog-Trace-Count", String(payload.traceCount)),
            ("Datadog-Meta-Lang", options.language),
            ("Datadog-Meta-Lang-Version", Self.languageVersion),
            ("Datadog-Meta-Tracer-Version", options.tracerVersion),
            // We set `_dd.top_level` ourselves, so the agent must not recompute it.
            ("Datadog-Client-Computed-Top-Level", "yes"),
        ]
    }

    /// The spans of each 128-bit trace id, traces in order of first appearance, spans in input order.
    static func groupByTrace(_ spans: [Span]) -> [[Span]] {
        var slot: [TraceID: Int] = [:]
        var traces: [[Span]] = []
        for span in spans {
            if let i = slot[span.traceID] {
                traces[i].append(span)
            } else {
                slot[span.traceID] = traces.count
                traces.append([span])
            }
        }
        return traces
    }
}

/// One encoded chunk: a msgpack array of span maps.
struct EncodedChunk {
    var bytes: [UInt8]
    var spanCount: Int
}

/// Packs chunks into payloads no larger than `maxBytes`, in order.
private struct PayloadPacker {
    let maxBytes: Int
    private var chunks: [EncodedChunk] = []
    private var contentBytes = 0
    private var payloads: [TraceAgentPayload] = []

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// Adds a chunk, closing the current payload first when the chunk would not fit in it.
    /// The caller guarantees a chunk fits in an empty payload.
    mutating func add(_ chunk: EncodedChunk) {
        let size = MessagePackWriter.containerHeaderSize(chunks.count + 1) + contentBytes + chunk.bytes.count
        if size > maxBytes, !chunks.isEmpty { flush() }
        chunks.append(chunk)
        contentBytes += chunk.bytes.count
    }

    mutating func finish() -> [TraceAgentPayload] {
        flush()
        return payloads
    }

    private mutating func flush() {
        guard !chunks.isEmpty else { return }
        var writer = MessagePackWriter(capacity: MessagePackWriter.containerHeaderSize(chunks.count) + contentBytes)
        writer.writeArrayHeader(chunks.count)
        var spanCount = 0
        for chunk in chunks {
            writer.writeRaw(chunk.bytes)
            spanCount += chunk.spanCount
        }
        payloads.append(TraceAgentPayload(body: writer.bytes, traceCount: chunks.count, spanCount: spanCount))
        chunks.removeAll(keepingCapacity: true)
        contentBytes = 0
    }
}
