import Testing
import TraceTailCore

@testable import DatadogWire

/// Metric lines, against ANCHORS §3.1's examples (tags in our sorted order) and its rules.
@Suite struct DogStatsDFormatterTests {
    static let t0 = EventTime(seconds: 1_717_000_000)

    static func point(
        _ name: String, _ type: MetricType, _ value: Double, tags: [String: String] = [:], at time: EventTime = t0
    ) -> MetricPoint {
        MetricPoint(name: name, type: type, value: value, timestamp: time, tags: tags)
    }

    static func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    // MARK: - ANCHORS §3.1 examples

    @Test func countExampleWithConstantEnv() {
        let f = DogStatsDFormatter(options: .init(constantTags: [("env", "lab")], timestamps: false))
        let line = f.line(
            Self.point("openstack.request.errors", .count, 1, tags: ["service": "nova-api", "phase": "after_fix"]))
        #expect(Self.text(line) == "openstack.request.errors:1|c|#phase:after_fix,service:nova-api,env:lab")
    }

    @Test func distributionExampleNeverCarriesATimestamp() {
        let f = DogStatsDFormatter(options: .init(timestamps: true))
        let line = f.line(
            Self.point(
                "openstack.request.duration", .distribution, 0.2477829,
                tags: ["service": "nova-api", "route": "get_/servers/detail"]))
        #expect(Self.text(line) == "openstack.request.duration:0.2477829|d|#route:get_/servers/detail,service:nova-api")
    }

    @Test func gaugeExampleWithTimestamp() {
        let f = DogStatsDFormatter(options: .init(timestamps: true))
        let line = f.line(
            Self.point("openstack.error_rate", .gauge, 0.125, tags: ["service": "nova-compute", "phase": "before_fix"]))
        #expect(Self.text(line) == "openstack.error_rate:0.125|g|T1717000000|#phase:before_fix,service:nova-compute")
    }

    @Test func countsCarryTimestampsToo() {
        let f = DogStatsDFormatter(options: .init(timestamps: true))
        #expect(Self.text(f.line(Self.point("a.b", .count, 3))) == "a.b:3|c|T1717000000")
        // Seconds round down; a time at or before the epoch has no valid `T`.
        #expect(
            Self.text(f.line(Self.point("a.b", .count, 3, at: EventTime(nanoseconds: 1_999_999_999)))) == "a.b:3|c|T1")
        #expect(Self.text(f.line(Self.point("a.b", .count, 3, at: EventTime(nanoseconds: 999_999_999)))) == "a.b:3|c")
        #expect(Self.text(f.line(Self.point("a.b", .gauge, 3, at: EventTime(nanoseconds: -5)))) == "a.b:3|g")
        let off = DogStatsDFormatter(options: .init(timestamps: false))
        #expect(Self.text(off.line(Self.point("a.b", .gauge, 3))) == "a.b:3|g")
    }

    // MARK: - Values

    static let valueCases: [(Double, String)] = [
        (0.125, "0.125"), (1, "1"), (0.2477829, "0.2477829"), (1_717_000_000, "1717000000"), (-3, "-3"), (0, "0"),
        (-0.0, "0"), (0.1 + 0.2, "0.30000000000000004"), (123_456.789, "123456.789"), (1.5e-7, "0.00000015"),
        (1e-5, "0.00001"), (-2.5e-8, "-0.000000025"), (1.2345e-15, "0.0000000000000012345"),
        (4.5e15, "4500000000000000"), (9_007_199_254_740_992, "9007199254740992"),
        (1e19, "10000000000000000000"), (1e300, "1e+300"), (.leastNonzeroMagnitude, "5e-324"),
    ]

    @Test(arguments: valueCases)
    func valuesAreDecimalAndRoundTrip(value: Double, expected: String) throws {
        let line = try #require(
            DogStatsDFormatter(options: .init(timestamps: false)).line(Self.point("m", .gauge, value)))
        #expect(Self.text(line) == "m:\(expected)|g")
        let parsed = try DogStatsDGrammar.metric(line)
        #expect(parsed.value == value)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteValuesHaveNoLine(value: Double) {
        #expect(DogStatsDFormatter().line(Self.point("m", .gauge, value)) == nil)
    }

    // MARK: - Names and tags

    @Test func metricNameKeepsOnlyAlphanumericsUnderscoreAndDot() {
        let f = DogStatsDFormatter(options: .init(timestamps: false))
        #expect(Self.text(f.line(Self.point("cta.latency ms/p99é|x:y", .gauge, 1))) == "cta.latency_ms_p99__x_y:1|g")
        #expect(Self.text(f.line(Self.point("Az09_.", .gauge, 1))) == "Az09_.:1|g")
        #expect(f.line(Self.point("", .gauge, 1)) == nil)
    }

    @Test func hostileTagsAreEscaped() {
        let f = DogStatsDFormatter(
            options: .init(constantTags: [("env", "lab"), ("", "x"), ("version", "")], timestamps: false))
        let line = f.line(
            Self.point(
                "m", .count, 1,
                tags: [
                    "a|b": "x,y#z\nw\r", "k:ey": "v:al", "": "dropped", "empty": "", "é": "日本",
                ]))
        // Sorted by key: "a|b" < "empty" < "k:ey" < "é"; the empty key is gone; constants last.
        #expect(Self.text(line) == "m:1|c|#a_b:x_y_z_w_,empty,k_ey:v:al,é:日本,env:lab,version")
    }

    @Test func recordTagWinsOverConstantOfTheSameKey() {
        let f = DogStatsDFormatter(options: .init(constantTags: [("env", "lab"), ("team", "ops")], timestamps: false))
        #expect(Self.text(f.line(Self.point("m", .gauge, 2, tags: ["env": "prod"]))) == "m:2|g|#env:prod,team:ops")
    }

    @Test func defaultOptions() {
        let options = DogStatsDFormatter.Options()
        #expect(options.maxPacketBytes == 1432)
        #expect(options.timestamps)
        #expect(options.constantTags.isEmpty)
        #expect(DogStatsDFormatter.Options.unixSocketPacketBytes == 8192)
    }
}
