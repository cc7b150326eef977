import Testing
import TraceTailCore

@testable import DatadogWire

/// Payloads are decoded with the test's own `MsgPack` reader and checked field by field
/// against ANCHORS §3.2.
@Suite struct TraceAgentEncoderTests {
    static let start: Int64 = 1_717_000_000_123_456_789

    static func span(
        trace: TraceID, id: UInt64, parent: UInt64? = nil, service: String = "nova-api",
        name: String = "openstack.request", resource: String = "GET /v2.1/servers", start: Int64 = start,
        duration: Int64 = 1_000_000, error: Bool = false, attributes: [String: AttributeValue] = [:]
    ) -> Span {
        Span(
            traceID: trace, spanID: SpanID(id), parentID: parent.map(SpanID.init), service: service, name: name,
            resource: resource, start: EventTime(nanoseconds: start), durationNanoseconds: duration, error: error,
            attributes: attributes)
    }

    /// The chunks of a payload, after checking the payload's own counts against them.
    static func chunks(_ payload: TraceAgentPayload) throws -> [[MsgPack]] {
        let chunks = try #require(try MsgPack.decode(payload.body).arrayValue).map { try #require($0.arrayValue) }
        #expect(chunks.count == payload.traceCount)
        #expect(chunks.map(\.count).reduce(0, +) == payload.spanCount)
        return chunks
    }

    static func meta(_ span: MsgPack) throws -> [String: String] {
        let pairs = try #require(span["meta"]?.stringMap)
        var out: [String: String] = [:]
        for (key, value) in pairs {
            #expect(out[key] == nil, "duplicate meta key \(key)")
            let string = try #require(value.stringValue, "meta \(key) is not a string")
            out[key] = string
        }
        return out
    }

    static func metrics(_ span: MsgPack) throws -> [String: Double] {
        let pairs = try #require(span["metrics"]?.stringMap)
        var out: [String: Double] = [:]
        for (key, value) in pairs {
            #expect(out[key] == nil, "duplicate metrics key \(key)")
            let number = try #require(value.doubleValue, "metrics \(key) is not a float64")
            out[key] = number
        }
        return out
    }

    // MARK: - Golden

    @Test func smallSpanIsEncodedByteForByte() {
        let span = Self.span(
            trace: TraceID(high: 0, low: 1), id: 2, service: "api", name: "op", resource: "",
            start: 1_000_000_000, duration: 5)
        let payloads = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0")).encode([span])

        func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }
        let one: [UInt8] = [0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]  // float64 1.0
        var expected: [UInt8] = [0x91, 0x91, 0x8c]  // 1 chunk, 1 span, map of 12
        expected += [0xa8] + ascii("trace_id") + [0x01]
        expected += [0xa7] + ascii("span_id") + [0x02]
        expected += [0xa9] + ascii("parent_id") + [0x00]
        expected += [0xa5] + ascii("start") + [0xce, 0x3b, 0x9a, 0xca, 0x00]  // uint32 1e9
        expected += [0xa8] + ascii("duration") + [0x05]
        expected += [0xa5] + ascii("error") + [0x00]
        expected += [0xa7] + ascii("service") + [0xa3] + ascii("api")
        expected += [0xa4] + ascii("name") + [0xa2] + ascii("op")
        expected += [0xa8] + ascii("resource") + [0xa2] + ascii("op")  // empty resource → name
        expected += [0xa4] + ascii("type") + [0xa6] + ascii("custom")
        expected += [0xa4] + ascii("meta") + [0x81]
        expected += [0xa9] + ascii("span.kind") + [0xa8] + ascii("internal")
        expected += [0xa7] + ascii("metrics") + [0x82]
        expected += [0xb5] + ascii("_sampling_priority_v1") + one
        expected += [0xad] + ascii("_dd.top_level") + one

        #expect(payloads == [TraceAgentPayload(body: expected, traceCount: 1, spanCount: 1)])
    }

    // MARK: - Fields

    @Test func everyFieldOfAnEntrySpanAndItsChildren() throws {
        let trace = TraceID(high: 0x0f6a_1c2e_8b3d_4c5e, low: 0x9f1a_2b3c_4d5e_6f70)
        let entry = Self.span(
            trace: trace, id: 0x9f1a_2b3c_4d5e_6f70, resource: "GET /v2.1/servers/{id}", duration: 250_000_000,
            error: true,
            attributes: [
                "http.method": .string("GET"), "http.status_code": .int(503),
                "http.route": .string("/v2.1/servers/{id}"),
                "request_id": .string("req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70"), "pid": .int(4242),
                "line_count": .int(3), "latency_ms": .double(250.5), "late": .bool(false),
                "error.message": .string("boom"),
                "not_a_number": .double(.nan), "_dd.measured": .int(0), "_dd.p.tid": .string("forged"),
            ])
        let otherService = Self.span(
            trace: trace, id: 0x6d46_24f8_c062_e151, parent: 0x9f1a_2b3c_4d5e_6f70, service: "nova-compute",
            resource: "", duration: -7)
        let sameService = Self.span(
            trace: trace, id: 77, parent: 0x9f1a_2b3c_4d5e_6f70, name: "log_event", resource: "INFO",
            attributes: ["level": .string("INFO"), "event_id": .int(12)])
        let encoder = TraceAgentEncoder(options: .init(env: "lab", version: "1.2", tracerVersion: "0.9.0"))
        let payloads = encoder.encode([entry, otherService, sameService])
        #expect(payloads.count == 1)
        let chunks = try Self.chunks(try #require(payloads.first))
        #expect(chunks.count == 1)
        let spans = try #require(chunks.first)
        #expect(spans.count == 3)

        let e = spans[0]
        #expect(e.stringMap?.map(\.0).count == 12)
        #expect(e["trace_id"] == .uint(0x9f1a_2b3c_4d5e_6f70))
        #expect(e["span_id"] == .uint(0x9f1a_2b3c_4d5e_6f70))
        #expect(e["parent_id"] == .uint(0))
        #expect(e["start"]?.int64Value == Self.start)
        #expect(e["duration"]?.int64Value == 250_000_000)
        #expect(e["error"] == .uint(1))
        #expect(e["service"] == .string("nova-api"))
        #expect(e["name"] == .string("openstack.request"))
        #expect(e["resource"] == .string("GET /v2.1/servers/{id}"))
        #expect(e["type"] == .string("web"))
        #expect(
            try Self.meta(e) == [
                "env": "lab", "version": "1.2", "span.kind": "server", "_dd.p.tid": "0f6a1c2e8b3d4c5e",
                "http.method": "GET", "http.status_code": "503", "http.route": "/v2.1/servers/{id}",
                "request_id": "req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70", "late": "false", "error.message": "boom",
            ])
        #expect(
            try Self.metrics(e) == [
                "_sampling_priority_v1": 1, "_dd.top_level": 1, "_dd.measured": 1, "pid": 4242, "line_count": 3,
                "latency_ms": 250.5,
            ])

        let o = spans[1]
        #expect(o["trace_id"] == .uint(0x9f1a_2b3c_4d5e_6f70))
        #expect(o["span_id"] == .uint(0x6d46_24f8_c062_e151))
        #expect(o["parent_id"] == .uint(0x9f1a_2b3c_4d5e_6f70))
        #expect(o["duration"] == .uint(0))  // negative → 0
        #expect(o["error"] == .uint(0))
        #expect(o["service"] == .string("nova-compute"))
        #expect(o["resource"] == .string("openstack.request"))  // empty → name
        #expect(o["type"] == .string("custom"))
        #expect(
            try Self.meta(o) == [
                "env": "lab", "version": "1.2", "span.kind": "internal", "_dd.p.tid": "0f6a1c2e8b3d4c5e",
            ])
        // Another service's child is that service's entry: top level, but not the chunk's root.
        #expect(try Self.metrics(o) == ["_dd.top_level": 1])

        let s = spans[2]
        #expect(s["name"] == .string("log_event"))
        #expect(
            try Self.meta(s) == [
                "env": "lab", "version": "1.2", "span.kind": "internal", "_dd.p.tid": "0f6a1c2e8b3d4c5e",
                "level": "INFO",
            ])
        #expect(try Self.metrics(s) == ["event_id": 12])  // same service as its parent: not top level
    }

    @Test func sixtyFourBitTraceIDHasNoTid() throws {
        let payloads = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0")).encode([
            Self.span(trace: TraceID(high: 0, low: 0xdead_beef), id: 1)
        ])
        let span = try #require(try Self.chunks(payloads[0]).first?.first)
        #expect(span["trace_id"] == .uint(0xdead_beef))
        #expect(try Self.meta(span)["_dd.p.tid"] == nil)
        #expect(try Self.meta(span) == ["span.kind": "internal"])
    }

    @Test func orphanIsRootAndTopLevel() throws {
        // The parent was emitted in an earlier batch: this chunk's root-most span is the orphan.
        let trace = TraceID(high: 0, low: 5)
        let orphan = Self.span(trace: trace, id: 10, parent: 9)
        let child = Self.span(trace: trace, id: 11, parent: 10)
        let spans = try #require(
            try Self.chunks(TraceAgentEncoder(options: .init(tracerVersion: "0.9.0")).encode([orphan, child])[0]).first)
        #expect(try Self.metrics(spans[0]) == ["_sampling_priority_v1": 1, "_dd.top_level": 1])
        #expect(try Self.metrics(spans[1]) == [:])
        #expect(spans[0]["parent_id"] == .uint(9))
    }

    @Test func emptyNamesFallBack() throws {
        let span = Self.span(trace: TraceID(high: 0, low: 1), id: 1, service: "", name: "", resource: "")
        let decoded = try #require(
            try Self.chunks(TraceAgentEncoder(options: .init(tracerVersion: "0.9.0")).encode([span])[0]).first?.first)
        // What the agent's normalizer would substitute for a "swift" tracer.
        #expect(decoded["service"] == .string("unnamed-swift-service"))
        #expect(decoded["name"] == .string("unnamed_operation"))
        #expect(decoded["resource"] == .string("unnamed_operation"))
    }

    @Test func limitsCutAtUTF8Boundaries() throws {
        let span = Self.span(
            trace: TraceID(high: 0, low: 1), id: 1,
            service: String(repeating: "ü", count: 51),  // 102 bytes
            name: "xy" + String(repeating: "€", count: 40),  // 122 bytes
            resource: "r" + String(repeating: "é", count: 2500),  // 5001 bytes
            attributes: [
                "v": .string("a" + String(repeating: "é", count: 12_500)),  // 25 001 bytes
                String(repeating: "k", count: 199) + "é": .string("long key"),  // 201 bytes
                String(repeating: "m", count: 199) + "é": .int(1),
            ])
        let decoded = try #require(
            try Self.chunks(TraceAgentEncoder(options: .init(tracerVersion: "0.9.0")).encode([span])[0]).first?.first)
        #expect(decoded["service"] == .string(String(repeating: "ü", count: 50)))  // 100 bytes
        #expect(decoded["name"] == .string("xy" + String(repeating: "€", count: 32)))  // 98: a 33rd would be 101
        #expect(decoded["resource"] == .string("r" + String(repeating: "é", count: 2499)))  // 4999
        let meta = try Self.meta(decoded)
        #expect(meta["v"] == "a" + String(repeating: "é", count: 12_499))  // 24 999 bytes
        #expect(meta[String(repeating: "k", count: 199)] == "long key")
        #expect(try Self.metrics(decoded)[String(repeating: "m", count: 199)] == 1)
    }

    @Test func spansAreGroupedByFull128BitTraceIDInOrderOfFirstAppearance() throws {
        // A and B share their low 64 bits: only the high half tells them apart.
        let a = TraceID(high: 1, low: 7)
        let b = TraceID(high: 2, low: 7)
        let c = TraceID(high: 0, low: 9)
        let input = [
            Self.span(trace: a, id: 1), Self.span(trace: b, id: 2), Self.span(trace: a, id: 3, parent: 1),
            Self.span(trace: c, id: 4), Self.span(trace: b, id: 5, parent: 2),
        ]
        let encoder = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0"))
        let payloads = encoder.encode(input)
        #expect(payloads.count == 1)
        #expect(payloads[0].traceCount == 3)
        #expect(payloads[0].spanCount == 5)
        let chunks = try Self.chunks(payloads[0])
        #expect(chunks.map { $0.map { $0["span_id"]?.uintValue } } == [[1, 3], [2, 5], [4]])
        #expect(
            try chunks.map { try $0.map { try Self.meta($0)["_dd.p.tid"] } } == [
                ["0000000000000001", "0000000000000001"], ["0000000000000002", "0000000000000002"], [nil],
            ])
        #expect(chunks.flatMap { $0 }.map { $0["trace_id"]?.uintValue } == [7, 7, 7, 7, 9])
        #expect(encoder.headers(for: payloads[0]).first { $0.0 == "X-Datadog-Trace-Count" }?.1 == "3")
    }

    @Test func headers() {
        let encoder = TraceAgentEncoder(options: .init(tracerVersion: "1.2.3"))
        let headers = encoder.headers(for: TraceAgentPayload(body: [0x90], traceCount: 4, spanCount: 9))
        #expect(
            headers.map(\.0) == [
                "Content-Type", "X-Datadog-Trace-Count", "Datadog-Meta-Lang", "Datadog-Meta-Lang-Version",
                "Datadog-Meta-Tracer-Version", "Datadog-Client-Computed-Top-Level",
            ])
        #expect(headers.map(\.1) == ["application/msgpack", "4", "swift", "6", "1.2.3", "yes"])
    }

    @Test func noSpansNoPayload() {
        #expect(TraceAgentEncoder(options: .init(tracerVersion: "0.9.0")).encode([]).isEmpty)
    }
}
