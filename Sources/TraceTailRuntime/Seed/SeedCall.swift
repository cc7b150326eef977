import PatternParser
import TraceTailCore

/// The calls of the seed's Python `integrations.datadog` module, as values. Each becomes the
/// same metric names and tag sets the seed sends, so an agent that switches from the module to
/// TraceTail's control API (or `tracetail send`) loses no dashboard series.
public enum SeedCall: Sendable, Equatable {
    /// `send_error_rate_metric(phase, error_rate, run_id)` → gauge `cta.error_rate`.
    case errorRate(phase: Phase, value: Double, runID: String, service: String)
    /// `send_latency_metric(phase, latency_ms, run_id)` → gauge `cta.latency_ms`.
    case latency(phase: Phase, milliseconds: Double, runID: String, service: String)
    /// `send_mttr_metric(mttr_seconds, run_id, method)` → gauge `cta.mttr_seconds`.
    case mttr(seconds: Double, runID: String, method: String, service: String)
    /// `send_incident_metric(event_type, status, run_id, confidence=None)` → count
    /// `cta.incidents.detected` tagged `incident_type`, `status`, `run_id` (+ `confidence`).
    case incident(eventType: String, status: String, runID: String, confidence: Double?)
    /// `send_canary_metric(passed, error_rate, latency_p95, run_id)` → count `cta.canary.tests`
    /// tagged `passed`, `run_id`, plus the canary's own gauges.
    case canary(passed: Bool, errorRate: Double?, latencyP95: Double?, runID: String)
    /// `send_before_after_comparison(before_metrics, after_metrics, run_id)` → the phase-tagged
    /// `cta.error_rate` / `cta.latency_ms` gauges and `cta.improvement.*`.
    case comparison(before: Snapshot, after: Snapshot, runID: String, service: String)
    /// `create_event_span(event_data, span_type)` → one span with the seed's tags.
    case eventSpan(EventSpan)

    /// One side of a before/after comparison (the seed's `before_metrics` dict).
    public struct Snapshot: Sendable, Equatable {
        public var errorRate: Double?
        public var latencyMs: Double?
    }

    /// The seed's `event_data` for `create_event_span`.
    public struct EventSpan: Sendable, Equatable {
        public var spanType: String
        public var lineID: Int64?
        public var level: String?
        public var component: String?
        public var latencyMs: Double?
        public var status: Int?
        public var traceID: TraceID?
        public var spanID: SpanID?
        public var parentID: SpanID?
        public var message: String?
    }

    /// The seed's default `service` tag and span service.
    public static let defaultService = "cta-agent"

    /// Every call name the control API and `tracetail send` take, short form first; the seed's
    /// Python function names are accepted too.
    public static let names: [(short: String, seed: String)] = [
        ("error_rate", "send_error_rate_metric"), ("latency", "send_latency_metric"), ("mttr", "send_mttr_metric"),
        ("incident", "send_incident_metric"), ("canary", "send_canary_metric"),
        ("comparison", "send_before_after_comparison"), ("event_span", "create_event_span"),
    ]

    /// The short name for `name` (either form); nil when unknown.
    public static func shortName(_ name: String) -> String? {
        names.first { $0.short == name || $0.seed == name }?.short
    }
}
