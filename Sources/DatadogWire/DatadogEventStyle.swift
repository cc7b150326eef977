import TraceTailCore

/// How a TraceTail event looks as a Datadog event, the same over DogStatsD and the HTTP API,
/// so one incident reads alike whichever sink delivered it.
public enum DatadogEventStyle {
    /// Datadog's longest aggregation key (ANCHORS §3.3), in UTF-8 bytes so both sinks cut alike.
    public static let maxAggregationKeyBytes = 100

    /// `TraceTail: <event name>`, followed by the `service` tag when the event has one. Never
    /// empty, which the Agent requires of a title.
    public static func title(_ event: TelemetryEvent) -> String {
        var title = "TraceTail: " + event.name
        if let service = event.tags[TagKey.service], !service.isEmpty { title += " " + service }
        return title
    }

    /// `error` for a detected incident, `success` for a resolved one or a promoted fix,
    /// `warning` for a rollback, `info` for everything else.
    public static func alertType(_ event: TelemetryEvent) -> String {
        switch event.name {
        case EventName.incidentDetected: "error"
        case EventName.incidentResolved, CTAEventType.fixPromoted.rawValue: "success"
        case CTAEventType.fixRollback.rawValue: "warning"
        default: "info"
        }
    }

    /// The `run_id` tag when present (one remediation run's events group together), else the
    /// event name; at most `maxAggregationKeyBytes`.
    public static func aggregationKey(_ event: TelemetryEvent) -> String {
        let runID = event.tags[TagKey.runID] ?? ""
        return (runID.isEmpty ? event.name : runID).truncatedUTF8(maxBytes: maxAggregationKeyBytes)
    }

    /// `source_type_name` / `s:`.
    public static let sourceType = "tracetail"
}
