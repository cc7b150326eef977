import Foundation
import Testing
import TraceTailCore

@testable import TraceTailRuntime

/// The webhook bodies: Slack, PagerDuty Events v2 and plain JSON, only for notable events.
@Suite struct WebhookPayloadTests {
    let detected = TelemetryEvent(
        name: "incident_detected", timestamp: EventTime(seconds: 1_764_237_930),
        tags: ["service": "nova-api", "incident_type": "error_rate", "run_id": "run-1", "source": "tracetail"],
        text: "nova-api: error rate 36% at 10:05:30")

    func object(_ bytes: [UInt8]?) throws -> [String: Any] {
        let data = Data(try #require(bytes))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func slackHasTextColourAndTagFields() throws {
        let body = try object(WebhookPayload.body(detected, format: .slack, routingKey: nil))
        #expect(body["text"] as? String == "TraceTail: incident_detected nova-api (run run-1)")
        let attachment = try #require((body["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["color"] as? String == "danger")
        #expect(attachment["text"] as? String == "nova-api: error rate 36% at 10:05:30")
        let fields = (attachment["fields"] as? [[String: Any]])?.compactMap { $0["title"] as? String }
        #expect(fields == ["incident_type", "run_id", "service", "source"])
    }

    @Test func pagerDutyTriggersAndResolvesTheSameKey() throws {
        let trigger = try object(WebhookPayload.body(detected, format: .pagerduty, routingKey: "R0UTING"))
        var resolved = detected
        resolved.name = "incident_resolved"
        let resolve = try object(WebhookPayload.body(resolved, format: .pagerduty, routingKey: "R0UTING"))
        #expect(trigger["routing_key"] as? String == "R0UTING")
        #expect(trigger["event_action"] as? String == "trigger")
        #expect(resolve["event_action"] as? String == "resolve")
        #expect(trigger["dedup_key"] as? String == "tracetail/nova-api/error_rate")
        #expect(resolve["dedup_key"] as? String == trigger["dedup_key"] as? String)
        let payload = try #require(trigger["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "error")
        #expect(payload["source"] as? String == "nova-api")
        #expect((payload["timestamp"] as? String)?.hasPrefix("2025-11-27T") == true)
        #expect((payload["custom_details"] as? [String: String])?["run_id"] == "run-1")
    }

    @Test func plainJSONIsTheEventRecord() throws {
        let body = try object(WebhookPayload.body(detected, format: .json, routingKey: nil))
        #expect(body["kind"] as? String == "event")
        #expect(body["name"] as? String == "incident_detected")
        #expect((body["tags"] as? [String: String])?["service"] == "nova-api")
    }

    @Test func onlyNotableEventsAreSent() {
        var phase = detected
        phase.name = "phase_changed"
        #expect(WebhookPayload.body(phase, format: .slack, routingKey: nil) == nil)
        for name in ["fix_promoted", "fix_rollback", "incident_resolved"] {
            var e = detected
            e.name = name
            #expect(WebhookPayload.body(e, format: .json, routingKey: nil) != nil, "\(name)")
        }
    }

    @Test func theURLIsNeverShownWhole() {
        #expect(
            WebhookExporter.redacted("https://hooks.slack.com/services/T000/B000/XXXX") == "https://hooks.slack.com/…")
        #expect(WebhookExporter.redacted("http://user:pw@127.0.0.1:9000/hook?token=1") == "http://127.0.0.1:9000/…")
        #expect(WebhookExporter.redacted("http://127.0.0.1:9000") == "http://127.0.0.1:9000")
    }
}
