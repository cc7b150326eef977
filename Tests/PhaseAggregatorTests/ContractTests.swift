import PhaseAggregator
import Testing
import TraceTailCore

/// DESIGN §4 and the seed's metric table, written out by hand: names, types and tag keys.
/// Tag sets are exactly the seed's (outside tests and dashboards match them); the events of
/// the same happenings carry the rest (service, run, every field).
@Suite struct ContractTests {
    static let windowTags: Set<String> = ["phase", "service", "run_id"]
    static let expected: [String: (MetricType, Set<String>)] = [
        "cta.error_rate": (.gauge, windowTags),
        "cta.latency_ms": (.gauge, windowTags),
        "cta.latency_ms.p50": (.gauge, windowTags),
        "cta.latency_ms.p99": (.gauge, windowTags),
        "cta.latency_ms.avg": (.gauge, windowTags),
        "cta.latency_ms.max": (.gauge, windowTags),
        "cta.requests": (.gauge, windowTags),
        "cta.request.latency": (.distribution, windowTags),
        "cta.incidents.detected": (.count, ["incident_type", "status", "run_id"]),
        "cta.mttr_seconds": (.gauge, ["service", "method", "run_id"]),
        "cta.improvement.error_rate": (.gauge, ["service", "run_id"]),
        "cta.improvement.error_rate_pct": (.gauge, ["service", "run_id"]),
        "cta.improvement.latency_ms": (.gauge, ["service", "run_id"]),
        "cta.improvement.latency_ms_pct": (.gauge, ["service", "run_id"]),
        "cta.workflow.duration": (.distribution, ["run_id", "outcome"]),
        "cta.analysis.started": (.count, ["run_id"]),
        "cta.analysis.completed": (.count, ["method", "cause", "confidence"]),
        "cta.patches.applied": (.count, ["adapter"]),
        "cta.canary.tests": (.count, ["passed", "run_id"]),
        "cta.promotions.success": (.count, ["error_rate", "latency_p95"]),
        "cta.rollbacks.count": (.count, ["error_rate", "latency_p95"]),
        "cta.signatures.saved": (.count, ["cause", "confidence"]),
        "cta.cached_fix.found": (.count, ["run_id"]),
    ]

    @Test func everyMetricHasItsContractNameTypeAndTags() {
        let out = Scenario().replay(PhaseAggregator.Configuration())
        let emitted = Set(out.metrics.map(\.name))
        #expect(emitted == Set(Self.expected.keys))
        for metric in out.metrics {
            guard let (type, tags) = Self.expected[metric.name] else { continue }
            #expect(metric.type == type, "\(metric.name) type")
            #expect(Set(metric.tags.keys) == tags, "\(metric.name) tags \(metric.tags.keys.sorted())")
            #expect(metric.tags.values.allSatisfy { !$0.isEmpty })
        }
        // Window gauges: error rate a fraction, counts whole.
        #expect(out.metrics("cta.error_rate").allSatisfy { (0...1).contains($0.value) })
        #expect(
            out.metrics("cta.incidents.detected").allSatisfy { ["detected", "resolved"].contains($0.tags["status"]!) })
    }

    @Test func eventNamesAreTheContractNames() {
        let out = Scenario().replay(PhaseAggregator.Configuration())
        let names = Set(out.events.map(\.name))
        let expected = Set(
            ["incident_detected", "incident_resolved", "phase_changed"] + CTAEventType.allCases.map(\.rawValue))
        #expect(names == expected)
        #expect(out.events.allSatisfy { !$0.text.isEmpty && $0.tags["run_id"] != nil })
        let phaseChanged = out.events.filter { $0.name == "phase_changed" }
        #expect(phaseChanged.allSatisfy { Set($0.tags.keys) == ["phase", "run_id", "source"] })
    }

    @Test func metricNameConstantsMatchDesign() {
        #expect(MetricName.errorRate == "cta.error_rate")
        #expect(MetricName.latency == "cta.latency_ms")
        #expect(MetricName.requests == "cta.requests")
        #expect(MetricName.requestLatency == "cta.request.latency")
        #expect(MetricName.incidents == "cta.incidents.detected")
        #expect(MetricName.mttr == "cta.mttr_seconds")
        #expect(MetricName.workflowDuration == "cta.workflow.duration")
    }

    @Test func aGaugeRendersAsTheDesignJSONLine() {
        let c = config { $0.window = .seconds(10) }
        let inputs: [PhaseAggregator.Input] = (0..<4).map {
            .span(span(end: at(5), error: $0 == 0, id: UInt64($0 + 1)))
        }
        let (out, _) = run(c, inputs)
        let line = out.compactMap { record -> String? in
            if case .metric(let m) = record, m.name == "cta.error_rate" { return record.jsonLine }
            return nil
        }
        #expect(
            line == [
                #"{"kind":"metric","name":"cta.error_rate","type":"gauge","value":0.25,"timestamp_ns":1494892810000000000,"tags":{"phase":"before_fix","run_id":"run-1","service":"nova-api"}}"#
            ])
    }
}
