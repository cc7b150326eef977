import Testing
import TraceTailCore

@testable import OTLPWire

/// Body size limits: every body under the limit and valid on its own, every record in exactly
/// one body, in order, under the right resource.
@Suite struct OTLPBodySplittingTests {
    typealias J = OTLPJSONReading

    static let services = ["nova-api", "nova-compute", "glance-api"]

    static func spans(_ count: Int) -> [Span] {
        (0..<count).map { i in
            OTLPTraceEncoderTests.span(
                id: UInt64(i + 1), service: services[i % 3], resource: "GET /v2.1/servers/{id}",
                attributes: ["http.method": .string("GET"), "pid": .int(i), "line_count": .int(i * 7)])
        }
    }

    /// (service, spanId) of every span in `bodies`, in body order, checking each body.
    static func decodedSpans(_ bodies: OTLPExportBodies, maxBytes: Int) throws -> [(String, String)] {
        var out: [(String, String)] = []
        for body in bodies.bodies {
            #expect(body.bytes.count <= maxBytes)
            var inBody = 0
            for resource in try J.array(J.object(body.bytes)["resourceSpans"]) {
                let service = try #require(try J.resourceAttributes(resource)["service.name"])
                for span in try OTLPTraceEncoderTests.spans(resource) {
                    out.append((service, try #require(span["spanId"] as? String)))
                    inBody += 1
                }
            }
            #expect(body.itemCount == inBody)
            #expect(body.recordCount == inBody)
        }
        return out
    }

    /// The (service, spanId) pairs the encoder should send, grouped as it groups them.
    static func expected(_ spans: [Span]) -> [(String, String)] {
        services.flatMap { service in
            spans.filter { $0.service == service }.map { (service, Hex.string($0.spanID.rawValue, digits: 16)) }
        }
    }

    @Test func spansSplitUnderASmallLimitWithoutLossOrDuplication() throws {
        let input = Self.spans(60)
        let maxBytes = 3000
        let bodies = OTLPTraceEncoder(options: OTLPEncoderOptions(maxBodyBytes: maxBytes)).encode(input)
        #expect(bodies.bodies.count > 3)
        #expect(bodies.skippedOversized == 0)
        let decoded = try Self.decodedSpans(bodies, maxBytes: maxBytes)
        let expected = Self.expected(input)
        #expect(decoded.map(\.0) == expected.map(\.0))
        #expect(decoded.map(\.1) == expected.map(\.1))
        #expect(Set(decoded.map(\.1)).count == input.count)
    }

    @Test func limitIsExactABodyOfExactlyTheLimitIsKept() throws {
        let input = Self.spans(9)
        let whole = OTLPTraceEncoder().encode(input)
        let size = try #require(whole.bodies.first).bytes.count
        #expect(whole.bodies.count == 1)

        let fits = OTLPTraceEncoder(options: OTLPEncoderOptions(maxBodyBytes: size)).encode(input)
        #expect(fits == whole)

        let oneLess = OTLPTraceEncoder(options: OTLPEncoderOptions(maxBodyBytes: size - 1)).encode(input)
        #expect(oneLess.bodies.count == 2)
        let decoded = try Self.decodedSpans(oneLess, maxBytes: size - 1)
        #expect(decoded.map(\.1) == Self.expected(input).map(\.1))
    }

    @Test func aSpanTooLargeForAnyBodyIsCountedAndTheRestSent() throws {
        var input = Self.spans(6)
        input[2].attributes["error.message"] = .string(String(repeating: "x", count: 5000))
        let maxBytes = 2000
        let bodies = OTLPTraceEncoder(options: OTLPEncoderOptions(maxBodyBytes: maxBytes)).encode(input)
        #expect(bodies.skippedOversized == 1)
        let decoded = try Self.decodedSpans(bodies, maxBytes: maxBytes)
        var kept = input
        kept.remove(at: 2)
        #expect(decoded.map(\.1) == Self.expected(kept).map(\.1))
    }

    @Test func metricsSplitInsideAMetricAndEveryPointArrivesOnce() throws {
        var input: [MetricPoint] = []
        for i in 0..<150 {
            let service = Self.services[i % 3]
            input.append(
                MetricPoint(
                    name: i % 2 == 0 ? "cta.error_rate" : "cta.requests", type: .gauge, value: Double(i),
                    timestamp: EventTime(seconds: 1_717_000_000 + Int64(i)), tags: ["service": service]))
            input.append(
                MetricPoint(
                    name: "cta.request.latency", type: .distribution, value: Double(i),
                    timestamp: EventTime(seconds: 1_717_000_000 + Int64(i)), tags: ["service": service]))
        }
        let maxBytes = 1500
        let bodies = OTLPMetricsEncoder(options: OTLPEncoderOptions(maxBodyBytes: maxBytes), interval: .seconds(10))
            .encode(input)
        #expect(bodies.bodies.count > 5)
        #expect(bodies.skippedOversized == 0 && bodies.skippedNonFinite == 0)

        var gauges: [String: [Double]] = [:]
        var histogramCount: [String: Int] = [:]
        var histogramSum: [String: Double] = [:]
        for body in bodies.bodies {
            #expect(body.bytes.count <= maxBytes)
            var dataPoints = 0
            for resource in try J.array(J.object(body.bytes)["resourceMetrics"]) {
                let service = try #require(try J.resourceAttributes(resource)["service.name"])
                for metric in try OTLPMetricsEncoderTests.metrics(resource) {
                    let name = try #require(metric["name"] as? String)
                    if let gauge = metric["gauge"] {
                        for point in try J.array(J.dictionary(gauge)["dataPoints"]) {
                            #expect(try OTLPMetricsEncoderTests.stringAttributes(point)["service"] == service)
                            gauges["\(service) \(name)", default: []].append(try #require(point["asDouble"] as? Double))
                            dataPoints += 1
                        }
                    } else {
                        for point in try J.array(J.dictionary(metric["histogram"])["dataPoints"]) {
                            histogramCount[service, default: 0] += Int(try #require(point["count"] as? String))!
                            histogramSum[service, default: 0] += try #require(point["sum"] as? Double)
                            dataPoints += 1
                        }
                    }
                }
            }
            #expect(body.itemCount == dataPoints)
        }
        var expectedGauges: [String: [Double]] = [:]
        var expectedCount: [String: Int] = [:]
        var expectedSum: [String: Double] = [:]
        for point in input {
            let service = point.tags["service"]!
            if point.type == .gauge {
                expectedGauges["\(service) \(point.name)", default: []].append(point.value)
            } else {
                expectedCount[service, default: 0] += 1
                expectedSum[service, default: 0] += point.value
            }
        }
        // Gauges arrive in time order, which is input order here.
        #expect(gauges == expectedGauges)
        #expect(histogramCount == expectedCount)
        #expect(histogramSum == expectedSum)
        #expect(bodies.bodies.map(\.recordCount).reduce(0, +) == input.count)
    }

    @Test func logsSplitUnderASmallLimit() throws {
        let input = (0..<40).map { i in
            TelemetryEvent(
                name: "canary_test", timestamp: EventTime(seconds: 1_717_000_000 + Int64(i)),
                tags: ["service": Self.services[i % 3], "seq": String(i)], text: "canary run \(i)")
        }
        let maxBytes = 1200
        let bodies = OTLPLogsEncoder(options: OTLPEncoderOptions(maxBodyBytes: maxBytes)).encode(input)
        #expect(bodies.bodies.count > 3)
        var seen: [(String, String)] = []
        for body in bodies.bodies {
            #expect(body.bytes.count <= maxBytes)
            for resource in try J.array(J.object(body.bytes)["resourceLogs"]) {
                let service = try #require(try J.resourceAttributes(resource)["service.name"])
                for record in try OTLPLogsEncoderTests.records(resource) {
                    let seq = try #require(J.stringValue(try J.attributes(record["attributes"])["seq"]))
                    seen.append((service, seq))
                }
            }
        }
        let expected = Self.services.flatMap { service in
            input.filter { $0.tags["service"] == service }.map { (service, $0.tags["seq"]!) }
        }
        #expect(seen.map(\.0) == expected.map(\.0))
        #expect(seen.map(\.1) == expected.map(\.1))
    }
}
