import TraceTailCore

extension PhaseAggregator {
    /// Emits the before/after comparison of one fix for every service with spans on either side.
    mutating func emitComparison(for fix: PendingFix, final: Bool, into output: inout [OutputRecord]) {
        let f = fix.at
        let window = configuration.compareWindow
        // A fix that a later-arriving transition made redundant is no fix any more.
        guard timeline.state(before: f).phase == .beforeFix, timeline.state(at: f).phase == .afterFix else { return }
        let afterEnd = min(f + window, timeline.nextChange(to: .beforeFix, after: f) ?? f + window)
        let before = comparisons.digests(phase: .beforeFix, from: f - window, to: f)
        let after = comparisons.digests(phase: .afterFix, from: f, to: afterEnd)
        // On schedule the gauges are stamped at the end of the after window; at the end of a
        // replay that stopped earlier, at the last event time seen (never before the fix).
        var stamp = f + window
        if final, let last = maxEventTime { stamp = min(stamp, max(last, f)) }

        for service in Set(before.keys).union(after.keys).sorted() {
            let b = before[service].flatMap { LatencyStats(merging: [$0]) }
            let a = after[service].flatMap { LatencyStats(merging: [$0]) }
            report.comparisons.append(
                Summary.Comparison(
                    service: service, fixAt: f, runID: fix.runID, before: Summary.PhaseStats(b),
                    after: Summary.PhaseStats(a), emittedAt: stamp))
            // A difference needs both sides; a percentage also needs a non-zero base.
            guard let b, let a else { continue }
            let tags = [TagKey.service: service, TagKey.runID: fix.runID]
            var values: [(String, Double)] = [(MetricName.improvementErrorRate, b.errorRate - a.errorRate)]
            if b.errorRate != 0 {
                values.append((MetricName.improvementErrorRatePct, (b.errorRate - a.errorRate) / b.errorRate * 100))
            }
            values.append((MetricName.improvementLatency, b.p95Ms - a.p95Ms))
            if b.p95Ms != 0 {
                values.append((MetricName.improvementLatencyPct, (b.p95Ms - a.p95Ms) / b.p95Ms * 100))
            }
            for (name, value) in values {
                output.append(
                    .metric(MetricPoint(name: name, type: .gauge, value: value, timestamp: stamp, tags: tags)))
            }
        }
    }

    /// Forgets what no pending or future fix can reach, so a daemon's memory stays bounded:
    /// a future fix arrives at or after `limit` (the settle contract), so its before window
    /// needs spans starting at or after `limit − compareWindow`; pending fixes need their own.
    /// The timeline keeps its state at the horizon, so spans starting after it are tagged as before.
    mutating func pruneHistory(limit: EventTime) {
        var horizon = limit - configuration.compareWindow
        if let first = pendingFixes.first { horizon = min(horizon, first.at - configuration.compareWindow) }
        comparisons.prune(startingBefore: horizon)
        timeline.prune(before: horizon)
        report.trim(keeping: Self.summaryHistoryLimit, openIncidents: &openIncidents)
    }

    /// Entries kept in each of the summary's lists (incidents, transitions, comparisons,
    /// workflow) by a long-running daemon; a replay report never comes near it.
    static let summaryHistoryLimit = 10_000
}
