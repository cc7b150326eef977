import TraceTailCore

extension TraceAgentEncoder {
    /// Room a span may need for `_sampling_priority_v1` if a split makes it a chunk's root:
    /// the entry (a 22-byte fixstr key and a 9-byte float64) plus a fixmap header growing into
    /// a map16 one.
    static let samplingPriorityAllowance = 22 + 9 + 2

    /// The chunks of one trace: one chunk when it fits in `maxChunkBytes`, else several.
    func encodeTrace(_ spans: [Span], maxChunkBytes: Int) -> [EncodedChunk] {
        let trace = TraceMembership(spans)
        var encoded: [[UInt8]] = []
        var isRoot: [Bool] = []
        encoded.reserveCapacity(spans.count)
        isRoot.reserveCapacity(spans.count)
        var total = 0
        for span in spans {
            let root = !trace.contains(span.parentID)
            let bytes = encodeSpan(span, topLevel: trace.isTopLevel(span), samplingPriority: root)
            total += bytes.count
            encoded.append(bytes)
            isRoot.append(root)
        }
        if MessagePackWriter.containerHeaderSize(spans.count) + total <= maxChunkBytes {
            return [Self.chunk(encoded)]
        }
        return split(spans, trace: trace, encoded: encoded, isRoot: isRoot, maxChunkBytes: maxChunkBytes)
    }

    /// Splits a trace too large for one payload into chunks that each fit.
    ///
    /// `_dd.top_level` stays as computed over the whole trace: it marks a service's entry span
    /// for the agent's trace metrics, and a split must not add hits. `_sampling_priority_v1` is
    /// recomputed per chunk, because the agent samples each chunk on its own and keeps one
    /// without a priority only by chance.
    private func split(
        _ spans: [Span], trace: TraceMembership, encoded: [[UInt8]], isRoot: [Bool], maxChunkBytes: Int
    ) -> [EncodedChunk] {
        var pieces: [[Int]] = []
        var current: [Int] = []
        var currentBytes = 0
        for i in spans.indices {
            let estimate = encoded[i].count + (isRoot[i] ? 0 : Self.samplingPriorityAllowance)
            // A span that cannot fit even alone is left out (see `encode`).
            guard MessagePackWriter.containerHeaderSize(1) + estimate <= maxChunkBytes else { continue }
            if MessagePackWriter.containerHeaderSize(current.count + 1) + currentBytes + estimate > maxChunkBytes {
                pieces.append(current)
                current = []
                currentBytes = 0
            }
            current.append(i)
            currentBytes += estimate
        }
        if !current.isEmpty { pieces.append(current) }

        return pieces.map { piece in
            let inPiece = Set(piece.map { spans[$0].spanID.rawValue })
            let bytes = piece.map { i in
                let span = spans[i]
                let pieceRoot = span.parentID.map { !inPiece.contains($0.rawValue) } ?? true
                guard pieceRoot, !isRoot[i] else { return encoded[i] }
                return encodeSpan(span, topLevel: trace.isTopLevel(span), samplingPriority: true)
            }
            return Self.chunk(bytes)
        }
    }

    private static func chunk(_ spans: [[UInt8]]) -> EncodedChunk {
        var writer = MessagePackWriter(capacity: spans.reduce(5) { $0 + $1.count })
        writer.writeArrayHeader(spans.count)
        for span in spans { writer.writeRaw(span) }
        return EncodedChunk(bytes: writer.bytes, spanCount: spans.count)
    }
}

/// Which span ids a trace holds, and their services, to tell roots and top-level spans.
struct TraceMembership {
    private var services: [UInt64: String] = [:]

    init(_ spans: [Span]) {
        services.reserveCapacity(spans.count)
        for span in spans where services[span.spanID.rawValue] == nil {
            services[span.spanID.rawValue] = span.service
        }
    }

    /// True when `id` names a span of the trace (nil, a root's parent, never does).
    func contains(_ id: SpanID?) -> Bool {
        guard let id else { return false }
        return services[id.rawValue] != nil
    }

    /// A service's entry into the trace: its parent is missing or belongs to another service.
    func isTopLevel(_ span: Span) -> Bool {
        guard let parent = span.parentID, let parentService = services[parent.rawValue] else { return true }
        return parentService != span.service
    }
}
