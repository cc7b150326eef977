import PhaseAggregator
import TraceTailCore

/// 2017-05-16T00:00:00Z, a multiple of every interval the tests use.
let t0 = EventTime(seconds: 1_494_892_800)

/// `t0` plus whole seconds.
func at(_ seconds: Int64) -> EventTime { t0 + .seconds(seconds) }

/// `t0` plus milliseconds.
func atMs(_ milliseconds: Int64) -> EventTime { t0 + .milliseconds(milliseconds) }

/// A request span that ends at `end` and lasted `durationMs`.
func span(
    _ service: String = "nova-api", end: EventTime, durationMs: Int64 = 100, error: Bool = false,
    name: String = "openstack.request", id: UInt64 = 1
) -> Span {
    Span(
        traceID: TraceID(high: 0, low: id), spanID: SpanID(id), parentID: nil, service: service, name: name,
        resource: "GET /v2.1/servers", start: end - .milliseconds(durationMs),
        durationNanoseconds: durationMs * 1_000_000, error: error)
}

/// A span that starts at `start`.
func span(
    _ service: String = "nova-api", start: EventTime, durationMs: Int64 = 100, error: Bool = false
) -> Span {
    span(service, end: start + .milliseconds(durationMs), durationMs: durationMs, error: error)
}

/// A CTA event.
func cta(_ type: CTAEventType, _ time: EventTime, run: String = "run-7", _ fields: [String: AttributeValue] = [:])
    -> CTAEvent
{
    CTAEvent(type: type, runID: run, timestamp: time, fields: fields)
}

/// Test configuration: DESIGN defaults but no settle delay unless a test is about it.
func config(_ change: (inout PhaseAggregator.Configuration) -> Void = { _ in }) -> PhaseAggregator.Configuration {
    var c = PhaseAggregator.Configuration()
    c.settleDelay = .seconds(0)
    change(&c)
    return c
}

/// Runs a whole input: consume everything, advance to `watermark` if given, finish.
func run(
    _ configuration: PhaseAggregator.Configuration, _ inputs: [PhaseAggregator.Input], watermark: EventTime? = nil
) -> (records: [OutputRecord], summary: PhaseAggregator.Summary) {
    var aggregator = PhaseAggregator(configuration: configuration)
    var out: [OutputRecord] = []
    for input in inputs { aggregator.consume(input, into: &out) }
    if let watermark { aggregator.advance(to: watermark, into: &out) }
    aggregator.finish(into: &out)
    return (out, aggregator.summary)
}

extension Array where Element == OutputRecord {
    var metrics: [MetricPoint] {
        compactMap {
            if case .metric(let m) = $0 { return m }
            return nil
        }
    }
    var events: [TelemetryEvent] {
        compactMap {
            if case .event(let e) = $0 { return e }
            return nil
        }
    }
    var spans: [Span] {
        compactMap {
            if case .span(let s) = $0 { return s }
            return nil
        }
    }
    func metrics(_ name: String) -> [MetricPoint] { metrics.filter { $0.name == name } }

    /// Values of one gauge for one service, keyed by seconds after `t0`.
    func series(_ name: String, service: String = "nova-api", phase: Phase? = nil) -> [Int64: Double] {
        var result: [Int64: Double] = [:]
        for m in metrics(name)
        where m.tags["service"] == service && (phase == nil || m.tags["phase"] == phase!.rawValue) {
            result[(m.timestamp - t0).nanoseconds / 1_000_000_000] = m.value
        }
        return result
    }
}

/// Equal within `tolerance`.
func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}
