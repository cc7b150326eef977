import PatternParser
import PhaseAggregator
import SpanCorrelator
import TraceTailCore

/// The stage chain parse output → correlator → aggregator, with the watermark policy and the
/// settled-through handoff between the two stages. Synchronous and clock-free: `replay` drives
/// it from a k-way merge of files, `run` from the tailer, and both hand it wall-clock time only
/// through `advance(quietUntil:into:)`. So a replay and a live run of the same lines give the
/// same spans and metrics.
public struct Pipeline {
    /// The correlator stage (exposed for counters and status).
    public internal(set) var correlator: SpanCorrelator
    /// The aggregator stage (exposed for its summary).
    public internal(set) var aggregator: PhaseAggregator
    /// CTA events consumed.
    public internal(set) var ctaEvents = 0
    /// CTA event lines that could not be decoded, counted.
    public internal(set) var ctaProblems = 0

    let allowedLateness: Int64
    /// Newest event time consumed (`Int64.min` before the first).
    var newest = Int64.min
    /// The watermark last handed to the correlator.
    var advancedTo = Int64.min
    private var spans: [Span] = []

    /// The watermark moves in steps of at most this much event time: often enough that spans
    /// and windows close promptly, rarely enough that advancing costs nothing per line.
    static let step: Int64 = 100_000_000

    /// Makes the chain for `configuration`; `sources` names the files lines come from (more can
    /// be registered later).
    public init(configuration: TraceTailConfiguration, sources: [SourceID: SpanCorrelator.Source] = [:]) {
        correlator = SpanCorrelator(configuration: configuration.correlatorConfiguration, sources: sources)
        aggregator = PhaseAggregator(configuration: configuration.aggregatorConfiguration)
        allowedLateness = configuration.correlation.allowedLateness.nanoseconds
    }

    /// Describes (or re-describes) the file behind `id`: its name gives the default service.
    public mutating func register(_ source: SpanCorrelator.Source, as id: SourceID) {
        correlator.register(source, as: id)
    }

    /// Takes one parsed line; spans, metrics and events that become complete are appended to
    /// `output` in pipeline order.
    public mutating func consume(_ item: consuming ParsedItem, into output: inout [OutputRecord]) {
        switch consume item {
        case .log(let event):
            if let t = event.timestamp?.nanoseconds, t > newest { newest = t }
            correlator.consume(event, into: &spans)
        case .cta(let event):
            flushSpans(into: &output)
            aggregator.consume(.cta(event), into: &output)
            ctaEvents += 1
            if event.timestamp.nanoseconds > newest { newest = event.timestamp.nanoseconds }
        case .problem:
            ctaProblems += 1
        }
        if newest != .min, newest - allowedLateness >= advancedTo + Self.step {
            advanceStages(to: newest - allowedLateness, into: &output)
        }
        if !spans.isEmpty { flushSpans(into: &output) }
    }

    /// A phase change from the control API (`POST /v1/phase`) at event time `at`.
    public mutating func setPhase(
        _ phase: Phase, runID: String, at: EventTime, source: String, into output: inout [OutputRecord]
    ) {
        flushSpans(into: &output)
        aggregator.consume(.phase(phase, runID: runID, at: at, source: source), into: &output)
        if at.nanoseconds > newest { newest = at.nanoseconds }
    }

    /// `run` only: no line is waiting (the tailer is caught up), and the wall clock says `now`.
    /// Event time advances to `now − allowed_lateness` (DESIGN §3: watermark = max(newest event
    /// time, now − allowed_lateness)), so quiet periods still close spans and windows. A backlog
    /// read at start-up never gets here while it is being read, so it is processed in event time
    /// like a replay.
    public mutating func advance(quietUntil now: EventTime, into output: inout [OutputRecord]) {
        let mark = now.nanoseconds - allowedLateness
        guard mark > advancedTo else { return }
        advanceStages(to: mark, into: &output)
    }

    /// Input has ended (end of a replay): emit every open span, window and comparison.
    public mutating func finish(into output: inout [OutputRecord]) {
        correlator.finish(into: &spans)
        flushSpans(into: &output)
        aggregator.finish(into: &output)
    }

    private mutating func advanceStages(to mark: Int64, into output: inout [OutputRecord]) {
        advancedTo = mark
        correlator.advance(to: EventTime(nanoseconds: mark), into: &spans)
        flushSpans(into: &output)
        // Windows close only once no span ending in them can still come out of the correlator
        // (it holds a request's spans until the whole request is idle).
        let settled = correlator.settledThrough()
        if settled.nanoseconds != .min {
            aggregator.advance(to: settled.advanced(byNanoseconds: -1), into: &output)
        }
    }

    /// Hands the correlator's spans to the aggregator in order, moving each one (popped from
    /// the reversed batch), so the aggregator tags a uniquely held span instead of copying its
    /// attribute array.
    private mutating func flushSpans(into output: inout [OutputRecord]) {
        guard !spans.isEmpty else { return }
        spans.reverse()
        while let span = spans.popLast() { aggregator.consume(.span(span), into: &output) }
    }
}
