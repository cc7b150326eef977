import TraceTailCore

/// Request statistics of one service in one phase.
struct PhaseStats: Equatable {
    var requests: Int
    var errors: Int
    /// Nearest-rank percentiles of span duration, in milliseconds.
    var p50: Double
    var p95: Double
    var p99: Double

    /// Errors / requests, 0 when there are none.
    var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }

    init(spans: [Span]) {
        var durations: [Double] = []
        durations.reserveCapacity(spans.count)
        var errors = 0
        for s in spans {
            durations.append(s.durationMilliseconds)
            if s.error { errors += 1 }
        }
        durations.sort()
        requests = spans.count
        self.errors = errors
        p50 = Percentile.nearestRank(durations, 0.50)
        p95 = Percentile.nearestRank(durations, 0.95)
        p99 = Percentile.nearestRank(durations, 0.99)
    }
}

/// Nearest-rank percentiles: the smallest value with at least q of the sample at or below it.
///
/// Chosen over interpolation because every value it prints is a duration that really occurred,
/// and a reader can check it by counting.
enum Percentile {
    /// `sorted[ceil(q·n) − 1]`, or 0 for an empty sample. `sorted` must be ascending.
    static func nearestRank(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// One service's requests before and after the fix, over the whole replay.
///
/// Computed from the spans' `phase` attribute; spans without one are left out, and `log_event`
/// children are left out because they are lines, not requests.
struct ServiceComparison {
    var service: String
    var before: PhaseStats?
    var after: PhaseStats?

    static func build(_ spans: [Span]) -> [ServiceComparison] {
        var groups: [String: [Phase: [Span]]] = [:]
        for span in spans where ReportData.isRequestSpan(span) {
            guard let phase = span.phase else { continue }
            groups[span.service, default: [:]][phase, default: []].append(span)
        }
        return groups.keys.sorted().map { service in
            let byPhase = groups[service]!
            return ServiceComparison(
                service: service,
                before: byPhase[.beforeFix].map(PhaseStats.init(spans:)),
                after: byPhase[.afterFix].map(PhaseStats.init(spans:)))
        }
    }
}

/// The last value of one `cta.improvement.*` metric for one service.
struct Improvement {
    var service: String
    /// The metric name without the `cta.improvement.` prefix: `error_rate`, `latency_ms_pct`, …
    var metric: String
    var value: Double

    static let prefix = MetricName.improvementPrefix

    static func build(_ metrics: [MetricPoint]) -> [Improvement] {
        var last: [String: [String: Double]] = [:]
        for point in metrics where point.name.hasPrefix(prefix) {
            let service = point.tags[TagKey.service] ?? "all"
            last[service, default: [:]][String(point.name.dropFirst(prefix.count))] = point.value
        }
        return last.keys.sorted().flatMap { service in
            last[service]!.keys.sorted().map { Improvement(service: service, metric: $0, value: last[service]![$0]!) }
        }
    }
}
