/// Metric kinds as exporters know them.
public enum MetricType: String, Sendable, Hashable {
    case gauge
    case count
    case distribution
}

/// One metric value at one event-time instant (DESIGN §4/§5).
public struct MetricPoint: Sendable, Hashable {
    /// `cta.error_rate`, `cta.latency_ms.p99`, …
    public var name: String
    public var type: MetricType
    public var value: Double
    public var timestamp: EventTime
    /// Tag values are strings (numbers as written after rounding). Rendered sorted by key.
    public var tags: [String: String]

    public init(name: String, type: MetricType, value: Double, timestamp: EventTime, tags: [String: String]) {
        self.name = name
        self.type = type
        self.value = value
        self.timestamp = timestamp
        self.tags = tags
    }
}

/// A discrete happening for timelines: incident opened/resolved, phase change, CTA event.
public struct TelemetryEvent: Sendable, Hashable {
    /// `incident_detected`, `incident_resolved`, `phase_changed`, or a CTA event type.
    public var name: String
    public var timestamp: EventTime
    public var tags: [String: String]
    /// Human sentence.
    public var text: String

    public init(name: String, timestamp: EventTime, tags: [String: String], text: String) {
        self.name = name
        self.timestamp = timestamp
        self.tags = tags
        self.text = text
    }
}

/// What the pipeline emits, in order.
public enum OutputRecord: Sendable, Hashable {
    case span(Span)
    case metric(MetricPoint)
    case event(TelemetryEvent)
}

/// The CTA workflow event types of DESIGN §5.
public enum CTAEventType: String, Sendable, Hashable, CaseIterable {
    case analysisStarted = "analysis_started"
    case analysisCompleted = "analysis_completed"
    case cachedFixFound = "cached_fix_found"
    case patchApplied = "patch_applied"
    case canaryTest = "canary_test"
    case fixPromoted = "fix_promoted"
    case fixRollback = "fix_rollback"
    case signatureSaved = "signature_saved"
    case incidentDetected = "incident_detected"
}

/// One CTA workflow event (from a `cta_events` file or the control API).
public struct CTAEvent: Sendable, Hashable, Codable {
    public var type: CTAEventType
    public var runID: String
    public var timestamp: EventTime
    /// Every other field of the event (`adapter`, `confidence`, `passed`, `method`, …).
    public var fields: [String: AttributeValue]
    /// Where it came from, for error messages: file and 1-based line.
    public var origin: String

    public init(
        type: CTAEventType, runID: String, timestamp: EventTime, fields: [String: AttributeValue] = [:],
        origin: String = ""
    ) {
        self.type = type
        self.runID = runID
        self.timestamp = timestamp
        self.fields = fields
        self.origin = origin
    }
}
