import Foundation
import PhaseAggregator
import Testing
import TraceTailCore

// Run A goes through uninterrupted; run B is checkpointed at cut points — state encoded to
// JSON, decoded, a new aggregator restored from it — and continues. Records and summary must be
// identical (DESIGN §7: output continues exactly as if the process had never stopped).

private func restarted(_ aggregator: PhaseAggregator) throws -> PhaseAggregator {
    let data = try JSONEncoder().encode(aggregator.checkpointState())
    let state = try JSONDecoder().decode(PhaseAggregator.State.self, from: data)
    return PhaseAggregator(configuration: aggregator.configuration, restoring: state)
}

/// Consumes each delivery, advances the watermark to its time every `step` deliveries, then
/// finishes; restarts before each delivery index in `cuts` (and once more before `finish`).
private func drive(
    _ deliveries: [Scenario.Delivery], cuts: Set<Int>, _ configuration: PhaseAggregator.Configuration, step: Int = 3
) throws -> (records: [OutputRecord], summary: PhaseAggregator.Summary) {
    var aggregator = PhaseAggregator(configuration: configuration)
    var out: [OutputRecord] = []
    for (i, delivery) in deliveries.enumerated() {
        if cuts.contains(i) { aggregator = try restarted(aggregator) }
        aggregator.consume(delivery.input, into: &out)
        if i % step == 0 { aggregator.advance(to: delivery.at, into: &out) }
    }
    if !cuts.isEmpty { aggregator = try restarted(aggregator) }
    aggregator.finish(into: &out)
    return (out, aggregator.summary)
}

private func configurations() -> [PhaseAggregator.Configuration] {
    var exact = PhaseAggregator.Configuration(runID: "run-1", fixAt: at(700))
    exact.settleDelay = .seconds(35)
    // Tiny limits: buckets switch to HdrHistogram and comparison spans are dropped around cuts.
    var bounded = config { $0.exactLatencyLimit = 3 }
    bounded.retainedSpanLimit = 500
    bounded.latencyThresholdMs = 600
    return [exact, bounded]
}

@Test func aRestoredAggregatorContinuesTheScenarioExactly() throws {
    let deliveries = Scenario().deliveries
    for configuration in configurations() {
        let whole = try drive(deliveries, cuts: [], configuration)
        #expect(whole.summary.incidents.count > 0 && whole.summary.comparisons.count > 0)
        for every in [13, 211] {
            let cut = try drive(deliveries, cuts: Set(stride(from: 1, to: deliveries.count, by: every)), configuration)
            #expect(cut.records.count == whole.records.count)
            #expect(cut.records == whole.records, "restart every \(every) inputs")
            #expect(cut.summary == whole.summary)
        }
    }
}

@Test func aRestoreBeforeEveryInputOfTheIncidentAndFixChangesNothing() throws {
    // Every cut from just before the incident to after the re-fix: mid-window, mid-incident,
    // with CTA events and fixes queued, before and after each fix.
    let deliveries = Scenario().deliveries
    let span = deliveries.indices.filter { deliveries[$0].at >= at(170) && deliveries[$0].at <= at(480) }
    let cuts = Set(span.filter { $0 % 2 == 0 })
    let configuration = configurations()[1]
    let whole = try drive(deliveries, cuts: [], configuration)
    let cut = try drive(deliveries, cuts: cuts, configuration)
    #expect(cuts.count > 300)
    #expect(cut.records == whole.records)
    #expect(cut.summary == whole.summary)
}

@Test func aRestoredAggregatorContinuesTheShippedSamplesExactly() throws {
    let deliveries = try SampleSpans.deliveries()
    #expect(deliveries.count > 3_000)
    let configuration = PhaseAggregator.Configuration()
    let whole = try drive(deliveries, cuts: [], configuration, step: 20)
    #expect(whole.records.metrics("cta.mttr_seconds").count == 1)
    for every in [97, 1_001] {
        let cut = try drive(
            deliveries, cuts: Set(stride(from: 1, to: deliveries.count, by: every)), configuration, step: 20)
        #expect(cut.records == whole.records, "restart every \(every) inputs")
        #expect(cut.summary == whole.summary)
    }
}

/// The samples' spans (from the committed replay golden, without their `phase`/`run_id`) and
/// CTA events, delivered in the golden's order with each CTA event once the spans pass its time.
enum SampleSpans {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func deliveries() throws -> [Scenario.Delivery] {
        var events: [CTAEvent] = []
        let ctaText = try String(contentsOf: root.appendingPathComponent("samples/cta-agent.jsonl"), encoding: .utf8)
        for line in ctaText.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            var fields: [String: AttributeValue] = [:]
            for (key, value) in object where !["timestamp", "type", "run_id"].contains(key) {
                fields[key] = attribute(value)
            }
            let time = ISO8601.parse(object["timestamp"] as! String)!
            events.append(
                CTAEvent(
                    type: CTAEventType(rawValue: object["type"] as! String)!, runID: object["run_id"] as! String,
                    timestamp: time, fields: fields))
        }
        let spanText = try String(
            contentsOf: root.appendingPathComponent("Tests/Goldens/samples.spans.golden.jsonl"), encoding: .utf8)
        var out: [Scenario.Delivery] = []
        var newest = EventTime(nanoseconds: .min)
        for line in spanText.split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            var attributes: [String: AttributeValue] = [:]
            for (key, value) in o["attributes"] as! [String: Any] where key != "phase" && key != "run_id" {
                attributes[key] = attribute(value)
            }
            let span = Span(
                traceID: TraceID(hex: Array((o["trace_id"] as! String).utf8))!,
                spanID: SpanID(hex: Array((o["span_id"] as! String).utf8))!,
                parentID: (o["parent_id"] as? String).flatMap { SpanID(hex: Array($0.utf8)) },
                service: o["service"] as! String, name: o["name"] as! String, resource: o["resource"] as! String,
                start: EventTime(nanoseconds: (o["start_ns"] as! NSNumber).int64Value),
                durationNanoseconds: (o["duration_ns"] as! NSNumber).int64Value, error: o["error"] as! Bool,
                attributes: attributes)
            newest = max(newest, span.end)
            while let event = events.first, event.timestamp <= newest {
                out.append(Scenario.Delivery(at: newest, input: .cta(events.removeFirst())))
            }
            out.append(Scenario.Delivery(at: newest - .seconds(35), input: .span(span)))
        }
        for event in events { out.append(Scenario.Delivery(at: newest, input: .cta(event))) }
        return out
    }

    /// Any fixed mapping serves: both runs see the same values.
    static func attribute(_ value: Any) -> AttributeValue {
        if let text = value as? String { return .string(text) }
        if let number = value as? NSNumber { return .double(number.doubleValue) }
        return .string("\(value)")
    }
}
