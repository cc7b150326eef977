import Testing
import TraceTailCore

@testable import OTLPWire

/// `ExportLogsServiceRequest` JSON: one log record per event (DESIGN §4's incidents timeline).
@Suite struct OTLPLogsEncoderTests {
    typealias J = OTLPJSONReading

    static func event(_ name: String, seconds: Int64, tags: [String: String], text: String) -> TelemetryEvent {
        TelemetryEvent(
            name: name, timestamp: EventTime(nanoseconds: seconds * 1_000_000_000 + 7), tags: tags, text: text)
    }

    static func resourceLogs(_ bodies: OTLPExportBodies) throws -> [[String: Any]] {
        #expect(bodies.bodies.count == 1)
        let top = try J.object(try #require(bodies.bodies.first).bytes)
        #expect(Array(top.keys) == ["resourceLogs"])
        return try J.array(top["resourceLogs"])
    }

    static func records(_ resourceEntry: [String: Any]) throws -> [[String: Any]] {
        try J.array(J.onlyScope(resourceEntry, "scopeLogs", version: TraceTailVersion.current)["logRecords"])
    }

    static let events = [
        event(
            "incident_detected", seconds: 1_717_000_010,
            tags: ["service": "nova-api", "incident_type": "error_rate", "run_id": "run-1", "source": "tracetail"],
            text: "nova-api error rate 0.42 > 0.1"),
        event(
            "phase_changed", seconds: 1_717_000_020, tags: ["phase": "after_fix", "run_id": "run-1"],
            text: "fix applied"),
        event(
            "fix_rollback", seconds: 1_717_000_030, tags: ["service": "nova-api", "run_id": "run-1"],
            text: "canary failed\nrolled back"),
        event("incident_resolved", seconds: 1_717_000_040, tags: ["service": "nova-api"], text: "recovered"),
    ]

    @Test func everyEventIsOneRecordWithSeverityBodyAndAttributes() throws {
        let encoder = OTLPLogsEncoder(
            options: OTLPEncoderOptions(resourceAttributes: ["deployment.environment": "lab"]))
        let bodies = encoder.encode(Self.events)
        #expect(bodies.bodies.map(\.itemCount) == [4])
        #expect(bodies.bodies.map(\.recordCount) == [4])
        let resources = try Self.resourceLogs(bodies)
        #expect(
            try resources.map { try J.resourceAttributes($0) } == [
                ["service.name": "nova-api", "deployment.environment": "lab"],
                ["service.name": "tracetail", "deployment.environment": "lab"],
            ])

        let api = try Self.records(resources[0])
        #expect(api.count == 3)
        let incident = api[0]
        #expect(
            Set(incident.keys) == [
                "timeUnixNano", "observedTimeUnixNano", "severityNumber", "severityText", "eventName", "body",
                "attributes",
            ])
        #expect(incident["timeUnixNano"] as? String == "1717000010000000007")
        #expect(incident["observedTimeUnixNano"] as? String == "1717000010000000007")
        #expect(incident["severityNumber"] as? Int == 17)
        #expect(incident["severityText"] as? String == "ERROR")
        #expect(incident["eventName"] as? String == "incident_detected")
        #expect(J.stringValue(incident["body"] as? [String: Any]) == "nova-api error rate 0.42 > 0.1")
        #expect(
            try J.attributeKeys(incident["attributes"]) == [
                "event.name", "incident_type", "run_id", "service", "source",
            ])
        #expect(
            try J.attributes(incident["attributes"]).mapValues { J.stringValue($0) } == [
                "event.name": "incident_detected", "incident_type": "error_rate", "run_id": "run-1",
                "service": "nova-api", "source": "tracetail",
            ])

        #expect(api.map { $0["severityNumber"] as? Int } == [17, 13, 9])
        #expect(api.map { $0["severityText"] as? String } == ["ERROR", "WARN", "INFO"])
        #expect(J.stringValue(api[1]["body"] as? [String: Any]) == "canary failed\nrolled back")

        let lab = try Self.records(resources[1])
        #expect(lab.count == 1)
        #expect(lab[0]["severityNumber"] as? Int == 9)
        #expect(lab[0]["severityText"] as? String == "INFO")
        #expect(
            try J.attributes(lab[0]["attributes"]).mapValues { J.stringValue($0) } == [
                "event.name": "phase_changed", "phase": "after_fix", "run_id": "run-1",
            ])
    }

    @Test func observedTimeIsTheCallersWhenGiven() throws {
        let bodies = OTLPLogsEncoder().encode(
            [Self.events[1]], observedTime: EventTime(nanoseconds: 1_717_000_099_000_000_001))
        let record = try J.first(Self.records(J.first(Self.resourceLogs(bodies))))
        #expect(record["timeUnixNano"] as? String == "1717000020000000007")
        #expect(record["observedTimeUnixNano"] as? String == "1717000099000000001")
    }

    @Test func aTagNamedEventNameDoesNotDuplicateTheAttribute() throws {
        let event = Self.event("patch_applied", seconds: 1, tags: ["event.name": "spoof", "adapter": "x"], text: "")
        let record = try J.first(Self.records(J.first(Self.resourceLogs(OTLPLogsEncoder().encode([event])))))
        // `attributes` rejects a repeated key.
        #expect(
            try J.attributes(record["attributes"]).mapValues { J.stringValue($0) } == [
                "event.name": "patch_applied", "adapter": "x",
            ])
    }

    @Test func severities() {
        #expect(OTLPLogsEncoder.severity(ofEventNamed: "incident_detected") == .init(number: 17, text: "ERROR"))
        #expect(OTLPLogsEncoder.severity(ofEventNamed: "fix_rollback") == .init(number: 13, text: "WARN"))
        for name in ["incident_resolved", "phase_changed", "patch_applied", "fix_promoted", "analysis_started"] {
            #expect(OTLPLogsEncoder.severity(ofEventNamed: name) == .init(number: 9, text: "INFO"))
        }
    }
}
