import Testing
import TraceTailCore

@testable import OTLPWire

/// `ExportTraceServiceRequest` JSON, checked field by field against ANCHORS §3.4.
@Suite struct OTLPTraceEncoderTests {
    typealias J = OTLPJSONReading

    static let start = EventTime(nanoseconds: 1_544_712_660_000_000_000)

    static func span(
        trace: TraceID = TraceID(high: 0x5b8e_fff7_9803_8103, low: 0xd269_b633_813f_c60c), id: UInt64,
        parent: UInt64? = nil, service: String = "nova-api", name: String = "openstack.request",
        resource: String = "nova.compute.manager", error: Bool = false, attributes: SpanAttributes = [:]
    ) -> Span {
        Span(
            traceID: trace, spanID: SpanID(id), parentID: parent.map(SpanID.init), service: service, name: name,
            resource: resource, start: start, durationNanoseconds: 1_000_000_000, error: error, attributes: attributes)
    }

    static func resourceSpans(_ bodies: OTLPExportBodies) throws -> [[String: Any]] {
        #expect(bodies.bodies.count == 1)
        let top = try J.object(try #require(bodies.bodies.first).bytes)
        #expect(Array(top.keys) == ["resourceSpans"])
        return try J.array(top["resourceSpans"])
    }

    static func spans(_ resourceEntry: [String: Any]) throws -> [[String: Any]] {
        try J.array(J.onlyScope(resourceEntry, "scopeSpans", version: TraceTailVersion.current)["spans"])
    }

    @Test func httpEntrySpanAndInternalChildCarryEveryField() throws {
        let entry = Self.span(
            id: 0xeee1_9b7e_c3c1_b174, resource: "GET /v2.1/servers/{id}",
            attributes: [
                "request_id": .string("req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70"), "http.method": .string("GET"),
                "http.status_code": .int(200), "http.route": .string("/v2.1/servers/{id}"),
                "http.url": .string("/v2.1/servers/3f1e?details=1"), "pid": .int(4242), "latency_ms": .double(12.5),
                "late": .bool(true),
            ])
        let child = Self.span(
            trace: TraceID(high: 0, low: 0xabc), id: 0x1f, parent: 0xeee1_9b7e_c3c1_b174, service: "nova-compute",
            error: true, attributes: ["error.message": .string("Instance failed to spawn: \"boom\"")])
        let options = OTLPEncoderOptions(
            resourceAttributes: ["host.name": "node-3", "deployment.environment": "lab", "service.name": "ignored"])

        let bodies = OTLPTraceEncoder(options: options).encode([entry, child])
        #expect(bodies.skippedOversized == 0)
        #expect(bodies.bodies.map(\.itemCount) == [2])
        #expect(bodies.bodies.map(\.recordCount) == [2])
        let resources = try Self.resourceSpans(bodies)
        #expect(resources.count == 2)
        #expect(
            try J.resourceAttributes(resources[0])
                == ["service.name": "nova-api", "host.name": "node-3", "deployment.environment": "lab"])
        // service.name comes first in the list.
        #expect(try J.attributeKeys(J.dictionary(resources[0]["resource"])["attributes"]).first == "service.name")
        #expect(try J.resourceAttributes(resources[1])["service.name"] == "nova-compute")

        let server = try #require(try Self.spans(resources[0]).first)
        #expect(
            Set(server.keys) == [
                "traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes",
            ])
        #expect(server["traceId"] as? String == "5b8efff798038103d269b633813fc60c")
        #expect(server["spanId"] as? String == "eee19b7ec3c1b174")
        #expect(server["name"] as? String == "GET /v2.1/servers/{id}")
        #expect(server["kind"] as? Int == 2)
        #expect(server["startTimeUnixNano"] as? String == "1544712660000000000")
        #expect(server["endTimeUnixNano"] as? String == "1544712661000000000")
        let attributes = try J.attributes(server["attributes"])
        #expect(J.stringValue(attributes["request_id"]) == "req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70")
        #expect(J.stringValue(attributes["http.method"]) == "GET")
        #expect(J.stringValue(attributes["http.request.method"]) == "GET")
        #expect(attributes["http.status_code"]?["intValue"] as? String == "200")
        #expect(attributes["http.response.status_code"]?["intValue"] as? String == "200")
        #expect(J.stringValue(attributes["http.route"]) == "/v2.1/servers/{id}")
        #expect(J.stringValue(attributes["http.url"]) == "/v2.1/servers/3f1e?details=1")
        #expect(attributes["pid"]?["intValue"] as? String == "4242")
        #expect(attributes["latency_ms"]?["doubleValue"] as? Double == 12.5)
        #expect(attributes["late"].map { Array($0.keys) } == ["boolValue"])
        #expect(attributes["late"]?["boolValue"] as? Bool == true)
        #expect(J.stringValue(attributes["operation.name"]) == "openstack.request")
        #expect(J.stringValue(attributes["resource.name"]) == "GET /v2.1/servers/{id}")
        #expect(attributes.count == 12)

        let internalSpan = try #require(try Self.spans(resources[1]).first)
        #expect(internalSpan["traceId"] as? String == "00000000000000000000000000000abc")
        #expect(internalSpan["spanId"] as? String == "000000000000001f")
        #expect(internalSpan["parentSpanId"] as? String == "eee19b7ec3c1b174")
        #expect(internalSpan["name"] as? String == "openstack.request")
        #expect(internalSpan["kind"] as? Int == 1)
        let status = try J.dictionary(internalSpan["status"])
        #expect(Set(status.keys) == ["code", "message"])
        #expect(status["code"] as? Int == 2)
        #expect(status["message"] as? String == "Instance failed to spawn: \"boom\"")
        let childAttributes = try J.attributes(internalSpan["attributes"])
        #expect(J.stringValue(childAttributes["resource.name"]) == "nova.compute.manager")
        #expect(childAttributes["http.request.method"] == nil)
    }

    @Test func idsAreLowercaseHexOfFixedLength() throws {
        let ids: [(TraceID, UInt64, UInt64?)] = [
            (TraceID(high: 0xABCD_EF01_2345_6789, low: 0xFEDC_BA98_7654_3210), 0xABCD_EF01_2345_6789, 0xA),
            (TraceID(high: 0, low: 1), 1, nil), (TraceID(high: .max, low: .max), .max, .max),
        ]
        let spans = ids.map { Self.span(trace: $0.0, id: $0.1, parent: $0.2) }
        let written = try Self.spans(try #require(try Self.resourceSpans(OTLPTraceEncoder().encode(spans)).first))
        #expect(
            written.map { $0["traceId"] as? String } == [
                "abcdef0123456789fedcba9876543210", "00000000000000000000000000000001",
                "ffffffffffffffffffffffffffffffff",
            ])
        #expect(
            written.map { $0["spanId"] as? String } == ["abcdef0123456789", "0000000000000001", "ffffffffffffffff"])
        #expect(written.map { $0["parentSpanId"] as? String } == ["000000000000000a", nil, "ffffffffffffffff"])
        #expect(written[1].keys.contains("parentSpanId") == false)
    }

    @Test func nameIsTheRouteOnlyForHTTPSpansWithARouteShapedResource() throws {
        let spans = [
            // Route-shaped resource but no HTTP attributes: a log_event child keeps its name.
            Self.span(id: 1, name: "log_event", resource: "GET /v2.1/servers"),
            // HTTP attributes but a logger-name resource: server kind, our name.
            Self.span(id: 2, resource: "nova.api.openstack", attributes: ["http.status_code": .int(503)]),
            Self.span(id: 3, resource: "DELETE /v2.1/servers/{id}", attributes: ["http.method": .string("DELETE")]),
            Self.span(id: 4, resource: "get /lower", attributes: ["http.method": .string("GET")]),
        ]
        let written = try Self.spans(try #require(try Self.resourceSpans(OTLPTraceEncoder().encode(spans)).first))
        #expect(
            written.map { $0["name"] as? String } == [
                "log_event", "openstack.request", "DELETE /v2.1/servers/{id}", "openstack.request",
            ])
        #expect(written.map { $0["kind"] as? Int } == [1, 2, 2, 2])
        #expect(try J.stringValue(J.attributes(written[0]["attributes"])["operation.name"]) == "log_event")
    }

    @Test func errorWithoutMessageSaysErrorAndNonErrorHasNoStatus() throws {
        let spans = [Self.span(id: 1, error: true), Self.span(id: 2, error: false)]
        let written = try Self.spans(try #require(try Self.resourceSpans(OTLPTraceEncoder().encode(spans)).first))
        let status = try J.dictionary(written[0]["status"])
        #expect(Set(status.keys) == ["code", "message"])
        #expect(status["code"] as? Int == 2)
        #expect(status["message"] as? String == "error")
        #expect(written[1]["status"] == nil)
    }

    @Test func attributesTheSpanAlreadyHasKeepTheirValuesAndNonFiniteDoublesAreStrings() throws {
        let span = Self.span(
            id: 1,
            attributes: [
                "resource.name": .string("custom"), "http.method": .string("GET"),
                "http.request.method": .string("POST"), "ratio": .double(.nan), "up": .double(.infinity),
                "down": .double(-.infinity),
            ])
        let written = try Self.spans(try #require(try Self.resourceSpans(OTLPTraceEncoder().encode([span])).first))
        let attributes = try J.attributes(written[0]["attributes"])
        #expect(J.stringValue(attributes["resource.name"]) == "custom")
        #expect(J.stringValue(attributes["http.request.method"]) == "POST")
        #expect(attributes["ratio"]?["doubleValue"] as? String == "NaN")
        #expect(attributes["up"]?["doubleValue"] as? String == "Infinity")
        #expect(attributes["down"]?["doubleValue"] as? String == "-Infinity")
    }

    @Test func spansAreGroupedByServiceInOrderOfFirstAppearance() throws {
        let spans = [
            Self.span(id: 1, service: "nova-api"), Self.span(id: 2, service: "glance-api"),
            Self.span(id: 3, service: "nova-api"), Self.span(id: 4, service: "nova-compute"),
            Self.span(id: 5, service: "glance-api"),
        ]
        let resources = try Self.resourceSpans(OTLPTraceEncoder().encode(spans))
        #expect(
            try resources.map { try J.resourceAttributes($0) } == [
                ["service.name": "nova-api"], ["service.name": "glance-api"], ["service.name": "nova-compute"],
            ])
        #expect(
            try resources.map { try Self.spans($0).map { $0["spanId"] as? String } } == [
                ["0000000000000001", "0000000000000003"], ["0000000000000002", "0000000000000005"],
                ["0000000000000004"],
            ])
    }

    @Test func noSpansNoBodies() {
        #expect(OTLPTraceEncoder().encode([]) == OTLPExportBodies(bodies: []))
    }
}
