import TraceTailCore

/// The bodies the `webhook` sink posts, one per notable event: incidents opened and resolved,
/// fixes promoted and rolled back (the seed's "future enhancements": Slack, PagerDuty, custom
/// webhooks). Pure, so each shape is tested without a network.
enum WebhookPayload {
    enum Format: String, Sendable {
        case slack, pagerduty, json
    }

    /// The events worth a notification; everything else stays in the metrics.
    static let notable: Set<String> = [
        EventName.incidentDetected, EventName.incidentResolved, CTAEventType.fixPromoted.rawValue,
        CTAEventType.fixRollback.rawValue,
    ]

    /// The body for `event`, or nil when it is not notable.
    static func body(_ event: TelemetryEvent, format: Format, routingKey: String?) -> [UInt8]? {
        guard notable.contains(event.name) else { return nil }
        var w = JSONWriter()
        switch format {
        case .slack: slack(event, &w)
        case .pagerduty: pagerDuty(event, routingKey: routingKey ?? "", &w)
        case .json: return Array(OutputRecord.event(event).jsonLine.utf8)  // the jsonl `event` record
        }
        return Array(w.output.utf8)
    }

    /// `good`, `warning` or `danger`: Slack's attachment colours.
    static func slackColour(_ name: String) -> String {
        switch name {
        case EventName.incidentDetected: "danger"
        case CTAEventType.fixRollback.rawValue: "warning"
        default: "good"
        }
    }

    static func headline(_ event: TelemetryEvent) -> String {
        let service = event.tags[TagKey.service].map { " \($0)" } ?? ""
        let run = event.tags[TagKey.runID].map { " (run \($0))" } ?? ""
        return "TraceTail: \(event.name)\(service)\(run)"
    }

    /// Slack incoming webhook: `text` for notifications, one attachment with the tags as fields.
    private static func slack(_ event: TelemetryEvent, _ w: inout JSONWriter) {
        w.beginObject()
        w.key("text")
        w.string(headline(event))
        w.key("attachments")
        w.beginArray()
        w.beginObject()
        w.key("color")
        w.string(slackColour(event.name))
        w.key("text")
        w.string(event.text)
        w.key("ts")
        w.int(event.timestamp.nanoseconds / 1_000_000_000)
        w.key("fields")
        w.beginArray()
        for (key, value) in event.tags.sorted(by: { $0.key < $1.key }) {
            w.beginObject()
            w.key("title")
            w.string(key)
            w.key("value")
            w.string(value)
            w.key("short")
            w.bool(true)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
    }

    /// PagerDuty Events API v2: an incident triggers and its resolution resolves the same
    /// `dedup_key` (service + incident type); promotions and rollbacks are their own events.
    private static func pagerDuty(_ event: TelemetryEvent, routingKey: String, _ w: inout JSONWriter) {
        let service = event.tags[TagKey.service] ?? "unknown"
        let isIncident = event.name == EventName.incidentDetected || event.name == EventName.incidentResolved
        let dedup =
            isIncident
            ? "tracetail/\(service)/\(event.tags[TagKey.incidentType] ?? "incident")"
            : "tracetail/\(event.name)/\(event.tags[TagKey.runID] ?? "")"
        w.beginObject()
        w.key("routing_key")
        w.string(routingKey)
        w.key("event_action")
        w.string(event.name == EventName.incidentResolved ? "resolve" : "trigger")
        w.key("dedup_key")
        w.string(dedup)
        w.key("payload")
        w.beginObject()
        w.key("summary")
        w.string(String((headline(event) + ": " + event.text).prefix(1024)))
        w.key("source")
        w.string(service)
        w.key("severity")
        w.string(
            event.name == EventName.incidentDetected
                ? "error" : event.name == CTAEventType.fixRollback.rawValue ? "warning" : "info")
        w.key("timestamp")
        w.string(event.timestamp.description)
        w.key("component")
        w.string(service)
        w.key("group")
        w.string("tracetail")
        w.key("class")
        w.string(event.name)
        w.key("custom_details")
        w.beginObject()
        for (key, value) in event.tags.sorted(by: { $0.key < $1.key }) {
            w.key(key)
            w.string(value)
        }
        w.endObject()
        w.endObject()
        w.endObject()
    }
}
