import PhaseAggregator
import SpanCorrelator
import TraceTailCore

extension TraceTailConfiguration {
    /// The correlator's settings from `correlation:` and `metrics.error_status_min`.
    public var correlatorConfiguration: SpanCorrelator.Configuration {
        var out = SpanCorrelator.Configuration()
        out.idleTimeout = correlation.idleTimeout
        out.allowedLateness = correlation.allowedLateness
        out.maxOpenSpans = correlation.maxOpenSpans
        out.spanPerEvent = correlation.spanPerEvent
        out.entryNeedsRequestLine = correlation.entryNeedsRequestLine
        out.errorStatusMin = metrics.errorStatusMin
        return out
    }

    /// The aggregator's settings from `metrics:`, `phase:` and `incidents:`.
    public var aggregatorConfiguration: PhaseAggregator.Configuration {
        var out = PhaseAggregator.Configuration()
        out.interval = metrics.interval
        out.window = metrics.window
        out.compareWindow = metrics.compareWindow
        out.runID = phase.runID
        out.pinRunID = phase.runIDPinned
        out.afterFixOn = phase.afterFixOn
        out.fixAt = phase.fixAt
        out.errorRateThreshold = incidents.errorRateThreshold
        out.minRequests = incidents.minRequests
        out.recoveryIntervals = incidents.recoveryIntervals
        out.latencyThresholdMs = incidents.latencyThresholdMs
        // The watermark handed to the aggregator is already the correlator's settled time
        // (`SpanCorrelator.settledThrough`), so no extra delay is needed.
        out.settleDelay = EventDuration(nanoseconds: 0)
        return out
    }
}
