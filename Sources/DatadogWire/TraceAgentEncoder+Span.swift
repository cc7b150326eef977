import TraceTailCore

/// The trace agent's field limits (its normalizer's, ANCHORS §3.2), in UTF-8 bytes as the agent counts.
enum TraceAgentLimits {
    static let service = 100
    static let name = 100
    static let resource = 5000
    static let metaKey = 200
    static let metaValue = 25_000
    static let metricKey = 200
    /// The agent's own default for an empty operation name.
    static let defaultName = "unnamed_operation"
}

extension TraceAgentEncoder {
    /// Used for an empty service: the name the agent's normalizer would substitute
    /// (`unnamed-<lang>-service`), so the span shows under the same service either way without
    /// being counted by the agent as malformed.
    var fallbackService: String { "unnamed-\(options.language)-service" }

    /// One span as a msgpack map of the twelve v0.4 fields.
    ///
    /// - Parameters:
    ///   - topLevel: sets `_dd.top_level` (parent absent from the trace or of another service).
    ///   - samplingPriority: sets `_sampling_priority_v1` = 1 (the chunk's root-most spans).
    func encodeSpan(_ span: Span, topLevel: Bool, samplingPriority: Bool) -> [UInt8] {
        let attributes = span.attributes
        // Spans that logged the HTTP request line are their service's entry (DESIGN §3).
        let isEntry =
            attributes[SpanAttributeKey.httpMethod] != nil || attributes[SpanAttributeKey.httpStatusCode] != nil

        var meta = TagList<String>()
        if let env = options.env { meta.appendOwn("env", env) }
        if let version = options.version { meta.appendOwn("version", version) }
        meta.appendOwn("span.kind", isEntry ? "server" : "internal")
        if span.traceID.high != 0 { meta.appendOwn("_dd.p.tid", Hex.string(span.traceID.high, digits: 16)) }

        var metrics = TagList<Double>()
        if samplingPriority { metrics.appendOwn("_sampling_priority_v1", 1) }
        if topLevel { metrics.appendOwn("_dd.top_level", 1) }
        if isEntry { metrics.appendOwn("_dd.measured", 1) }

        attributes.forEachSorted { key, value in
            switch value {
            case .string(let s):
                meta.append(
                    key, s.truncatedUTF8(maxBytes: TraceAgentLimits.metaValue), maxKeyBytes: TraceAgentLimits.metaKey)
            case .bool(let b):
                meta.append(key, b ? "true" : "false", maxKeyBytes: TraceAgentLimits.metaKey)
            case .int(let i):
                // Datadog reads the status from meta, as a string; it is not a measurement.
                if key == SpanAttributeKey.httpStatusCode {
                    meta.append(key, String(i), maxKeyBytes: TraceAgentLimits.metaKey)
                } else {
                    metrics.append(key, Double(i), maxKeyBytes: TraceAgentLimits.metricKey)
                }
            case .double(let d):
                if key == SpanAttributeKey.httpStatusCode {
                    meta.append(key, JSONWriter.number(d), maxKeyBytes: TraceAgentLimits.metaKey)
                } else if d.isFinite {
                    // NaN and infinities have no meaning to the agent's stats; left out.
                    metrics.append(key, d, maxKeyBytes: TraceAgentLimits.metricKey)
                }
            }
        }

        let service = span.service.isEmpty ? fallbackService : span.service
        let name =
            span.name.isEmpty ? TraceAgentLimits.defaultName : span.name.truncatedUTF8(maxBytes: TraceAgentLimits.name)
        let resource = span.resource.isEmpty ? name : span.resource.truncatedUTF8(maxBytes: TraceAgentLimits.resource)

        var w = MessagePackWriter(capacity: 256)
        w.writeMapHeader(12)
        w.writeString("trace_id")
        w.writeUInt(span.traceID.low)
        w.writeString("span_id")
        w.writeUInt(span.spanID.rawValue)
        w.writeString("parent_id")
        w.writeUInt(span.parentID?.rawValue ?? 0)
        w.writeString("start")
        w.writeInt(span.start.nanoseconds)
        w.writeString("duration")
        w.writeInt(max(0, span.durationNanoseconds))
        w.writeString("error")
        w.writeUInt(span.error ? 1 : 0)
        w.writeString("service")
        w.writeString(service.truncatedUTF8(maxBytes: TraceAgentLimits.service))
        w.writeString("name")
        w.writeString(name)
        w.writeString("resource")
        w.writeString(resource)
        w.writeString("type")
        w.writeString(isEntry ? "web" : "custom")
        w.writeString("meta")
        w.writeMapHeader(meta.entries.count)
        for (key, value) in meta.entries {
            w.writeString(key)
            w.writeString(value)
        }
        w.writeString("metrics")
        w.writeMapHeader(metrics.entries.count)
        for (key, value) in metrics.entries {
            w.writeString(key)
            w.writeDouble(value)
        }
        return w.bytes
    }
}

/// The entries of a `meta` or `metrics` map, keys unique: msgpack leaves duplicate keys to the
/// decoder's whim, so the encoder's own keys win over attributes of the same name, and a key
/// cut to the length limit never repeats an earlier one.
private struct TagList<Value> {
    private(set) var entries: [(String, Value)] = []
    private var ownCount = 0

    /// A key the encoder itself sets; call before any `append`.
    mutating func appendOwn(_ key: String, _ value: Value) {
        entries.append((key, value))
        ownCount += 1
    }

    /// An attribute's entry, unless its key is empty, already present, or one of Datadog's
    /// internal keys (`_dd.*`, `_sampling_priority_v1`), which only the encoder may set: an
    /// attribute must not change how the agent samples or counts the span.
    mutating func append(_ key: String, _ value: Value, maxKeyBytes: Int) {
        guard !key.isEmpty, !key.hasPrefix("_dd."), !key.hasPrefix("_sampling_priority") else { return }
        let cut = key.truncatedUTF8(maxBytes: maxKeyBytes)
        // Attribute keys are unique, so only the encoder's own keys, or a cut key, can repeat.
        let candidates = cut.utf8.count == key.utf8.count ? entries[..<ownCount] : entries[...]
        guard !candidates.contains(where: { $0.0 == cut }) else { return }
        entries.append((cut, value))
    }
}
