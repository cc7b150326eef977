import SpanCorrelator
import Testing
import TraceTailCore

/// A server boot as nova logs it: nova-api writes its request line at the END, after
/// conductor, scheduler and compute have logged the same request id; glance and neutron log
/// their own local ids with nova's id as the global one.
enum NovaBoot {
    static let api = "req-3a2b8f3c-1d4e-4f5a-9b6c-7d8e9f0a1b2c"
    static let glance = "req-5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f"
    static let neutron = "req-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
    static let instance = "b9000564-fe1a-409b-b8cc-1e88b294cd1d"

    static let sources: [SourceID: SpanCorrelator.Source] = [
        SourceID(0): .init(fileName: "nova-api.log"), SourceID(1): .init(fileName: "nova-conductor.log"),
        SourceID(2): .init(fileName: "nova-scheduler.log"), SourceID(3): .init(fileName: "nova-compute.log"),
        SourceID(4): .init(fileName: "/var/log/glance/glance-api.log"),
        SourceID(5): .init(fileName: "server.log", service: "neutron-server"),
    ]

    static func line(
        _ source: UInt32, _ id: Int, _ time: String, _ component: String, request: String = api,
        global: String? = nil, _ message: String = "working"
    ) -> Line {
        var l = Line(id, "2017-05-16 00:00:\(time)", source: source)
        l.pid = 1000 + Int(source)
        l.component = component
        l.requestID = request
        l.globalRequestID = global
        l.message = message
        return l
    }

    /// The boot's lines in time order.
    static var lines: [Line] {
        var apiCreate = line(0, 1, "10.000", "nova.api.openstack.compute.servers", "Creating server")
        apiCreate.instance = nil
        let conductor = line(1, 1, "10.100", "nova.conductor.manager", "Scheduling instance")
        let scheduler = line(2, 1, "10.200", "nova.scheduler.filter_scheduler", "Selected host: compute-1")
        var image = line(4, 1, "10.330", "eventlet.wsgi.server", request: glance, global: api)
        image.method = "GET"
        image.path = "/v2/images/0673dd71-34c5-4fbb-86c4-40623fbe45b4"
        image.status = 200
        image.latencyMs = 30
        var port = line(5, 1, "10.480", "neutron.wsgi", request: neutron, global: api)
        port.method = "POST"
        port.path = "/v2.0/ports?device_id=\(instance)"
        port.status = 201
        port.latencyMs = 80
        var apiRequest = line(0, 2, "10.950", "nova.osapi_compute.wsgi.server")
        apiRequest.method = "POST"
        apiRequest.path = "/v2.1/54fadb412c4e40cdbaed9335e4c35a9e/servers"
        apiRequest.status = 202
        apiRequest.latencyMs = 950
        var claim = line(3, 1, "11.000", "nova.compute.claims", "Claim successful")
        claim.instance = instance
        var spawned = line(3, 2, "25.000", "nova.compute.manager", "Took 14.00 seconds to spawn the instance")
        spawned.instance = instance
        return [apiCreate, conductor, scheduler, image, port, apiRequest, claim, spawned]
    }
}

@Test func novaBootIsOneTreeRootedAtNovaAPI() throws {
    let (spans, correlator) = correlate(NovaBoot.lines.map(\.event), sources: NovaBoot.sources)
    #expect(spans.count == 6)
    let byService = Dictionary(uniqueKeysWithValues: spans.map { ($0.service, $0) })
    #expect(
        Set(byService.keys) == [
            "nova-api", "nova-conductor", "nova-scheduler", "nova-compute", "glance-api", "neutron-server",
        ])
    let trace = TraceID(RequestID(NovaBoot.api)!.uuid)
    #expect(spans.allSatisfy { $0.traceID == trace })

    let api = try #require(byService["nova-api"])
    #expect(api.spanID.rawValue == low64(NovaBoot.api))
    #expect(api.parentID == nil)
    #expect(api.resource == "POST /v2.1/{id}/servers")
    for service in ["nova-conductor", "nova-scheduler", "nova-compute"] {
        let span = try #require(byService[service])
        #expect(span.spanID.rawValue == fnv("\(service)/\(NovaBoot.api)"))
        #expect(span.parentID?.rawValue == low64(NovaBoot.api))
    }
    let glance = try #require(byService["glance-api"])
    #expect(glance.spanID.rawValue == low64(NovaBoot.glance))
    #expect(glance.parentID?.rawValue == low64(NovaBoot.api))
    #expect(glance.resource == "GET /v2/images/{id}")
    let neutron = try #require(byService["neutron-server"])
    #expect(neutron.spanID.rawValue == low64(NovaBoot.neutron))
    #expect(neutron.parentID?.rawValue == low64(NovaBoot.api))
    #expect(neutron.resource == "POST /v2.0/ports")

    // One tree: exactly one root and every parent is a span of the trace.
    let ids = Set(spans.map(\.spanID))
    #expect(spans.filter { $0.parentID == nil }.count == 1)
    #expect(spans.allSatisfy { $0.parentID.map(ids.contains) ?? true })
    #expect(correlator.counters.tracesStarted == 1)
    #expect(correlator.counters.spansEmitted == 6)
    #expect(correlator.openSpanCount == 0)
}

@Test func spanContentsFollowTheLines() throws {
    let (spans, _) = correlate(NovaBoot.lines.map(\.event), sources: NovaBoot.sources)
    let byService = Dictionary(uniqueKeysWithValues: spans.map { ($0.service, $0) })
    let api = try #require(byService["nova-api"])
    // Request line logged at 10.950 with time 0.950 s: start 10.000 = the earlier line too.
    #expect(api.start == Line.parseTime("2017-05-16 00:00:10.000"))
    #expect(api.durationNanoseconds == 950_000_000)
    #expect(api.error == false)
    #expect(api.attributes["request_id"] == .string(NovaBoot.api))
    #expect(api.attributes["http.method"] == .string("POST"))
    #expect(api.attributes["http.status_code"] == .int(202))
    #expect(api.attributes["http.route"] == .string("/v2.1/{id}/servers"))
    #expect(api.attributes["http.url"] == .string("/v2.1/54fadb412c4e40cdbaed9335e4c35a9e/servers"))
    #expect(api.attributes["line_count"] == .int(2))
    #expect(api.attributes["line_id"] == .int(1))
    #expect(api.attributes["pid"] == .int(1000))
    #expect(api.attributes["file"] == .string("nova-api.log"))
    #expect(api.attributes["global_request_id"] == nil)

    let compute = try #require(byService["nova-compute"])
    #expect(compute.start == Line.parseTime("2017-05-16 00:00:11.000"))
    #expect(compute.durationNanoseconds == 14_000_000_000)
    #expect(compute.resource == "nova.compute.claims")
    #expect(compute.attributes["instance_id"] == .string(NovaBoot.instance))
    #expect(compute.attributes["line_count"] == .int(2))

    let neutron = try #require(byService["neutron-server"])
    #expect(neutron.attributes["global_request_id"] == .string(NovaBoot.api))
    #expect(neutron.attributes["request_id"] == .string(NovaBoot.neutron))
    #expect(neutron.attributes["http.url"] == .string("/v2.0/ports?device_id=\(NovaBoot.instance)"))
    #expect(neutron.start == Line.parseTime("2017-05-16 00:00:10.400"))
    #expect(neutron.durationNanoseconds == 80_000_000)
}

@Test func errorStatusAndErrorLinesMakeErrorSpans() throws {
    var lines = NovaBoot.lines
    lines[5].status = 503
    lines[7].level = .error
    lines[7].message = "Instance failed to spawn"
    let (spans, _) = correlate(lines.map(\.event), sources: NovaBoot.sources)
    let byService = Dictionary(uniqueKeysWithValues: spans.map { ($0.service, $0) })
    #expect(byService["nova-api"]?.error == true)
    #expect(byService["nova-compute"]?.error == true)
    #expect(byService["nova-compute"]?.attributes["error.message"] == .string("Instance failed to spawn"))
    #expect(byService["nova-conductor"]?.error == false)

    // errorStatusMin is configurable: 503 is not an error from 600 on.
    let (relaxed, _) = correlate(
        lines.map(\.event), configuration: .init(errorStatusMin: 600), sources: NovaBoot.sources)
    #expect(relaxed.first { $0.service == "nova-api" }?.error == false)
}
