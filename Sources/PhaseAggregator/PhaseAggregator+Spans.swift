import TraceTailCore

extension PhaseAggregator {
    /// Name of the spans that count as requests; `log_event` children are passed through only.
    static let requestSpanName = SpanName.request

    /// Tags, passes through and records one span. `consuming`: the span is tagged in place
    /// and moved into `output`, so its attribute array is not copied.
    mutating func consumeSpan(_ input: consuming Span, into output: inout [OutputRecord]) {
        var span = input
        let state = timeline.state(at: span.start)
        span.attributes[TagKey.phase] = .string(state.phase.rawValue)
        span.attributes[TagKey.runID] = .string(state.runID)
        let isRequest = span.name == Self.requestSpanName
        let service = span.service
        let start = span.start
        let duration = span.durationNanoseconds
        let error = span.error
        output.append(.span(span))
        report.spans += 1
        guard isRequest else { return }

        report.requestSpans += 1
        let end = start.advanced(byNanoseconds: duration)
        maxSpanEnd = max(maxSpanEnd ?? end, end)
        noteEventTime(end)
        let bucket = grid.bucket(endingAt: end)
        if let done = evaluatedThrough, bucket <= done { report.lateSpans += 1 }
        let key = SeriesKey(service: service, phase: state.phase, runID: state.runID)
        let tags = windows.record(key, bucket: bucket, durationNanoseconds: duration, error: error)
        output.append(
            .metric(
                MetricPoint(
                    name: MetricName.requestLatency, type: .distribution, value: Double(duration) / 1e6,
                    timestamp: end, tags: tags)))

        comparisons.add(service: service, start: start, durationNanoseconds: duration, error: error, phase: state.phase)
        totals.record(
            service: service, phase: state.phase, durationNanoseconds: duration, error: error,
            exactLimit: Self.summaryExactLimit)
    }

    /// Exact durations kept per service and phase for the summary before it uses HdrHistogram.
    static let summaryExactLimit = 65_536
}
