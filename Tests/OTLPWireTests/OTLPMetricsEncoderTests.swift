import Testing
import TraceTailCore

@testable import OTLPWire

/// `ExportMetricsServiceRequest` JSON, checked field by field against ANCHORS §3.4 and
/// metrics.proto (gauge, delta sum, delta explicit-bucket histogram).
@Suite struct OTLPMetricsEncoderTests {
    typealias J = OTLPJSONReading

    static let bounds: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]

    /// `seconds` after the epoch plus `nanos`.
    static func at(_ seconds: Int64, _ nanos: Int64 = 0) -> EventTime {
        EventTime(nanoseconds: seconds * 1_000_000_000 + nanos)
    }

    static func point(
        _ name: String, _ type: MetricType, _ value: Double, _ time: EventTime, _ tags: [String: String] = [:]
    ) -> MetricPoint {
        MetricPoint(name: name, type: type, value: value, timestamp: time, tags: tags)
    }

    static let encoder = OTLPMetricsEncoder(
        options: OTLPEncoderOptions(resourceAttributes: ["host.name": "node-3"], defaultServiceName: "cta-lab"),
        interval: .seconds(10))

    static func resourceMetrics(_ bodies: OTLPExportBodies) throws -> [[String: Any]] {
        #expect(bodies.bodies.count == 1)
        let top = try J.object(try #require(bodies.bodies.first).bytes)
        #expect(Array(top.keys) == ["resourceMetrics"])
        return try J.array(top["resourceMetrics"])
    }

    static func metrics(_ resourceEntry: [String: Any]) throws -> [[String: Any]] {
        try J.array(J.onlyScope(resourceEntry, "scopeMetrics", version: TraceTailVersion.current)["metrics"])
    }

    static func stringAttributes(_ dataPoint: [String: Any]) throws -> [String: String] {
        try J.attributes(dataPoint["attributes"]).mapValues { try #require(J.stringValue($0)) }
    }

    @Test func gaugesGroupedByServiceTagWithTheDefaultForPointsWithout() throws {
        let api = ["service": "nova-api", "phase": "before_fix"]
        let points = [
            Self.point("cta.error_rate", .gauge, 0.25, Self.at(1_717_000_020, 123), api),
            Self.point(
                "cta.mttr_seconds", .gauge, 42, Self.at(1_717_000_030), ["method": "manual", "run_id": "run-1"]),
            Self.point("cta.error_rate", .gauge, 0.125, Self.at(1_717_000_010, 123), api),
            Self.point("cta.requests", .gauge, 8, Self.at(1_717_000_010), ["service": "nova-api"]),
            Self.point("cta.error_rate", .gauge, .nan, Self.at(1_717_000_030), api),
            Self.point("cta.error_rate", .gauge, 0.5, Self.at(1_717_000_030), ["service": ""]),
        ]
        let bodies = Self.encoder.encode(points)
        #expect(bodies.skippedNonFinite == 1)
        #expect(bodies.bodies.map(\.itemCount) == [5])
        #expect(bodies.bodies.map(\.recordCount) == [5])

        let resources = try Self.resourceMetrics(bodies)
        #expect(
            try resources.map { try J.resourceAttributes($0) } == [
                ["service.name": "nova-api", "host.name": "node-3"],
                ["service.name": "cta-lab", "host.name": "node-3"],
            ])
        let api0 = try Self.metrics(resources[0])
        #expect(api0.map { $0["name"] as? String } == ["cta.error_rate", "cta.requests"])
        #expect(Set(api0[0].keys) == ["name", "gauge"])
        let gauge = try J.dictionary(api0[0]["gauge"])
        #expect(Array(gauge.keys) == ["dataPoints"])
        let points0 = try J.array(gauge["dataPoints"])
        #expect(points0.allSatisfy { Set($0.keys) == ["timeUnixNano", "asDouble", "attributes"] })
        // In time order, not input order.
        #expect(points0.map { $0["timeUnixNano"] as? String } == ["1717000010000000123", "1717000020000000123"])
        #expect(points0.map { $0["asDouble"] as? Double } == [0.125, 0.25])
        // `service` is kept as a data point attribute too.
        #expect(try Self.stringAttributes(points0[0]) == ["service": "nova-api", "phase": "before_fix"])

        let lab = try Self.metrics(resources[1])
        #expect(lab.map { $0["name"] as? String } == ["cta.mttr_seconds", "cta.error_rate"])
        let mttr = try J.array(J.dictionary(lab[0]["gauge"])["dataPoints"])
        #expect(mttr.map { $0["asDouble"] as? Double } == [42])
        #expect(mttr.map { $0["timeUnixNano"] as? String } == ["1717000030000000000"])
        #expect(try Self.stringAttributes(mttr[0]) == ["method": "manual", "run_id": "run-1"])
    }

    @Test func countsAreDeltaMonotonicSumsOnePointPerTagSetAndInterval() throws {
        let detected = ["service": "nova-api", "status": "detected"]
        let resolved = ["service": "nova-api", "status": "resolved"]
        let name = "cta.incidents.detected"
        let points = [
            Self.point(name, .count, 1, Self.at(1_717_000_001, 500_000_000), detected),
            Self.point(name, .count, 1, Self.at(1_717_000_005), resolved),
            // Exactly on a boundary: the bucket ending there.
            Self.point(name, .count, 1, Self.at(1_717_000_010), detected),
            // One nanosecond later: the next bucket.
            Self.point(name, .count, 1, Self.at(1_717_000_010, 1), detected),
            Self.point(name, .count, 3, Self.at(1_717_000_019), detected),
        ]
        let bodies = Self.encoder.encode(points)
        #expect(bodies.bodies.map(\.itemCount) == [3])
        #expect(bodies.bodies.map(\.recordCount) == [5])
        let metrics = try Self.metrics(try #require(try Self.resourceMetrics(bodies).first))
        #expect(metrics.count == 1)
        #expect(Set(metrics[0].keys) == ["name", "sum"])
        #expect(metrics[0]["name"] as? String == name)
        let sum = try J.dictionary(metrics[0]["sum"])
        #expect(Set(sum.keys) == ["aggregationTemporality", "isMonotonic", "dataPoints"])
        #expect(sum["aggregationTemporality"] as? Int == 1)
        #expect(sum["isMonotonic"] as? Bool == true)
        let dataPoints = try J.array(sum["dataPoints"])
        #expect(
            dataPoints.allSatisfy { Set($0.keys) == ["startTimeUnixNano", "timeUnixNano", "asDouble", "attributes"] })
        #expect(
            dataPoints.map { $0["startTimeUnixNano"] as? String } == [
                "1717000000000000000", "1717000000000000000", "1717000010000000000",
            ])
        #expect(
            dataPoints.map { $0["timeUnixNano"] as? String } == [
                "1717000010000000000", "1717000010000000000", "1717000020000000000",
            ])
        #expect(dataPoints.map { $0["asDouble"] as? Double } == [2, 1, 4])
        #expect(try dataPoints.map { try Self.stringAttributes($0) } == [detected, resolved, detected])
    }

    @Test func distributionsAreDeltaHistogramsWithFixedBounds() throws {
        let tags = ["service": "nova-api", "phase": "before_fix"]
        var points = [3.0, 5, 7, 250, 251, 70000].enumerated().map { i, v in
            Self.point("cta.request.latency", .distribution, v, Self.at(1_717_000_001 + Int64(i)), tags)
        }
        points.append(Self.point("cta.request.latency", .distribution, .nan, Self.at(1_717_000_001), tags))
        points.append(Self.point("cta.request.latency", .distribution, .infinity, Self.at(1_717_000_001), tags))
        points.append(
            Self.point(
                "cta.workflow.duration", .distribution, 125.5, Self.at(1_717_000_095),
                ["run_id": "run-1", "outcome": "promoted"]))

        let bodies = Self.encoder.encode(points)
        #expect(bodies.skippedNonFinite == 2)
        #expect(bodies.bodies.map(\.itemCount) == [2])
        #expect(bodies.bodies.map(\.recordCount) == [7])
        let resources = try Self.resourceMetrics(bodies)
        #expect(try resources.map { try J.resourceAttributes($0)["service.name"] } == ["nova-api", "cta-lab"])

        let latency = try #require(try Self.metrics(resources[0]).first)
        #expect(Set(latency.keys) == ["name", "histogram"])
        #expect(latency["name"] as? String == "cta.request.latency")
        let histogram = try J.dictionary(latency["histogram"])
        #expect(Set(histogram.keys) == ["aggregationTemporality", "dataPoints"])
        #expect(histogram["aggregationTemporality"] as? Int == 1)
        let point = try #require(try J.array(histogram["dataPoints"]).first)
        #expect(
            Set(point.keys) == [
                "startTimeUnixNano", "timeUnixNano", "count", "sum", "min", "max", "bucketCounts", "explicitBounds",
                "attributes",
            ])
        #expect(point["startTimeUnixNano"] as? String == "1717000000000000000")
        #expect(point["timeUnixNano"] as? String == "1717000010000000000")
        #expect(point["count"] as? String == "6")
        #expect(point["sum"] as? Double == 70516)
        #expect(point["min"] as? Double == 3)
        #expect(point["max"] as? Double == 70000)
        // 3 and 5 ≤ 5 (upper bounds are inclusive), 7 ≤ 10, 250 ≤ 250, 251 ≤ 500, 70000 > 60000.
        #expect(
            point["bucketCounts"] as? [String] == [
                "2", "1", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0", "0", "1",
            ])
        #expect(point["explicitBounds"] as? [Double] == Self.bounds)
        #expect(try Self.stringAttributes(point) == tags)

        let workflow = try #require(try Self.metrics(resources[1]).first)
        #expect(workflow["name"] as? String == "cta.workflow.duration")
        let workflowPoint = try #require(try J.array(J.dictionary(workflow["histogram"])["dataPoints"]).first)
        #expect(workflowPoint["startTimeUnixNano"] as? String == "1717000090000000000")
        #expect(workflowPoint["timeUnixNano"] as? String == "1717000100000000000")
        #expect(workflowPoint["count"] as? String == "1")
        #expect(workflowPoint["sum"] as? Double == 125.5)
        #expect(
            workflowPoint["bucketCounts"] as? [String]
                == ["0", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0"])
    }

    @Test func histogramInvariantsHoldForManyValues() throws {
        var random = SplitMix64(seed: 7)
        var points: [MetricPoint] = []
        for _ in 0..<2000 {
            // Exact bounds, values just above them, and a spread from 0 to 100 s.
            let value: Double =
                switch random.below(3) {
                case 0: random.pick(Self.bounds)
                case 1: random.pick(Self.bounds).nextUp
                default: random.unit() * 100_000
                }
            points.append(
                Self.point(
                    "cta.request.latency", .distribution, value, Self.at(1_717_000_000 + random.int64(in: 1...60)),
                    [
                        "service": random.pick(["nova-api", "glance-api"]),
                        "phase": random.pick(["before_fix", "after_fix"]),
                    ]
                ))
        }
        let bodies = OTLPMetricsEncoder(interval: .seconds(10)).encode(points)
        var total = 0
        var dataPointCount = 0
        for body in bodies.bodies {
            for resource in try J.array(J.object(body.bytes)["resourceMetrics"]) {
                for metric in try J.array(
                    J.onlyScope(resource, "scopeMetrics", version: TraceTailVersion.current)["metrics"])
                {
                    for point in try J.array(J.dictionary(metric["histogram"])["dataPoints"]) {
                        dataPointCount += 1
                        let counts = try #require(point["bucketCounts"] as? [String]).map { UInt64($0) ?? .max }
                        let count = try #require((point["count"] as? String).flatMap { UInt64($0) })
                        #expect(point["explicitBounds"] as? [Double] == Self.bounds)
                        #expect(counts.count == Self.bounds.count + 1)
                        #expect(counts.reduce(0, +) == count)
                        let min = try #require(point["min"] as? Double)
                        let max = try #require(point["max"] as? Double)
                        #expect(min <= max)
                        // The lowest non-empty bucket holds min, the highest holds max.
                        let lowest = try #require(counts.firstIndex { $0 > 0 })
                        let highest = try #require(counts.lastIndex { $0 > 0 })
                        #expect(lowest == 0 || Self.bounds[lowest - 1] < min)
                        #expect(lowest == Self.bounds.count || min <= Self.bounds[lowest])
                        #expect(highest == 0 || Self.bounds[highest - 1] < max)
                        #expect(highest == Self.bounds.count || max <= Self.bounds[highest])
                        total += Int(count)
                    }
                }
            }
        }
        #expect(total == points.count)
        // 2 services × 2 phases × 6 ten-second buckets, each certainly hit by 2000 points.
        #expect(dataPointCount == 24)
        #expect(bodies.bodies.map(\.recordCount).reduce(0, +) == points.count)
    }

    @Test func aValueOnEachBoundLandsInTheBucketItCloses() throws {
        // Bucket i holds (bounds[i-1], bounds[i]]: a value equal to a bound is in that bound's bucket.
        let points = (Self.bounds + [0, 60000.5]).enumerated().map { i, v in
            Self.point("m", .distribution, v, Self.at(Int64(i) * 10 + 5))
        }
        let bodies = OTLPMetricsEncoder(interval: .seconds(10)).encode(points)
        let metric = try J.first(Self.metrics(J.first(Self.resourceMetrics(bodies))))
        let dataPoints = try J.array(J.dictionary(metric["histogram"])["dataPoints"])
        let filled = dataPoints.map { ($0["bucketCounts"] as? [String])?.firstIndex(of: "1") }
        #expect(filled == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 13])
    }

    @Test func negativeAndUnalignedTimesFallInTheBucketEndingAtOrAfterThem() {
        let encoder = OTLPMetricsEncoder(interval: .seconds(10))
        #expect(encoder.bucketEnd(of: Self.at(0)) == 0)
        #expect(encoder.bucketEnd(of: Self.at(0, 1)) == 10_000_000_000)
        #expect(encoder.bucketEnd(of: Self.at(-1)) == 0)
        #expect(encoder.bucketEnd(of: Self.at(-10)) == -10_000_000_000)
        #expect(encoder.bucketEnd(of: Self.at(-11)) == -10_000_000_000)
    }

    @Test func noPointsNoBodies() {
        #expect(Self.encoder.encode([]) == OTLPExportBodies(bodies: []))
        #expect(
            Self.encoder.encode([Self.point("m", .gauge, .nan, Self.at(1))])
                == OTLPExportBodies(bodies: [], skippedNonFinite: 1))
    }
}
