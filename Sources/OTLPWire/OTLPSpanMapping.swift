import TraceTailCore

/// How one TraceTail span becomes one OTLP span object.
///
/// * `name`: OTel names an HTTP server span `{method} {route}` with a low-cardinality route;
///   our `resource` of an HTTP span is exactly that (`GET /v2.1/servers/{id}`, DESIGN §3), so
///   it is the name of spans that carry HTTP attributes. Every other span keeps our name
///   (`openstack.request`, `log_event`): its resource (a logger name) says less than the name.
/// * `operation.name` and `resource.name` attributes keep our name and resource whatever the
///   `name`: Datadog's OTLP intake reads these two keys, so a span sent through OTLP looks in
///   Datadog as it does through the trace agent, and other backends can still group by either.
/// * `kind`: 2 (server) for a span with HTTP attributes, the service's entry for a request;
///   1 (internal) otherwise.
/// * HTTP attributes are kept as we name them and also given their current semantic
///   convention names (`http.method` → `http.request.method`, `http.status_code` →
///   `http.response.status_code`), so dashboards of either vintage find them.
/// * `status`: `{code: 2, message}` for an error span, the message being its `error.message`
///   attribute or `error`; left out otherwise (absent means unset, code 0).
enum OTLPSpanMapping {
    static let operationNameKey = "operation.name"
    static let resourceNameKey = "resource.name"
    static let semconvMethodKey = "http.request.method"
    static let semconvStatusKey = "http.response.status_code"

    /// Writes `span` as one OTLP span object.
    static func write(_ w: inout JSONWriter, _ span: Span) {
        let server = isHTTPServer(span)
        w.beginObject()
        w.key("traceId")
        w.hex(high: span.traceID.high, low: span.traceID.low)
        w.key("spanId")
        w.hex(span.spanID.rawValue, digits: 16)
        if let parent = span.parentID {
            w.key("parentSpanId")
            w.hex(parent.rawValue, digits: 16)
        }
        w.key("name")
        w.string(server && looksLikeHTTPRoute(span.resource) ? span.resource : span.name)
        w.key("kind")
        w.int(server ? 2 : 1)
        OTLPJSON.writeUnixNano(&w, "startTimeUnixNano", span.start)
        // A negative duration would put the end before the start, which receivers reject.
        OTLPJSON.writeUnixNano(
            &w, "endTimeUnixNano", span.start.advanced(byNanoseconds: max(0, span.durationNanoseconds)))
        w.key("attributes")
        w.beginArray()
        attributes(of: span).forEachSorted { key, value in
            guard !key.isEmpty else { return }
            OTLPJSON.writeAttribute(&w, key, value)
        }
        w.endArray()
        if span.error {
            w.key("status")
            w.beginObject()
            w.key("code")
            w.int(2)
            w.key("message")
            if case .string(let message)? = span.attributes[SpanAttributeKey.errorMessage], !message.isEmpty {
                w.string(message)
            } else {
                w.string("error")
            }
            w.endObject()
        }
        w.endObject()
    }

    /// True for a span with HTTP attributes: the entry span of a request in its service.
    static func isHTTPServer(_ span: Span) -> Bool {
        span.attributes[SpanAttributeKey.httpMethod] != nil || span.attributes[SpanAttributeKey.httpStatusCode] != nil
    }

    /// `METHOD /path`: an upper-case token, one space, then a path.
    static func looksLikeHTTPRoute(_ resource: String) -> Bool {
        let bytes = Array(resource.utf8)
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")), space > 0, space + 1 < bytes.count else {
            return false
        }
        return bytes[..<space].allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            && bytes[space + 1] == UInt8(ascii: "/")
    }

    /// The span's attributes plus the derived ones; a key the span already has keeps its value.
    static func attributes(of span: Span) -> SpanAttributes {
        var attributes = span.attributes
        func add(_ key: String, _ value: AttributeValue?) {
            if let value, attributes[key] == nil { attributes[key] = value }
        }
        add(operationNameKey, .string(span.name))
        add(resourceNameKey, .string(span.resource))
        add(semconvMethodKey, span.attributes[SpanAttributeKey.httpMethod])
        add(semconvStatusKey, span.attributes[SpanAttributeKey.httpStatusCode])
        return attributes
    }
}
