import TraceTailCore

extension PhaseAggregator {
    /// Settings of the aggregator; every default is DESIGN §5's.
    public struct Configuration: Sendable, Equatable {
        /// Spacing of window boundaries (`metrics.interval`). Default 10 s.
        public var interval: EventDuration = .seconds(10)
        /// Window length (`metrics.window`), rounded up to whole intervals. Default 60 s.
        public var window: EventDuration = .seconds(60)
        /// Length of each side of the before/after comparison (`metrics.compare_window`). Default 5 m.
        public var compareWindow: EventDuration = .minutes(5)
        /// Run id in force before any CTA event or phase input names another (`phase.run_id`). Default `run-1`.
        public var runID: String = "run-1"
        /// When true (`--run-id` or an explicit `phase.run_id`), `runID` tags everything and CTA
        /// events naming other runs do not switch the run in force. Default false: a CTA event
        /// naming a new run starts that run from its time on.
        public var pinRunID: Bool = false
        /// CTA event type that switches to `after_fix` (`phase.after_fix_on`). Default `patch_applied`.
        public var afterFixOn: CTAEventType = .patchApplied
        /// A fix time given up front (`phase.fix_at` / `--fix-at`). Default none.
        public var fixAt: EventTime? = nil
        /// `incidents.error_rate_threshold`: unhealthy when the window's error rate is above it. Default 0.1.
        public var errorRateThreshold: Double = 0.1
        /// `incidents.min_requests`: windows with fewer spans are healthy. Default 10.
        public var minRequests: Int = 10
        /// `incidents.recovery_intervals`: healthy boundaries in a row that resolve an incident. Default 3.
        public var recoveryIntervals: Int = 3
        /// p95 threshold for latency incidents in ms; nil (default) turns latency incidents off.
        public var latencyThresholdMs: Double? = nil
        /// How long after boundary `t` (in watermark time) the window of `t` is evaluated.
        ///
        /// The correlator emits a span up to `idle_timeout` after its end, and the watermark may
        /// run `allowed_lateness` ahead of the slowest file, so the runtime sets this to
        /// `idle_timeout + allowed_lateness` (30 s + 5 s by default): by then every span ending
        /// at or before `t` has arrived, and a replay and a live run see the same spans in every
        /// window. CTA events and comparisons are released on the same delay, so the metric and
        /// event stream is a function of event time only. Default 35 s.
        public var settleDelay: EventDuration = .seconds(35)
        /// Durations kept exactly per series and interval bucket before that bucket switches to
        /// an HdrHistogram (bounded memory at any request rate). Default 4096.
        public var exactLatencyLimit: Int = 4096
        /// Spans kept by start time for before/after comparisons, across services; past it the
        /// oldest start bucket is dropped (counted in `Summary.droppedComparisonSpans`). Default 200 000.
        public var retainedSpanLimit: Int = 200_000

        /// The DESIGN defaults.
        public init() {}

        /// Defaults with the given run id and fix time.
        public init(runID: String, fixAt: EventTime? = nil) {
            self.runID = runID
            self.fixAt = fixAt
        }

        /// Every problem, each naming its DESIGN config key; empty when the settings are usable.
        /// (The stage itself never traps on them: it rounds the window up to whole intervals
        /// and treats `recovery_intervals` below 1 as 1.)
        public func validate() -> [String] {
            var problems: [String] = []
            if interval.nanoseconds <= 0 { problems.append("`metrics.interval` must be positive") }
            if window < interval { problems.append("`metrics.window` must be at least `metrics.interval`") }
            if interval.nanoseconds > 0, window.nanoseconds % interval.nanoseconds != 0 {
                problems.append("`metrics.window` must be a whole number of `metrics.interval`s")
            }
            if compareWindow.nanoseconds <= 0 { problems.append("`metrics.compare_window` must be positive") }
            if !(0...1).contains(errorRateThreshold) {
                problems.append("`incidents.error_rate_threshold` must be between 0 and 1")
            }
            if minRequests < 0 { problems.append("`incidents.min_requests` must not be negative") }
            if recoveryIntervals < 1 { problems.append("`incidents.recovery_intervals` must be at least 1") }
            if runID.isEmpty { problems.append("`phase.run_id` must not be empty") }
            if afterFixOn == .fixRollback { problems.append("`phase.after_fix_on` cannot be fix_rollback") }
            if settleDelay.nanoseconds < 0 { problems.append("settle delay must not be negative") }
            if let threshold = latencyThresholdMs, threshold <= 0 {
                problems.append("latency threshold must be positive")
            }
            return problems
        }
    }
}
