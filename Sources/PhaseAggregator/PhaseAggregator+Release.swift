import TraceTailCore

extension PhaseAggregator {
    /// Releases, in event-time order, every queued CTA event / phase change with time ≤ `limit`,
    /// every boundary ≤ `boundariesThrough` and every comparison due by `limit` (`nil` = all).
    /// At equal instants: events, then the boundary, then comparisons.
    mutating func release(
        until limit: EventTime?, boundariesThrough: Int64?, final: Bool, into output: inout [OutputRecord]
    ) {
        while true {
            let event = agenda.first.flatMap { Self.isDue($0.time, limit) ? $0 : nil }
            let boundary = boundariesThrough.flatMap { nextBoundary(through: $0) }
            let boundaryTime = boundary.map { grid.time(ofBoundary: $0) }
            let fix = pendingFixes.first.flatMap { Self.isDue($0.at + configuration.compareWindow, limit) ? $0 : nil }
            let fixTime = fix.map { $0.at + configuration.compareWindow }

            if let event, boundaryTime.map({ event.time <= $0 }) ?? true, fixTime.map({ event.time <= $0 }) ?? true {
                agenda.removeFirst()
                releaseEvent(event, into: &output)
            } else if let boundary, let boundaryTime, fixTime.map({ boundaryTime <= $0 }) ?? true {
                evaluateBoundary(boundary, into: &output)
            } else if let fix {
                pendingFixes.removeFirst()
                emitComparison(for: fix, final: final, into: &output)
            } else {
                break
            }
        }
    }

    /// True when `time` is released by `limit` (`nil`: everything is).
    static func isDue(_ time: EventTime, _ limit: EventTime?) -> Bool { limit.map { time <= $0 } ?? true }

    /// The next boundary index to evaluate, if ≤ `limitIndex`.
    ///
    /// Boundaries where no window holds a span and no incident is open would emit nothing and
    /// change nothing, so they are skipped (a gap of days costs nothing). Before the first
    /// evaluation the start is the earliest bucket seen, so spans consumed out of order before
    /// their boundary was due are never late.
    mutating func nextBoundary(through limitIndex: Int64) -> Int64? {
        let minimum = windows.minimumBucket
        var next: Int64
        if let done = evaluatedThrough {
            next = done + 1
        } else {
            guard let minimum else { return nil }
            next = minimum
        }
        if openIncidents.isEmpty {
            guard let minimum else { return nil }
            next = max(next, minimum)
        }
        return next <= limitIndex ? next : nil
    }

    /// Emits the window gauges of boundary `index` and judges every service's incidents there.
    mutating func evaluateBoundary(_ index: Int64, into output: inout [OutputRecord]) {
        let t = grid.time(ofBoundary: index)
        var perService: [String: [LatencyDigest]] = [:]
        for (key, parts) in windows.window(at: index) {
            guard let stats = LatencyStats(merging: parts) else { continue }
            emitWindowGauges(key, stats, at: t, into: &output)
            perService[key.service, default: []].append(contentsOf: parts)
        }

        var services = Set(perService.keys)
        for key in openIncidents.keys { services.insert(key.service) }
        for service in services.sorted() {
            let parts = perService[service] ?? []
            // Percentiles (a sort) only when latency incidents are on; counts are sums.
            let stats = configuration.latencyThresholdMs == nil ? nil : LatencyStats(merging: parts)
            let count = parts.reduce(0) { $0 + $1.count }
            let errors = parts.reduce(0) { $0 + $1.errors }
            let enough = count >= configuration.minRequests
            let rate = count == 0 ? 0 : Double(errors) / Double(count)
            let verdict = Verdict(count: count, errors: errors, p95Ms: stats?.p95Ms)
            judge(
                TrackerKey(service: service, type: .errorRate),
                healthy: !enough || rate <= configuration.errorRateThreshold, verdict: verdict, at: t, into: &output)
            if let threshold = configuration.latencyThresholdMs {
                judge(
                    TrackerKey(service: service, type: .latency),
                    healthy: !enough || (stats?.p95Ms ?? 0) <= threshold, verdict: verdict, at: t, into: &output)
            }
        }
        windows.dropBuckets(afterEvaluating: index)
        evaluatedThrough = index
    }

    private func emitWindowGauges(
        _ key: SeriesKey, _ stats: LatencyStats, at t: EventTime, into output: inout [OutputRecord]
    ) {
        let tags = key.tags
        let values: [(String, Double)] = [
            (MetricName.requests, Double(stats.count)),
            (MetricName.errorRate, stats.errorRate),
            (MetricName.latency, stats.p95Ms),
            (MetricName.latencyP50, stats.p50Ms),
            (MetricName.latencyP99, stats.p99Ms),
            (MetricName.latencyAvg, stats.avgMs),
            (MetricName.latencyMax, stats.maxMs),
        ]
        for (name, value) in values {
            output.append(.metric(MetricPoint(name: name, type: .gauge, value: value, timestamp: t, tags: tags)))
        }
    }
}
