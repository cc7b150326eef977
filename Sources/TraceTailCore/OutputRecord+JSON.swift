extension OutputRecord {
    /// The record as one line of the DESIGN §5 JSON-lines schema (no trailing newline).
    public var jsonLine: String {
        var w = JSONWriter()
        writeJSON(into: &w)
        return w.output
    }

    /// Appends the record's JSON (no newline) to `w`; with a writer reused across records
    /// (`reset()`), writing costs no allocation.
    public func writeJSON(into w: inout JSONWriter) {
        switch self {
        case .span(let span): span.writeJSON(into: &w)
        case .metric(let point): point.writeJSON(into: &w)
        case .event(let event): event.writeJSON(into: &w)
        }
    }
}

extension Span {
    /// Writes `{"kind":"span",…}`.
    public func writeJSON(into w: inout JSONWriter) {
        w.beginObject()
        w.key("kind")
        w.string("span")
        w.key("trace_id")
        w.hex(high: traceID.high, low: traceID.low)
        w.key("span_id")
        w.hex(spanID.rawValue, digits: 16)
        w.key("parent_id")
        if let parentID { w.hex(parentID.rawValue, digits: 16) } else { w.null() }
        w.key("service")
        w.string(service)
        w.key("name")
        w.string(name)
        w.key("resource")
        w.string(resource)
        w.key("start_ns")
        w.int(start.nanoseconds)
        w.key("duration_ns")
        w.int(durationNanoseconds)
        w.key("error")
        w.bool(error)
        w.key("attributes")
        w.beginObject()
        // Already in key order.
        attributes.forEachSorted { key, value in
            w.key(key)
            w.attribute(value)
        }
        w.endObject()
        w.endObject()
    }
}

extension MetricPoint {
    /// Writes `{"kind":"metric",…}`.
    public func writeJSON(into w: inout JSONWriter) {
        w.beginObject()
        w.key("kind")
        w.string("metric")
        w.key("name")
        w.string(name)
        w.key("type")
        w.string(type.rawValue)
        w.key("value")
        w.double(value)
        w.key("timestamp_ns")
        w.int(timestamp.nanoseconds)
        w.key("tags")
        writeTags(tags, into: &w)
        w.endObject()
    }
}

extension TelemetryEvent {
    /// Writes `{"kind":"event",…}`.
    public func writeJSON(into w: inout JSONWriter) {
        w.beginObject()
        w.key("kind")
        w.string("event")
        w.key("name")
        w.string(name)
        w.key("timestamp_ns")
        w.int(timestamp.nanoseconds)
        w.key("tags")
        writeTags(tags, into: &w)
        w.key("text")
        w.string(text)
        w.endObject()
    }
}

private func writeTags(_ tags: [String: String], into w: inout JSONWriter) {
    w.beginObject()
    for key in tags.keys.sorted() {
        w.key(key)
        w.string(tags[key])
    }
    w.endObject()
}
