import Testing
import TraceTailCore

@testable import TraceTailRuntime

/// The seed's `integrations.datadog` calls: each decodes from its keyword arguments and sends
/// the seed's metric names and tag sets.
@Suite struct SeedCallTests {
    let now = EventTime(seconds: 1_717_000_000)

    func records(_ name: String, _ json: String) throws -> [OutputRecord] {
        switch SeedCall.decode(name: name, body: Array(json.utf8)) {
        case .success(let call): return call.records(at: now)
        case .failure(let problem): throw problem
        }
    }

    func metrics(_ records: [OutputRecord]) -> [MetricPoint] {
        records.compactMap { if case .metric(let m) = $0 { m } else { nil } }
    }

    @Test func errorRateAndLatencyAreGaugesTaggedPhaseServiceRun() throws {
        let rate = metrics(
            try records("send_error_rate_metric", #"{"phase":"before_fix","error_rate":1.0,"run_id":"r1"}"#))
        #expect(
            rate == [
                MetricPoint(
                    name: "cta.error_rate", type: .gauge, value: 1, timestamp: now,
                    tags: ["phase": "before_fix", "service": "cta-agent", "run_id": "r1"])
            ])
        let latency = metrics(
            try records("latency", #"{"phase":"after_fix","latency_ms":250,"run_id":"r1","service":"nova-api"}"#))
        #expect(latency.map(\.name) == ["cta.latency_ms"])
        #expect(latency.first?.tags == ["phase": "after_fix", "service": "nova-api", "run_id": "r1"])
        #expect(latency.first?.value == 250)
    }

    @Test func mttrIncidentAndCanary() throws {
        let mttr = metrics(try records("mttr", #"{"mttr_seconds":42.5,"run_id":"r1","method":"llm"}"#))
        #expect(mttr.first?.name == "cta.mttr_seconds" && mttr.first?.type == .gauge && mttr.first?.value == 42.5)
        #expect(mttr.first?.tags == ["service": "cta-agent", "method": "llm", "run_id": "r1"])

        let incident = metrics(
            try records(
                "send_incident_metric",
                #"{"event_type":"analysis_completed","status":"success","run_id":"r1","confidence":0.9234}"#))
        #expect(incident.first?.name == "cta.incidents.detected" && incident.first?.type == .count)
        #expect(
            incident.first?.tags
                == ["incident_type": "analysis_completed", "status": "success", "run_id": "r1", "confidence": "0.92"])

        let canary = metrics(
            try records("canary", #"{"passed":false,"error_rate":0.2,"latency_p95":900,"run_id":"r1"}"#))
        #expect(canary.map(\.name) == ["cta.canary.tests", "cta.canary.error_rate", "cta.canary.latency_p95"])
        #expect(canary.allSatisfy { $0.tags == ["passed": "false", "run_id": "r1"] })
        #expect(canary[0].type == .count && canary[0].value == 1)
    }

    @Test func comparisonSendsBothPhasesAndTheImprovement() throws {
        let out = metrics(
            try records(
                "send_before_after_comparison",
                #"{"before_metrics":{"error_rate":0.4,"latency_p95":1000},"after_metrics":{"error_rate":0.1,"latency_p95":250},"run_id":"r1"}"#
            ))
        func value(_ name: String, phase: String? = nil) -> Double? {
            out.first { $0.name == name && $0.tags["phase"] == phase }?.value
        }
        #expect(value("cta.error_rate", phase: "before_fix") == 0.4)
        #expect(value("cta.error_rate", phase: "after_fix") == 0.1)
        #expect(value("cta.latency_ms", phase: "before_fix") == 1000)
        #expect(value("cta.latency_ms", phase: "after_fix") == 250)
        #expect(abs((value("cta.improvement.error_rate") ?? 0) - 0.3) < 1e-12)
        #expect(abs((value("cta.improvement.error_rate_pct") ?? 0) - 75) < 1e-9)
        #expect(value("cta.improvement.latency_ms") == 750)
        #expect(value("cta.improvement.latency_ms_pct") == 75)
    }

    @Test func eventSpanCarriesTheSeedsTags() throws {
        let out = try records(
            "create_event_span",
            #"{"event_data":{"LineId":1001,"Level":"ERROR","Component":"nova.compute.manager","latency_ms":250,"status":200,"trace_id":1234567890,"span_id":1234567891},"span_type":"log_event"}"#
        )
        guard case .span(let span)? = out.first, out.count == 1 else {
            Issue.record("one span expected, got \(out)")
            return
        }
        #expect(span.traceID == TraceID(high: 0, low: 1_234_567_890))
        #expect(span.spanID == SpanID(1_234_567_891))
        #expect(span.service == "cta-agent" && span.name == "log_event")
        #expect(span.durationNanoseconds == 250_000_000 && span.end == now)
        #expect(span.error)
        let attributes = Dictionary(uniqueKeysWithValues: span.attributes.map { ($0.key, $0.value) })
        #expect(attributes["event_id"] == .int(1001))
        #expect(attributes["level"] == .string("ERROR"))
        #expect(attributes["component"] == .string("nova.compute.manager"))
        #expect(attributes["span_type"] == .string("log_event"))
        #expect(attributes["status"] == .int(200))
    }

    @Test func badArgumentsNameTheCallAndKey() {
        func problem(_ name: String, _ json: String) -> String? {
            if case .failure(let p) = SeedCall.decode(name: name, body: Array(json.utf8)) { return p.message }
            return nil
        }
        #expect(
            problem("error_rate", #"{"phase":"during","error_rate":1,"run_id":"r"}"#)?.contains(
                "unknown phase `during`") == true)
        #expect(
            problem("error_rate", #"{"phase":"before_fix","run_id":"r"}"#)
                == "error_rate: missing \"error_rate\" (a number)")
        #expect(
            problem("latency", #"{"phase":"before_fix","latency_ms":"fast","run_id":"r"}"#)?.contains(
                "\"latency_ms\" must be a finite number") == true)
        #expect(problem("canary", #"{"passed":"maybe","run_id":"r"}"#) == "canary: \"passed\" must be true or false")
        #expect(problem("incident", #"{"status":"x","run_id":"r"}"#) == "incident: missing \"event_type\"")
        #expect(
            problem("comparison", #"{"before_metrics":{},"after_metrics":{"error_rate":1},"run_id":"r"}"#)?.contains(
                "neither") == true)
        #expect(problem("nope", "{}")?.hasPrefix("unknown call `nope`") == true)
        #expect(problem("mttr", "[1]") == "mttr: body must be a JSON object")
    }

    @Test func keyValueArgumentsBecomeJSON() throws {
        #expect(
            try KeyValueJSON.object(["phase=before_fix", "error_rate=1.0", "run_id=42", "flag=true", "x=nan"])
                == #"{"phase":"before_fix","error_rate":1.0,"run_id":42,"flag":true,"x":"nan"}"#)
        #expect(
            try KeyValueJSON.object(["before_metrics.error_rate=0.3", "before_metrics.latency_p95=900", "run_id=r"])
                == #"{"before_metrics":{"error_rate":0.3,"latency_p95":900},"run_id":"r"}"#)
        #expect(throws: KeyValueJSON.Problem.self) { try KeyValueJSON.object(["novalue"]) }
    }
}
