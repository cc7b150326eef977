import TraceTailCore

/// Encodes spans for OTLP/HTTP `POST /v1/traces` (`ExportTraceServiceRequest` JSON, ANCHORS §3.4).
///
/// Spans are grouped into one `resourceSpans` entry per service (in order of first
/// appearance; spans keep their input order), each with `service.name` and the constant
/// resource attributes, and one `scopeSpans` entry of scope `tracetail`. Bodies are split to
/// stay under `maxBodyBytes`; a service's spans continue in the next body when they must.
///
/// ```swift
/// let encoder = OTLPTraceEncoder(options: OTLPEncoderOptions(environment: env))
/// for body in encoder.encode(spans).bodies {
///     send(method: "POST", url: env.traces.url, headers: env.traces.requestHeaders, body: body.bytes)
/// }
/// ```
///
/// How a span maps (see `OTLPSpanMapping` for the reasons): `name` is the HTTP route form of
/// `resource` (`GET /v2.1/servers/{id}`) for HTTP server spans, else our span name; our name
/// and resource are kept in the attributes `operation.name` and `resource.name`.
public struct OTLPTraceEncoder: Sendable {
    /// The options in force.
    public var options: OTLPEncoderOptions

    /// An encoder with `options`.
    public init(options: OTLPEncoderOptions = OTLPEncoderOptions()) { self.options = options }

    /// The bodies for `spans`, in order. Each span is in exactly one body, unless its own
    /// encoding cannot fit in `maxBodyBytes` (counted in `skippedOversized`).
    public func encode(_ spans: [Span]) -> OTLPExportBodies {
        var builder = OTLPBodyBuilder(envelopeKey: "resourceSpans", maxBodyBytes: options.maxBodyBytes)
        var writer = JSONWriter()
        for (index, group) in Self.groupByService(spans).enumerated() {
            let resource = OTLPJSON.resourceContainer(
                id: index, service: group.service, constants: options.resourceAttributes, scopeKey: "scopeSpans",
                itemsKey: "spans")
            for span in group.spans {
                writer.reset()
                OTLPSpanMapping.write(&writer, span)
                builder.add(writer.bytes, path: [resource])
            }
        }
        let bodies = builder.finish()
        return OTLPExportBodies(bodies: bodies, skippedOversized: builder.oversizedRecords)
    }

    /// The spans of each service, services in order of first appearance.
    static func groupByService(_ spans: [Span]) -> [(service: String, spans: [Span])] {
        var slot: [String: Int] = [:]
        var groups: [(service: String, spans: [Span])] = []
        for span in spans {
            if let i = slot[span.service] {
                groups[i].spans.append(span)
            } else {
                slot[span.service] = groups.count
                groups.append((span.service, [span]))
            }
        }
        return groups
    }
}
