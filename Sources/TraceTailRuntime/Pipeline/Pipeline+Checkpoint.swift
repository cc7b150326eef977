import PhaseAggregator
import SpanCorrelator
import TraceTailCore

extension Pipeline {
    /// The pipeline's open state as values: both stages' state and the watermark bookkeeping.
    public struct State: Codable, Sendable {
        public var correlator: SpanCorrelator.State
        public var aggregator: PhaseAggregator.State
        public var newest: Int64
        public var advancedTo: Int64
        public var ctaEvents: Int
        public var ctaProblems: Int
    }

    /// Everything needed to continue later exactly where this pipeline is now.
    public func checkpointState() -> State {
        State(
            correlator: correlator.checkpointState(), aggregator: aggregator.checkpointState(), newest: newest,
            advancedTo: advancedTo, ctaEvents: ctaEvents, ctaProblems: ctaProblems)
    }

    /// A pipeline continuing from `state` with `configuration`'s settings (a reload may have
    /// changed them; the open spans, windows and timeline carry over).
    public init(configuration: TraceTailConfiguration, restoring state: State) {
        correlator = SpanCorrelator(configuration: configuration.correlatorConfiguration, restoring: state.correlator)
        aggregator = PhaseAggregator(configuration: configuration.aggregatorConfiguration, restoring: state.aggregator)
        allowedLateness = configuration.correlation.allowedLateness.nanoseconds
        newest = state.newest
        advancedTo = state.advancedTo
        ctaEvents = state.ctaEvents
        ctaProblems = state.ctaProblems
    }
}
