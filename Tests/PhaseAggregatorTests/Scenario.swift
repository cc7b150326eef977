import PhaseAggregator
import TraceTailCore

/// A deterministic 20-minute scenario of two services with an incident, a CTA workflow (with a
/// rollback and a re-fix) and recovery, delivered the way the correlator delivers spans: each
/// span up to `maxDelay` after its end, so not in end order. Used by the contract and
/// equivalence tests.
struct Scenario {
    struct Delivery {
        var at: EventTime
        var input: PhaseAggregator.Input
    }

    let deliveries: [Delivery]

    init(maxDelaySeconds: Int64 = 30) {
        var rng = LCG(seed: 42)
        var list: [(at: EventTime, order: Int, input: PhaseAggregator.Input)] = []
        var order = 0
        func add(_ time: EventTime, _ input: PhaseAggregator.Input) {
            list.append((time, order, input))
            order += 1
        }
        var id: UInt64 = 0
        for millisecond in stride(from: Int64(0), to: 1_200_000, by: 700) {
            for service in ["glance", "nova-api"] {
                id += 1
                let end = atMs(millisecond + Int64(rng.next() % 500))
                // Incident from 3 to 7 minutes on nova-api; glance stays mostly healthy.
                let incident = service == "nova-api" && (180_000..<420_000).contains(millisecond)
                let error = incident ? rng.next() % 3 == 0 : rng.next() % 50 == 0
                let duration = Int64(incident ? 400 + rng.next() % 900 : 20 + rng.next() % 200)
                let s = span(service, end: end, durationMs: duration, error: error, id: id)
                add(end + .seconds(Int64(rng.next() % UInt64(maxDelaySeconds + 1))), .span(s))
                if id % 7 == 0 {
                    add(end + .seconds(31), .span(span(service, end: end, durationMs: 1, name: "log_event", id: id)))
                }
            }
        }
        let run = "run-9"
        let events: [(Int64, CTAEventType, [String: AttributeValue])] = [
            (200, .incidentDetected, [:]),
            (210, .analysisStarted, [:]),
            (
                240, .analysisCompleted,
                ["method": .string("llm"), "cause": .string("db_pool"), "confidence": .double(0.876)]
            ),
            (240, .cachedFixFound, ["confidence": .double(0.95)]),
            (250, .patchApplied, ["adapter": .string("config")]),
            (300, .canaryTest, ["passed": .bool(false)]),
            (305, .fixRollback, ["error_rate": .double(0.31), "latency_p95": .double(1203.4)]),
            (400, .patchApplied, ["adapter": .string("config")]),
            (460, .canaryTest, ["passed": .bool(true)]),
            (470, .fixPromoted, ["error_rate": .double(0.012), "latency_p95": .double(190.26)]),
            (480, .signatureSaved, ["cause": .string("db_pool"), "confidence": .double(0.9)]),
        ]
        for (second, type, fields) in events {
            add(at(second), .cta(CTAEvent(type: type, runID: run, timestamp: at(second), fields: fields)))
        }
        add(at(900), .phase(.afterFix, runID: run, at: at(900), source: "control_api"))
        list.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        deliveries = list.map { Delivery(at: $0.at, input: $0.input) }
    }

    /// Live: the watermark follows each delivery (every `step` deliveries), then finish.
    func live(_ configuration: PhaseAggregator.Configuration, step: Int) -> [OutputRecord] {
        var aggregator = PhaseAggregator(configuration: configuration)
        var out: [OutputRecord] = []
        for (index, delivery) in deliveries.enumerated() {
            aggregator.consume(delivery.input, into: &out)
            if index % step == 0 { aggregator.advance(to: delivery.at, into: &out) }
        }
        aggregator.advance(to: deliveries.last!.at + .seconds(60), into: &out)
        aggregator.finish(into: &out)
        return out
    }

    /// Replay: everything consumed first, one final watermark, finish.
    func replay(_ configuration: PhaseAggregator.Configuration) -> [OutputRecord] {
        var aggregator = PhaseAggregator(configuration: configuration)
        var out: [OutputRecord] = []
        for delivery in deliveries { aggregator.consume(delivery.input, into: &out) }
        aggregator.advance(to: deliveries.last!.at + .seconds(60), into: &out)
        aggregator.finish(into: &out)
        return out
    }
}

/// A small deterministic generator (no system randomness in tests).
struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}

extension OutputRecord {
    /// Spans and their distribution points leave at consume time; the rest in event time.
    var leavesAtConsume: Bool {
        switch self {
        case .span: true
        case .metric(let m): m.name == "cta.request.latency"
        case .event: false
        }
    }
}
