/// The metric names of DESIGN §4 and the seed's workflow counters. Dashboards, monitors and the
/// external tests query these exact strings: extend, never rename.
public enum MetricName {
    /// Gauge: error spans / spans ended in the window (0–1).
    public static let errorRate = "cta.error_rate"
    /// Gauge: p95 latency in ms.
    public static let latency = "cta.latency_ms"
    public static let latencyP50 = "cta.latency_ms.p50"
    public static let latencyP99 = "cta.latency_ms.p99"
    public static let latencyAvg = "cta.latency_ms.avg"
    public static let latencyMax = "cta.latency_ms.max"
    /// Gauge: spans ended in the window.
    public static let requests = "cta.requests"
    /// Distribution: one value (ms) per span.
    public static let requestLatency = "cta.request.latency"
    /// Count: tags `incident_type`, `status` (detected/resolved), `run_id` (the event adds `service`).
    public static let incidents = "cta.incidents.detected"
    /// Gauge: MTTR in seconds; tags `service`, `method`, `run_id`.
    public static let mttr = "cta.mttr_seconds"
    /// Every before/after improvement gauge starts with this.
    public static let improvementPrefix = "cta.improvement."
    public static let improvementErrorRate = "cta.improvement.error_rate"
    public static let improvementErrorRatePct = "cta.improvement.error_rate_pct"
    public static let improvementLatency = "cta.improvement.latency_ms"
    public static let improvementLatencyPct = "cta.improvement.latency_ms_pct"
    /// Distribution: seconds from `analysis_started` to `fix_promoted` / `fix_rollback`.
    public static let workflowDuration = "cta.workflow.duration"
    public static let analysisStarted = "cta.analysis.started"
    public static let analysisCompleted = "cta.analysis.completed"
    public static let patchesApplied = "cta.patches.applied"
    public static let canaryTests = "cta.canary.tests"
    /// Gauges of one canary run (`send_canary_metric`'s `error_rate` and `latency_p95`); tags
    /// `passed`, `run_id`.
    public static let canaryErrorRate = "cta.canary.error_rate"
    public static let canaryLatencyP95 = "cta.canary.latency_p95"
    public static let promotions = "cta.promotions.success"
    public static let rollbacks = "cta.rollbacks.count"
    public static let signaturesSaved = "cta.signatures.saved"
    /// Count (extension for the seed's "Cached Fix Hit Rate" widget): one per `cached_fix_found`.
    public static let cachedFixFound = "cta.cached_fix.found"
}

/// Names of the events the aggregator itself emits (CTA events are named by their type).
public enum EventName {
    public static let incidentDetected = "incident_detected"
    public static let incidentResolved = "incident_resolved"
    public static let phaseChanged = "phase_changed"
    /// `source` tag of the incident events TraceTail itself detects (CTA events carry their own).
    public static let incidentSource = "tracetail"
}

/// Tag keys of metrics and events (DESIGN §4). Tag values are strings.
public enum TagKey {
    public static let service = "service"
    public static let phase = "phase"
    public static let runID = "run_id"
    public static let method = "method"
    public static let incidentType = "incident_type"
    public static let status = "status"
    /// Who produced an event: `tracetail` for incidents it detected, the agent's own otherwise.
    public static let source = "source"
    public static let adapter = "adapter"
    public static let mttrSeconds = "mttr_seconds"
}

/// The span names of DESIGN §3.
public enum SpanName {
    /// A request span (one service's part of a request).
    public static let request = "openstack.request"
    /// A per-line child span (`span_per_event`, late lines).
    public static let logEvent = "log_event"
}
