import TraceTailCore

/// One service's error-rate and p95 curves, one curve per phase.
struct ServiceSeries {
    /// A value at a boundary.
    struct Point: Equatable {
        var time: EventTime
        var value: Double
    }

    var service: String
    /// `cta.error_rate` (a fraction) per phase; `nil` key = points without a phase tag.
    var errorRate: [Phase?: [Point]]
    /// `cta.latency_ms` (p95, ms) per phase.
    var p95: [Phase?: [Point]]
    /// True when the curves were computed here from spans because the stream had no gauges.
    var computedFromSpans: Bool

    /// Phases present in either curve, before_fix first.
    var phases: [Phase?] {
        let all = Set(errorRate.keys).union(p95.keys)
        return [Phase.beforeFix, Phase.afterFix, nil].filter { all.contains($0) }
    }

    /// Series from the gauges; services with spans but no gauge get curves computed from spans
    /// with the DESIGN §4 window (60 s ending at each 10 s boundary).
    static func build(metrics: [MetricPoint], spans: [Span]) -> [ServiceSeries] {
        var rate: [String: [Phase?: [Point]]] = [:]
        var p95: [String: [Phase?: [Point]]] = [:]
        for m in metrics where m.name == MetricName.errorRate || m.name == MetricName.latency {
            guard let service = m.tags[TagKey.service] else { continue }
            let phase = m.tags[TagKey.phase].flatMap(Phase.init(rawValue:))
            let point = Point(time: m.timestamp, value: m.value)
            if m.name == MetricName.errorRate {
                rate[service, default: [:]][phase, default: []].append(point)
            } else {
                p95[service, default: [:]][phase, default: []].append(point)
            }
        }
        var result: [ServiceSeries] = []
        for service in Set(rate.keys).union(p95.keys) {
            result.append(
                ServiceSeries(
                    service: service, errorRate: sortedByTime(rate[service] ?? [:]),
                    p95: sortedByTime(p95[service] ?? [:]), computedFromSpans: false))
        }
        let covered = Set(result.map(\.service))
        var bySpanService: [String: [Span]] = [:]
        for s in spans where ReportData.isRequestSpan(s) && !covered.contains(s.service) {
            bySpanService[s.service, default: []].append(s)
        }
        for (service, list) in bySpanService { result.append(computed(service: service, spans: list)) }
        return result.sorted { $0.service < $1.service }
    }

    private static func sortedByTime(_ curves: [Phase?: [Point]]) -> [Phase?: [Point]] {
        curves.mapValues { $0.sorted { $0.time < $1.time } }
    }

    static let interval: Int64 = 10_000_000_000
    static let window: Int64 = 60_000_000_000

    /// Sliding 60 s windows at 10 s boundaries, per phase, with two pointers over spans sorted by end.
    private static func computed(service: String, spans: [Span]) -> ServiceSeries {
        var rate: [Phase?: [Point]] = [:]
        var p95: [Phase?: [Point]] = [:]
        var byPhase: [Phase?: [Span]] = [:]
        for s in spans { byPhase[s.phase, default: []].append(s) }
        for (phase, list) in byPhase {
            let ends = list.map { $0.end.nanoseconds }
            let order = ends.indices.sorted { ends[$0] < ends[$1] }
            let end = order.map { ends[$0] }
            let failed = order.map { list[$0].error }
            let millis = order.map { list[$0].durationMilliseconds }
            guard let first = end.first, let last = end.last else { continue }
            var boundary = (first / interval + 1) * interval
            var lo = 0
            var hi = 0
            var errors = 0
            while boundary < last + window + interval {
                while hi < end.count && end[hi] <= boundary {
                    if failed[hi] { errors += 1 }
                    hi += 1
                }
                while lo < hi && end[lo] <= boundary - window {
                    if failed[lo] { errors -= 1 }
                    lo += 1
                }
                if hi > lo {
                    let t = EventTime(nanoseconds: boundary)
                    rate[phase, default: []].append(Point(time: t, value: Double(errors) / Double(hi - lo)))
                    let durations = millis[lo..<hi].sorted()
                    p95[phase, default: []].append(Point(time: t, value: Percentile.nearestRank(durations, 0.95)))
                }
                boundary += interval
            }
        }
        return ServiceSeries(service: service, errorRate: rate, p95: p95, computedFromSpans: true)
    }
}
