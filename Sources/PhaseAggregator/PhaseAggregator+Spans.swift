import TraceTailCore

extension PhaseAggregator {
    /// Name of the spans that count as requests; `log_event` children are passed through only.
    static let requestSpanName = SpanName.request

    /// Tags, passes through and records one span.
    mutating func consumeSpan(_ input: Span, into output: inout [OutputRecord]) {
        var span = input
        let state = timeline.state(at: span.start)
        span.attributes[TagKey.phase] = .string(state.phase.rawValue)
        span.attributes[TagKey.runID] = .string(state.runID)
        output.append(.span(span))
        report.spans += 1
        guard span.name == Self.requestSpanName else { return }

        report.requestSpans += 1
        let end = span.end
        maxSpanEnd = max(maxSpanEnd ?? end, end)
        noteEventTime(end)
        let bucket = grid.bucket(endingAt: end)
        if let done = evaluatedThrough, bucket <= done { report.lateSpans += 1 }
        let key = SeriesKey(service: span.service, phase: state.phase, runID: state.runID)
        let tags = windows.record(key, bucket: bucket, durationNanoseconds: span.durationNanoseconds, error: span.error)
        output.append(
            .metric(
                MetricPoint(
                    name: MetricName.requestLatency, type: .distribution, value: span.durationMilliseconds,
                    timestamp: end, tags: tags)))

        comparisons.add(
            service: span.service, start: span.start, durationNanoseconds: span.durationNanoseconds,
            error: span.error, phase: state.phase)
        totals[span.service, default: [:]][state.phase, default: LatencyDigest(exactLimit: Self.summaryExactLimit)]
            .record(durationNanoseconds: span.durationNanoseconds, error: span.error)
    }

    /// Exact durations kept per service and phase for the summary before it uses HdrHistogram.
    static let summaryExactLimit = 65_536
}
