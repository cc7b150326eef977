import Foundation
import PatternParser
import PhaseAggregator
import SpanCorrelator
import TraceTailCore

extension ReplayEngine {
    var correlatorConfiguration: SpanCorrelator.Configuration {
        let c = request.configuration
        var out = SpanCorrelator.Configuration()
        out.idleTimeout = c.correlation.idleTimeout
        out.allowedLateness = c.correlation.allowedLateness
        out.maxOpenSpans = c.correlation.maxOpenSpans
        out.spanPerEvent = c.correlation.spanPerEvent
        out.errorStatusMin = c.metrics.errorStatusMin
        return out
    }

    var aggregatorConfiguration: PhaseAggregator.Configuration {
        let c = request.configuration
        var out = PhaseAggregator.Configuration()
        out.interval = c.metrics.interval
        out.window = c.metrics.window
        out.compareWindow = c.metrics.compareWindow
        out.runID = c.phase.runID
        out.pinRunID = c.phase.runIDPinned
        out.afterFixOn = c.phase.afterFixOn
        out.fixAt = c.phase.fixAt
        out.errorRateThreshold = c.incidents.errorRateThreshold
        out.minRequests = c.incidents.minRequests
        out.recoveryIntervals = c.incidents.recoveryIntervals
        out.latencyThresholdMs = c.incidents.latencyThresholdMs
        // The watermark handed to the aggregator is already the correlator's settled time
        // (`SpanCorrelator.settledThrough`), so no extra delay is needed.
        out.settleDelay = EventDuration(nanoseconds: 0)
        return out
    }
}
