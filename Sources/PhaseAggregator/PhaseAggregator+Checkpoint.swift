import TraceTailCore

extension PhaseAggregator {
    /// Everything the aggregator needs to continue after a restart exactly as if it had never
    /// stopped (DESIGN §7): window buckets, spans kept for comparisons, incident state, the
    /// phase timeline, queued CTA events and fixes, workflow state and the report so far — as
    /// values. Settings are not part of it: a restored aggregator takes them from its
    /// configuration.
    public struct State: Codable, Sendable {
        /// Format version, for readers of older checkpoints.
        public var version = 1
        /// The report so far (its counts are the aggregator's counters).
        public var summary: Summary
        /// Grid spacing the bucket indices below were computed with.
        var interval: EventDuration
        var transitions: [PhaseTransition]
        var windows: [SeriesKey: [Int64: LatencyDigest]]
        var windowFloor: Int64
        var comparisons: [String: [Int64: [ComparisonStore.Record]]]
        var droppedComparisonSpans: Int
        var trackers: [TrackerKey: IncidentTracker]
        var openIncidents: [TrackerKey: Int]
        var agenda: [AgendaItem]
        var pendingFixes: [PendingFix]
        var evaluatedThrough: Int64?
        var lastLimit: EventTime?
        var maxSpanEnd: EventTime?
        var maxEventTime: EventTime?
        var sequence: UInt64
        var runMethods: [String: String]
        var workflowStarts: [String: EventTime]
        var totals: [String: [Phase: LatencyDigest]]
        var isFinished: Bool
    }

    /// The state to write into a checkpoint (see `State`). Does not change the aggregator.
    public func checkpointState() -> State {
        State(
            summary: report, interval: EventDuration(nanoseconds: grid.interval), transitions: timeline.transitions,
            windows: windows.checkpointBuckets, windowFloor: windows.floorIndex,
            comparisons: comparisons.byService, droppedComparisonSpans: comparisons.droppedForLimit,
            trackers: trackers, openIncidents: openIncidents, agenda: agenda, pendingFixes: pendingFixes,
            evaluatedThrough: evaluatedThrough, lastLimit: lastLimit, maxSpanEnd: maxSpanEnd,
            maxEventTime: maxEventTime, sequence: sequence, runMethods: runMethods, workflowStarts: workflowStarts,
            totals: totals.dictionary, isFinished: isFinished)
    }

    /// An aggregator that continues from `state` with `configuration`'s settings. The `fixAt` of
    /// the configuration is not applied again (the saved timeline already holds what it did).
    /// When the interval changed, the grid-indexed windows and comparison spans are dropped:
    /// their bucket numbers mean other instants now.
    public init(configuration: Configuration, restoring state: State) {
        var fresh = configuration
        fresh.fixAt = nil
        self.init(configuration: fresh)
        self.configuration = configuration
        report = state.summary
        timeline = PhaseTimeline(defaultRunID: configuration.runID, transitions: state.transitions)
        let sameGrid = state.interval.nanoseconds == grid.interval
        if sameGrid {
            windows = WindowStore(
                grid: grid, window: configuration.window, exactLimit: configuration.exactLatencyLimit,
                buckets: state.windows, floorIndex: state.windowFloor)
            comparisons = ComparisonStore(
                grid: grid, limit: configuration.retainedSpanLimit, byService: state.comparisons,
                droppedForLimit: state.droppedComparisonSpans)
            evaluatedThrough = state.evaluatedThrough
        } else {
            comparisons = ComparisonStore(
                grid: grid, limit: configuration.retainedSpanLimit, byService: [:],
                droppedForLimit: state.droppedComparisonSpans)
            let old = TimeGrid(interval: state.interval)
            evaluatedThrough = state.evaluatedThrough.map { grid.lastBoundary(atOrBefore: old.time(ofBoundary: $0)) }
        }
        trackers = state.trackers.mapValues {
            IncidentTracker(recoveryIntervals: configuration.recoveryIntervals, restoring: $0)
        }
        openIncidents = state.openIncidents
        agenda = state.agenda
        pendingFixes = state.pendingFixes
        lastLimit = state.lastLimit
        maxSpanEnd = state.maxSpanEnd
        maxEventTime = state.maxEventTime
        sequence = state.sequence
        runMethods = state.runMethods
        workflowStarts = state.workflowStarts
        totals = ServiceTotals(state.totals)
        isFinished = state.isFinished
    }
}
