import TraceTailCore

extension PhaseAggregator {
    /// What the run report needs, complete once `finish(into:)` has run (readable at any time).
    public struct Summary: Sendable, Equatable, Codable {
        /// Request count, error rate and latency of one service in one phase over the whole run.
        public struct PhaseStats: Sendable, Equatable, Codable {
            public var requests: Int
            public var errors: Int
            /// errors / requests (0 when there are none).
            public var errorRate: Double
            /// Nearest-rank percentiles in ms (exact unless very many spans; then HdrHistogram, ≤ 0.1 %).
            public var p50Ms: Double
            public var p95Ms: Double
            public var p99Ms: Double
            public var avgMs: Double
            public var maxMs: Double

            public init(
                requests: Int, errors: Int, errorRate: Double, p50Ms: Double, p95Ms: Double, p99Ms: Double,
                avgMs: Double, maxMs: Double
            ) {
                self.requests = requests
                self.errors = errors
                self.errorRate = errorRate
                self.p50Ms = p50Ms
                self.p95Ms = p95Ms
                self.p99Ms = p99Ms
                self.avgMs = avgMs
                self.maxMs = maxMs
            }

            /// Zero requests.
            public static let empty = PhaseStats(
                requests: 0, errors: 0, errorRate: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, avgMs: 0, maxMs: 0)

            init(_ stats: LatencyStats?) {
                guard let s = stats else {
                    self = .empty
                    return
                }
                self.init(
                    requests: s.count, errors: s.errors, errorRate: s.errorRate, p50Ms: s.p50Ms, p95Ms: s.p95Ms,
                    p99Ms: s.p99Ms, avgMs: s.avgMs, maxMs: s.maxMs)
            }
        }

        /// One service's `openstack.request` spans split by the phase at their start.
        public struct ServiceSummary: Sendable, Equatable, Codable {
            public var service: String
            public var before: PhaseStats
            public var after: PhaseStats
        }

        /// One incident, open or resolved.
        public struct Incident: Sendable, Equatable, Codable {
            public var service: String
            public var type: IncidentType
            /// The boundary where it was detected.
            public var detectedAt: EventTime
            /// First boundary of the healthy streak that resolved it; nil while open.
            public var recoveredAt: EventTime?
            /// The boundary at which the streak reached `recovery_intervals` (when MTTR was emitted).
            public var resolvedAt: EventTime?
            /// `recoveredAt − detectedAt` in seconds; nil while open.
            public var mttrSeconds: Double?
            /// Run in force at detection.
            public var runID: String
            /// Run in force at resolution (the run the MTTR gauge is tagged with); nil while open.
            public var resolvedRunID: String?
            /// `method` of that run's `analysis_completed`, else `unknown`; nil while open.
            public var method: String?
        }

        /// One before/after comparison (one per fix, see `PhaseAggregator`).
        public struct Comparison: Sendable, Equatable, Codable {
            public var service: String
            /// The fix (before → after transition) compared around.
            public var fixAt: EventTime
            public var runID: String
            /// `before_fix` spans starting in `[fix − compare_window, fix)`.
            public var before: PhaseStats
            /// `after_fix` spans starting in `[fix, min(fix + compare_window, next rollback))`.
            public var after: PhaseStats
            /// Timestamp of the improvement gauges.
            public var emittedAt: EventTime
        }

        /// One CTA workflow event, as it went to the timeline.
        public struct WorkflowStep: Sendable, Equatable, Codable {
            public var time: EventTime
            public var type: CTAEventType
            public var runID: String
            /// Fields rendered as tags (numbers rounded), without `run_id`.
            public var fields: [String: String]
            /// The event's sentence.
            public var text: String
        }

        /// Services sorted by name.
        public var services: [ServiceSummary] = []
        /// In detection order (boundary, then service, then type).
        public var incidents: [Incident] = []
        /// Phase changes in event-time order (run-only switches are left out).
        public var phaseTransitions: [PhaseTransition] = []
        /// In emission order.
        public var comparisons: [Comparison] = []
        /// CTA events in event-time order (arrival order at equal times).
        public var workflow: [WorkflowStep] = []
        /// Every span consumed (all names).
        public var spans = 0
        /// `openstack.request` spans consumed.
        public var requestSpans = 0
        /// Request spans whose own boundary had already been evaluated when they arrived (they
        /// still count in later windows that include them).
        public var lateSpans = 0
        /// Request spans kept out of comparisons by `retainedSpanLimit`.
        public var droppedComparisonSpans = 0

        public init() {}
    }
}

extension PhaseAggregator.Summary {
    /// Drops the oldest entries of each list past twice `limit` (amortised), never an open
    /// incident, and shifts the open incidents' indices accordingly.
    mutating func trim(keeping limit: Int, openIncidents: inout [TrackerKey: Int]) {
        func cut<T>(_ list: inout [T]) {
            if list.count > 2 * limit { list.removeFirst(list.count - limit) }
        }
        cut(&phaseTransitions)
        cut(&comparisons)
        cut(&workflow)
        guard incidents.count > 2 * limit else { return }
        let removable = min(incidents.count - limit, openIncidents.values.min() ?? .max)
        guard removable > 0 else { return }
        incidents.removeFirst(removable)
        for key in Array(openIncidents.keys) { openIncidents[key]! -= removable }
    }
}
