import TraceTailCore

/// Encodes events (incidents, phase changes, CTA events) for OTLP/HTTP `POST /v1/logs`
/// (`ExportLogsServiceRequest` JSON), one log record per event.
///
/// * Resource: `service.name` from the event's `service` tag, else the default service name;
///   plus the constant resource attributes. Resources in order of first appearance, events
///   in input order within each.
/// * Record: `timeUnixNano` (event time), `observedTimeUnixNano` (when TraceTail saw it: the
///   caller's clock, else the event time, since an encoder reads no clock), `severityNumber`
///   and `severityText` (`incident_detected` ERROR 17, `fix_rollback` WARN 13, all else INFO
///   9), `body.stringValue` = the event's text.
/// * Attributes: `event.name` = the event's name first, then every tag (sorted, `service`
///   included as for metrics). The name is also in the record's `eventName` field (logs.proto
///   since 1.5); receivers that predate it ignore the unknown key.
public struct OTLPLogsEncoder: Sendable {
    /// The options in force.
    public var options: OTLPEncoderOptions

    /// An encoder with `options`.
    public init(options: OTLPEncoderOptions = OTLPEncoderOptions()) { self.options = options }

    /// An OTel severity: its number and short text.
    public struct Severity: Sendable, Hashable {
        /// `SEVERITY_NUMBER_*`: 9 INFO, 13 WARN, 17 ERROR.
        public var number: Int
        /// `INFO`, `WARN`, `ERROR`.
        public var text: String

        public static let info = Severity(number: 9, text: "INFO")
        public static let warn = Severity(number: 13, text: "WARN")
        public static let error = Severity(number: 17, text: "ERROR")
    }

    /// The severity of an event named `name`: an incident opening is an error, a rolled back
    /// fix a warning; the rest (resolutions, phase changes, workflow steps) is information.
    public static func severity(ofEventNamed name: String) -> Severity {
        switch name {
        case EventName.incidentDetected: .error
        case CTAEventType.fixRollback.rawValue: .warn
        default: .info
        }
    }

    /// The attribute holding the event's name.
    public static let eventNameKey = "event.name"

    /// The bodies for `events`, in order. `observedTime`, when given, is every record's
    /// `observedTimeUnixNano` (the export's wall-clock time); else each event's own time.
    public func encode(_ events: [TelemetryEvent], observedTime: EventTime? = nil) -> OTLPExportBodies {
        var resources = OrderedGroups<String, [TelemetryEvent]>()
        for event in events {
            resources.update(options.serviceName(tag: event.tags[TagKey.service]), default: []) { $0.append(event) }
        }
        var builder = OTLPBodyBuilder(envelopeKey: "resourceLogs", maxBodyBytes: options.maxBodyBytes)
        var writer = JSONWriter()
        for (index, (service, events)) in resources.entries.enumerated() {
            let resource = OTLPJSON.resourceContainer(
                id: index, service: service, constants: options.resourceAttributes, scopeKey: "scopeLogs",
                itemsKey: "logRecords")
            for event in events {
                writer.reset()
                Self.write(&writer, event, observedTime: observedTime ?? event.timestamp)
                builder.add(writer.bytes, path: [resource])
            }
        }
        let bodies = builder.finish()
        return OTLPExportBodies(bodies: bodies, skippedOversized: builder.oversizedRecords)
    }

    static func write(_ w: inout JSONWriter, _ event: TelemetryEvent, observedTime: EventTime) {
        let severity = severity(ofEventNamed: event.name)
        w.beginObject()
        OTLPJSON.writeUnixNano(&w, "timeUnixNano", event.timestamp)
        OTLPJSON.writeUnixNano(&w, "observedTimeUnixNano", observedTime)
        w.key("severityNumber")
        w.int(severity.number)
        w.key("severityText")
        w.string(severity.text)
        w.key("eventName")
        w.string(event.name)
        w.key("body")
        OTLPJSON.writeAnyValue(&w, .string(event.text))
        w.key("attributes")
        w.beginArray()
        OTLPJSON.writeAttribute(&w, eventNameKey, .string(event.name))
        // A tag spelled `event.name` would make a second attribute of that key; ours wins.
        for key in event.tags.keys.sorted() where !key.isEmpty && key != eventNameKey {
            OTLPJSON.writeAttribute(&w, key, .string(event.tags[key]!))
        }
        w.endArray()
        w.endObject()
    }
}
