import Foundation
import Testing
import TraceTailCore

@testable import DatadogWire

/// Bodies are parsed with Foundation's `JSONSerialization` (not by our writer) and checked
/// against ANCHORS §3.3.
@Suite struct DatadogAPIPayloadsTests {
    static func point(
        _ name: String, _ type: MetricType, _ value: Double, seconds: Int64, tags: [String: String] = [:]
    ) -> MetricPoint {
        MetricPoint(
            name: name, type: type, value: value, timestamp: EventTime(nanoseconds: seconds * 1_000_000_000 + 123),
            tags: tags)
    }

    static func json(_ body: [UInt8]) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body))
        return try #require(object as? [String: Any])
    }

    static func series(_ body: [UInt8]) throws -> [[String: Any]] {
        let top = try json(body)
        #expect(Array(top.keys) == ["series"])
        return try #require(top["series"] as? [[String: Any]])
    }

    // MARK: - /api/v2/series

    @Test func seriesGroupsByNameAndTagsWithPointsInTimeOrder() throws {
        let points = [
            Self.point("cta.error_rate", .gauge, 0.25, seconds: 1_717_000_020, tags: ["service": "nova-api"]),
            Self.point("cta.error_rate", .gauge, 0.125, seconds: 1_717_000_010, tags: ["service": "nova-api"]),
            Self.point("cta.error_rate", .gauge, 0.5, seconds: 1_717_000_010, tags: ["service": "glance"]),
            Self.point("cta.incidents.detected", .count, 2, seconds: 1_717_000_000, tags: ["status": "detected"]),
            Self.point("cta.request.latency", .distribution, 12, seconds: 1_717_000_000),
            Self.point("cta.error_rate", .gauge, .nan, seconds: 1_717_000_030, tags: ["service": "nova-api"]),
            Self.point("cta.requests", .gauge, .infinity, seconds: 1_717_000_030),
        ]
        let bodies = DatadogAPIPayloads.series(points, interval: 10, host: "node-3")
        #expect(bodies.count == 1)
        let series = try Self.series(bodies[0])
        #expect(series.count == 3)

        let api = series[0]
        #expect(Set(api.keys) == ["metric", "type", "points", "tags", "resources"])
        #expect(api["metric"] as? String == "cta.error_rate")
        #expect(api["type"] as? Int == 3)
        #expect(api["interval"] == nil)  // gauges have no interval
        let apiPoints = try #require(api["points"] as? [[String: Any]])
        #expect(apiPoints.map { $0["timestamp"] as? Int } == [1_717_000_010, 1_717_000_020])
        #expect(apiPoints.map { $0["value"] as? Double } == [0.125, 0.25])
        #expect(apiPoints.allSatisfy { Set($0.keys) == ["timestamp", "value"] })
        #expect(api["tags"] as? [String] == ["service:nova-api"])
        let resources = try #require(api["resources"] as? [[String: String]])
        #expect(resources == [["name": "node-3", "type": "host"]])

        #expect(series[1]["metric"] as? String == "cta.error_rate")
        #expect(series[1]["tags"] as? [String] == ["service:glance"])

        let count = series[2]
        #expect(count["metric"] as? String == "cta.incidents.detected")
        #expect(count["type"] as? Int == 1)
        #expect(count["interval"] as? Int == 10)
        #expect((count["points"] as? [[String: Any]])?.first?["value"] as? Double == 2)
        #expect(count["tags"] as? [String] == ["status:detected"])
    }

    @Test func seriesWithoutHostHasNoResourcesAndTagsAreKeyColonValue() throws {
        let body = try #require(
            DatadogAPIPayloads.series(
                [
                    Self.point(
                        "m", .gauge, 1, seconds: 1,
                        tags: ["phase": "after_fix", "empty": "", "": "nokey", "url": "http://x:1/a,b|c"])
                ], interval: 10, host: nil, constantTags: [("env", "lab"), ("phase", "shadowed")]
            ).first)
        let series = try Self.series(body)
        #expect(series[0]["resources"] == nil)
        // JSON carries any character, so tag values are sent as they are; the record's own
        // `phase` wins over the constant.
        #expect(series[0]["tags"] as? [String] == ["empty", "phase:after_fix", "url:http://x:1/a,b|c", "env:lab"])
    }

    @Test func nothingToSendIsNoBody() {
        #expect(DatadogAPIPayloads.series([], interval: 10, host: nil).isEmpty)
        #expect(
            DatadogAPIPayloads.series([Self.point("m", .gauge, .nan, seconds: 1)], interval: 10, host: nil).isEmpty)
        #expect(DatadogAPIPayloads.distributionPoints([Self.point("m", .gauge, 1, seconds: 1)]).isEmpty)
    }

    @Test func seriesSplitIntoBodiesUnderTheLimitLosingNothing() throws {
        var points: [MetricPoint] = []
        for i in 0..<300 {
            points.append(
                Self.point(
                    "cta.latency_ms", .gauge, Double(i) / 4, seconds: 1_717_000_000 + Int64(i),
                    tags: ["service": "svc-\(i % 7)"]))
        }
        let limit = 700
        let bodies = DatadogAPIPayloads.series(points, interval: 10, host: "h", maxBodyBytes: limit)
        #expect(bodies.count > 3)
        var seen: [String] = []
        for body in bodies {
            #expect(body.count <= limit)
            for series in try Self.series(body) {
                let tags = try #require(series["tags"] as? [String])
                for point in try #require(series["points"] as? [[String: Any]]) {
                    seen.append("\(tags) \(point["timestamp"] as? Int ?? -1) \(point["value"] as? Double ?? -1)")
                }
            }
        }
        let expected = points.map {
            "[\"service:\($0.tags["service"]!)\"] \($0.timestamp.nanoseconds / 1_000_000_000) \($0.value)"
        }
        #expect(seen.sorted() == expected.sorted())
        #expect(Set(seen).count == seen.count)
    }

    @Test func bodyMayReachExactlyTheLimit() throws {
        // {"series":[ … ]} is 13 bytes; {"metric":"m","type":3,"points":[P,P],"tags":[]} is
        // 96 with two 25-byte points {"timestamp":1,"value":2}, 70 with one.
        let points = (1...3).map {
            MetricPoint(name: "m", type: .gauge, value: 2, timestamp: EventTime(seconds: $0), tags: [:])
        }
        let exact = DatadogAPIPayloads.series(points, interval: 10, host: nil, maxBodyBytes: 109)
        #expect(exact.map(\.count) == [109, 83])
        #expect(
            String(decoding: exact[0], as: UTF8.self)
                == #"{"series":[{"metric":"m","type":3,"points":[{"timestamp":1,"value":2},{"timestamp":2,"value":2}],"tags":[]}]}"#
        )
        let oneOver = DatadogAPIPayloads.series(points, interval: 10, host: nil, maxBodyBytes: 108)
        #expect(oneOver.map(\.count) == [83, 83, 83])
    }

    // MARK: - /api/v1/distribution_points

    @Test func distributionValuesGroupBySecond() throws {
        let points = [
            Self.point("cta.request.latency", .distribution, 0.25, seconds: 1_717_000_001, tags: ["service": "a"]),
            Self.point("cta.request.latency", .distribution, 0.21, seconds: 1_717_000_000, tags: ["service": "a"]),
            Self.point("cta.request.latency", .distribution, 1.9, seconds: 1_717_000_001, tags: ["service": "a"]),
            Self.point("cta.request.latency", .distribution, 7, seconds: 1_717_000_000, tags: ["service": "b"]),
            Self.point("cta.request.latency", .distribution, .nan, seconds: 1_717_000_000, tags: ["service": "b"]),
            Self.point("cta.error_rate", .gauge, 1, seconds: 1_717_000_000),
        ]
        let bodies = DatadogAPIPayloads.distributionPoints(points, host: "node-3")
        #expect(bodies.count == 1)
        let series = try Self.series(bodies[0])
        #expect(series.count == 2)
        #expect(Set(series[0].keys) == ["metric", "points", "tags", "type", "host"])
        #expect(series[0]["metric"] as? String == "cta.request.latency")
        #expect(series[0]["type"] as? String == "distribution")
        #expect(series[0]["host"] as? String == "node-3")
        #expect(series[0]["tags"] as? [String] == ["service:a"])
        let a = try #require(series[0]["points"] as? [[Any]])
        #expect(a.map { $0[0] as? Int } == [1_717_000_000, 1_717_000_001])
        #expect(a.map { $0[1] as? [Double] } == [[0.21], [0.25, 1.9]])
        #expect(series[1]["tags"] as? [String] == ["service:b"])
        let b = try #require(series[1]["points"] as? [[Any]])
        #expect(b.count == 1)
        #expect(b[0][1] as? [Double] == [7])
        #expect(try Self.series(DatadogAPIPayloads.distributionPoints(points).first!)[0]["host"] == nil)
    }

    @Test func distributionSplitsEvenOneCrowdedSecond() throws {
        var points: [MetricPoint] = []
        for i in 0..<400 {
            points.append(
                Self.point("d", .distribution, Double(i) + 0.5, seconds: 100 + Int64(i / 150), tags: ["s": "x"]))
        }
        let limit = 512
        let bodies = DatadogAPIPayloads.distributionPoints(points, maxBodyBytes: limit)
        #expect(bodies.count > 3)
        var values: [Double] = []
        var lastSecond = 0
        for body in bodies {
            #expect(body.count <= limit)
            for series in try Self.series(body) {
                #expect(series["tags"] as? [String] == ["s:x"])
                for point in try #require(series["points"] as? [[Any]]) {
                    let second = try #require(point[0] as? Int)
                    #expect(second >= lastSecond)
                    lastSecond = second
                    let vs = try #require(point[1] as? [Double])
                    #expect(vs.allSatisfy { Int64($0) / 150 + 100 == Int64(second) })
                    values += vs
                }
            }
        }
        #expect(values == points.map(\.value))
    }

    // MARK: - /api/v1/events

    @Test func eventHasEveryField() throws {
        let event = TelemetryEvent(
            name: "incident_detected", timestamp: EventTime(nanoseconds: 1_717_000_000_999_000_000),
            tags: ["service": "nova-api", "run_id": "run-1", "incident_type": "error_rate"],
            text: "error rate 0.4 > 0.1\nsince 10:00")
        let json = try Self.json(
            DatadogAPIPayloads.event(event, host: "node-3", constantTags: [("env", "lab")]))
        #expect(
            Set(json.keys) == [
                "title", "text", "date_happened", "priority", "alert_type", "aggregation_key", "source_type_name",
                "host",
                "tags",
            ])
        #expect(json["title"] as? String == "TraceTail: incident_detected nova-api")
        #expect(json["text"] as? String == "error rate 0.4 > 0.1\nsince 10:00")
        #expect(json["date_happened"] as? Int == 1_717_000_000)
        #expect(json["priority"] as? String == "normal")
        #expect(json["alert_type"] as? String == "error")
        #expect(json["aggregation_key"] as? String == "run-1")
        #expect(json["source_type_name"] as? String == "tracetail")
        #expect(json["host"] as? String == "node-3")
        #expect(
            json["tags"] as? [String] == ["incident_type:error_rate", "run_id:run-1", "service:nova-api", "env:lab"])
    }

    @Test func eventTextAndKeyAreCutToDatadogsLimits() throws {
        let event = TelemetryEvent(
            name: "fix_rollback", timestamp: EventTime(seconds: 5),
            tags: ["run_id": String(repeating: "r", count: 150)], text: String(repeating: "é", count: 4100))
        let json = try Self.json(DatadogAPIPayloads.event(event, host: nil))
        #expect(json["text"] as? String == String(repeating: "é", count: 4000))
        #expect(json["aggregation_key"] as? String == String(repeating: "r", count: 100))
        #expect(json["alert_type"] as? String == "warning")
        #expect(json["host"] == nil)
        #expect(json["title"] as? String == "TraceTail: fix_rollback")
    }

    @Test(arguments: [
        ("incident_resolved", "success"), ("fix_promoted", "success"), ("phase_changed", "info"),
        ("analysis_started", "info"),
    ])
    func eventAlertTypes(name: String, alert: String) throws {
        let event = TelemetryEvent(name: name, timestamp: EventTime(seconds: 5), tags: [:], text: "")
        let json = try Self.json(DatadogAPIPayloads.event(event, host: nil))
        #expect(json["alert_type"] as? String == alert)
        #expect(json["aggregation_key"] as? String == name)
        #expect(json["tags"] as? [String] == [])
    }
}
