import TraceTailCore

/// The aggregation stage (DESIGN §4): tags spans with phase and run, derives windowed gauges,
/// incidents with MTTR, before/after comparisons and CTA workflow metrics, all in event time.
///
/// Timing model. Spans are passed through (annotated) the moment they are consumed, each
/// followed by its `cta.request.latency` distribution point, because traces should not wait.
/// Everything else is released in event-time order by `advance(to:)`: boundary `t` once the
/// watermark reaches `t + settleDelay`, a CTA event or phase change at `e` once it reaches
/// `e + settleDelay`, a comparison once it reaches `fix + compareWindow + settleDelay`; at equal
/// instants events come first (in arrival order), then the boundary, then comparisons. So the
/// metric/event stream depends only on the input and not on how often the watermark moves:
/// a replay and a live run produce the same records.
///
/// Phase timeline. Phase and run id are looked up at each span's *start* in a sorted list of
/// transitions. Sources: `Configuration.fixAt`, CTA events of type `afterFixOn` (→ `after_fix`)
/// and `fix_rollback` (→ `before_fix`), and `.phase` inputs. A transition to the phase already
/// in force is not a change (no `phase_changed`, no new comparison). A CTA event or phase input
/// naming a different run switches the run in force from its time on, so the spans, gauges and
/// MTTR of a remediation carry that run's id (and MTTR finds that run's `analysis_completed`).
/// Transitions affect spans consumed after them; already emitted spans are never retagged.
///
/// Windows. At boundary `t` (a multiple of `interval` since the epoch), for spans whose end lies
/// in `(t − window, t]`, per (service, phase, run_id): `cta.requests`, `cta.error_rate`,
/// `cta.latency_ms` (p95) and `.p50` `.p99` `.avg` `.max`. Only series with spans in the window
/// are emitted: an absent series means "no traffic", which a zero error rate would misstate.
/// Only `openstack.request` spans count; `log_event` children are passed through only.
///
/// Incidents. Per service over all its spans (any phase, any run), every boundary from its
/// first span on is judged, empty windows included (they are healthy). See `IncidentTracker`.
///
/// Comparisons. Every fix — each `before_fix → after_fix` change in the timeline — gets its own
/// comparison, so a rollback followed by a re-fix is judged twice, once per attempt: before =
/// `before_fix` spans starting in `[fix − compareWindow, fix)` (the previous attempt's
/// `after_fix` spans are excluded by their phase), after = `after_fix` spans starting in
/// `[fix, fix + compareWindow)` cut at the next rollback (so a later re-fix's spans never count
/// for an earlier attempt). Emitted at `fix + compareWindow`, or at `finish` with what there is.
public struct PhaseAggregator: Stage {
    /// What the aggregator consumes.
    public enum Input: Sendable {
        /// A finished span from the correlator.
        case span(Span)
        /// A CTA workflow event (file or control API).
        case cta(CTAEvent)
        /// A phase change from the control API (`POST /v1/phase`) or `--fix-at`; `source` names it
        /// (the `phase_changed` event's `source` tag); an empty `runID` keeps the run in force.
        case phase(Phase, runID: String, at: EventTime, source: String)
    }

    public typealias Output = OutputRecord

    /// Settings this stage was created with.
    public internal(set) var configuration: Configuration

    let grid: TimeGrid
    var timeline: PhaseTimeline
    var windows: WindowStore
    var comparisons: ComparisonStore
    var trackers: [TrackerKey: IncidentTracker] = [:]
    /// Index in `report.incidents` of each open incident.
    var openIncidents: [TrackerKey: Int] = [:]
    /// CTA events and phase changes waiting for the watermark, sorted by (time, sequence).
    var agenda: [AgendaItem] = []
    /// Fixes whose comparison is not yet emitted, sorted by (time, sequence).
    var pendingFixes: [PendingFix] = []
    /// Every boundary ≤ this has been evaluated.
    var evaluatedThrough: Int64?
    /// `watermark − settleDelay` of the latest advance.
    var lastLimit: EventTime?
    var maxSpanEnd: EventTime?
    var maxEventTime: EventTime?
    var sequence: UInt64 = 0
    /// `method` of each run's latest released `analysis_completed`.
    var runMethods: [String: String] = [:]
    /// Time of each run's latest released `analysis_started`.
    var workflowStarts: [String: EventTime] = [:]
    /// Whole-run digests per service and phase, for the summary.
    var totals = ServiceTotals()
    var report = Summary()
    var isFinished = false

    /// Creates the stage; a configured `fixAt` becomes the first transition.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.grid = TimeGrid(interval: configuration.interval)
        self.timeline = PhaseTimeline(defaultRunID: configuration.runID)
        self.windows = WindowStore(
            grid: grid, window: configuration.window, exactLimit: configuration.exactLatencyLimit)
        self.comparisons = ComparisonStore(grid: grid, limit: configuration.retainedSpanLimit)
        if let fixAt = configuration.fixAt {
            applyPhase(.afterFix, runID: configuration.runID, at: fixAt, source: "fix_at")
        }
    }

    /// The report summary (see `Summary`); complete after `finish(into:)`.
    public var summary: Summary {
        var s = report
        let totals = totals.dictionary
        s.services = totals.keys.sorted().map { service in
            let phases = totals[service]!
            return Summary.ServiceSummary(
                service: service,
                before: Summary.PhaseStats(phases[.beforeFix].flatMap { LatencyStats(merging: [$0]) }),
                after: Summary.PhaseStats(phases[.afterFix].flatMap { LatencyStats(merging: [$0]) }))
        }
        s.droppedComparisonSpans = comparisons.droppedForLimit
        return s
    }

    public mutating func consume(_ input: consuming Input, into output: inout [OutputRecord]) {
        switch consume input {
        case .span(let span): consumeSpan(span, into: &output)
        case .cta(let event): consumeCTA(event)
        case .phase(let phase, let runID, let at, let source):
            noteEventTime(at)
            let run = runID.isEmpty ? timeline.state(at: at).runID : runID
            applyPhase(phase, runID: run, at: at, source: source)
        }
    }

    public mutating func advance(to watermark: EventTime, into output: inout [OutputRecord]) {
        let limit = watermark - configuration.settleDelay
        // The watermark never moves back; a stale one changes nothing.
        if let last = lastLimit, limit <= last { return }
        lastLimit = limit
        release(until: limit, boundariesThrough: grid.lastBoundary(atOrBefore: limit), final: false, into: &output)
        pruneHistory(limit: limit)
    }

    public mutating func finish(into output: inout [OutputRecord]) {
        guard !isFinished else { return }
        isFinished = true
        // Evaluate up to the boundary that holds the last span's end, and no further: a replay
        // does not invent the quiet minutes after its input (open incidents stay open).
        var through = lastLimit.map { grid.lastBoundary(atOrBefore: $0) }
        if let end = maxSpanEnd {
            let last = grid.bucket(endingAt: end)
            through = max(through ?? last, last)
        }
        release(until: nil, boundariesThrough: through, final: true, into: &output)
    }

    mutating func nextSequence() -> UInt64 {
        sequence += 1
        return sequence
    }

    mutating func noteEventTime(_ time: EventTime) {
        maxEventTime = max(maxEventTime ?? time, time)
    }
}

/// Incident state is kept per service and per incident type.
struct TrackerKey: Hashable, Comparable, Sendable, Codable {
    var service: String
    var type: IncidentType
    static func < (lhs: TrackerKey, rhs: TrackerKey) -> Bool { (lhs.service, lhs.type) < (rhs.service, rhs.type) }
}

/// A timed record waiting for the watermark.
struct AgendaItem: Sendable, Codable {
    enum Kind: Sendable, Codable {
        case cta(CTAEvent)
        case phaseChanged(PhaseTransition)
    }
    var time: EventTime
    var sequence: UInt64
    var kind: Kind
}

/// A fix whose comparison is still to come.
struct PendingFix: Sendable, Codable {
    var at: EventTime
    var runID: String
    var sequence: UInt64
}
