import Logging
import Prometheus
import Synchronization
import TraceTailCore

/// The `prometheus` sink: keeps the latest value of every gauge, the running total of every
/// count (`_total`) and a histogram of every distribution in a swift-prometheus registry, for
/// `GET /metrics` on `listen` (served by the daemon). Pull, so nothing is queued or retried.
///
/// Gauges keep their last value until a later boundary replaces it; a series not updated for
/// `idleSeconds` (5 min, DESIGN §6) is dropped so finished runs and services leave the page.
final class PrometheusExporter: RecordExporter {
    let type = "prometheus"
    let target: String
    let settings = ExportSettings()
    let registry = PrometheusCollectorRegistry()
    /// Series idle this long are dropped.
    let idleNanoseconds: Int64
    private let state = Mutex(State())
    private let isFinished = Mutex(false)

    private struct State {
        /// Each family's kind and whether it has labels: the registry stops the process on a
        /// mismatch, so records that would cause one are refused (counted) here first.
        var families: [String: (kind: MetricType, labeled: Bool)] = [:]
        var series: [SeriesKey: Series] = [:]
        var accepted = 0
        var applied = 0
        var refused = 0
        var lastError: String?
    }

    private struct SeriesKey: Hashable {
        var name: String
        var labels: [String]
    }

    private enum Metric {
        case gauge(Gauge)
        case counter(Counter)
        case histogram(ValueHistogram)
    }

    private struct Series {
        var metric: Metric
        var touched: Int64
    }

    /// Buckets for millisecond latencies (`cta.request.latency`): 5 ms to 1 min.
    static let millisecondBuckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]
    /// Buckets for workflow durations in seconds (`cta.workflow.duration`): 1 s to 2 h.
    static let secondBuckets: [Double] = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200]

    init(listen: String, idleNanoseconds: Int64 = 300_000_000_000) {
        target = listen
        self.idleNanoseconds = idleNanoseconds
    }

    func offer(_ records: [OutputRecord], waiting: Bool) {
        let now = Clock.monotonicNanoseconds()
        state.withLock { s in
            for record in records {
                guard case .metric(let point) = record else { continue }
                s.accepted += 1
                apply(point, now: now, into: &s)
            }
        }
    }

    private func apply(_ point: MetricPoint, now: Int64, into s: inout State) {
        guard point.value.isFinite else {
            s.refused += 1
            return
        }
        let base = PrometheusText.metricName(point.name)
        let name = point.type == .count ? base + "_total" : base
        var labels: [(String, String)] = []
        for (key, value) in point.tags.sorted(by: { $0.key < $1.key }) {
            let label = PrometheusText.labelName(key)
            if !labels.contains(where: { $0.0 == label }) { labels.append((label, value)) }
        }
        if let family = s.families[name], family.kind != point.type || family.labeled != !labels.isEmpty {
            s.refused += 1
            s.lastError =
                "\(point.name): a \(point.type) that clashes with the \(family.kind) already exposed as \(name)"
            return
        }
        s.families[name] = (point.type, !labels.isEmpty)
        let key = SeriesKey(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        let metric: Metric
        // The registry stops the process when one name gets two help texts: derive it from the name.
        let descriptor = MetricNameDescriptor(
            metricName: name, unitName: "", helpText: "TraceTail \(point.type.rawValue) \(point.name)")
        if let existing = s.series[key] {
            metric = existing.metric
        } else {
            switch point.type {
            case .gauge: metric = .gauge(registry.makeGauge(descriptor: descriptor, labels: labels))
            case .count: metric = .counter(registry.makeCounter(descriptor: descriptor, labels: labels))
            case .distribution:
                let buckets = point.name == MetricName.workflowDuration ? Self.secondBuckets : Self.millisecondBuckets
                metric = .histogram(
                    registry.makeValueHistogram(descriptor: descriptor, labels: labels, buckets: buckets))
            }
        }
        switch metric {
        case .gauge(let gauge): gauge.set(point.value)
        case .counter(let counter): if point.value >= 0 { counter.increment(by: point.value) }
        case .histogram(let histogram): histogram.record(point.value)
        }
        s.series[key] = Series(metric: metric, touched: now)
        s.applied += 1
    }

    /// Drops series idle longer than `idleNanoseconds`.
    func sweep(now: Int64) {
        state.withLock { s in
            for (key, series) in s.series where now - series.touched >= idleNanoseconds {
                switch series.metric {
                case .gauge(let gauge): registry.unregisterGauge(gauge)
                case .counter(let counter): registry.unregisterCounter(counter)
                case .histogram(let histogram): registry.unregisterValueHistogram(histogram)
                }
                s.series[key] = nil
            }
        }
    }

    /// The exposition of every live series.
    func exposition() -> String { registry.emitToString() }

    func run() async {
        // Nothing to send: sweep idle series every 30 s, and notice `finish` within a second.
        var lastSweep = Clock.monotonicNanoseconds()
        while !isFinished.withLock({ $0 }) {
            try? await Task.sleep(for: .seconds(1))
            let now = Clock.monotonicNanoseconds()
            if now - lastSweep >= 30_000_000_000 {
                sweep(now: now)
                lastSweep = now
            }
        }
    }

    func finish(giveUpAfterNanoseconds: Int64) { isFinished.withLock { $0 = true } }

    var statuses: [DaemonStatus.Sink] {
        state.withLock { s in
            var stats = DeliveryStats.Values()
            stats.accepted = s.accepted
            stats.delivered = s.applied
            stats.unencodable = s.refused
            stats.lastError = s.lastError
            return [DaemonStatus.Sink(type: type, target: target, queue: 0, dropped: 0, stats: stats)]
        }
    }
}
