import SpanCorrelator
import Testing
import TraceTailCore

@Test(arguments: [
    ("GET", "/v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail", "GET /v2/{id}/servers/detail"),
    ("GET", "/v2.1/servers/b9000564-fe1a-409b-b8cc-1e88b294cd1d", "GET /v2.1/servers/{id}"),
    ("DELETE", "/v2/images/0673DD71-34C5-4FBB-86C4-40623FBE45B4?force=1", "DELETE /v2/images/{id}"),
    ("GET", "/openstack/2013-10-17", "GET /openstack/2013-10-17"),
    ("GET", "/openstack/2013-10-17/user_data", "GET /openstack/2013-10-17/user_data"),
    ("GET", "/latest/meta-data/", "GET /latest/meta-data/"),
    ("POST", "/v2.0/ports?device_id=abc", "POST /v2.0/ports"),
    ("GET", "/v2/flavors/42", "GET /v2/flavors/{id}"),
    ("GET", "/v2/flavors/deadbee", "GET /v2/flavors/deadbee"),  // 7 hex digits: a name
    ("GET", "/v2/flavors/deadbeef", "GET /v2/flavors/{id}"),  // 8 hex digits: an id
    ("GET", "/v2//servers", "GET /v2//servers"),
    ("GET", "/", "GET /"),
    ("GET", "/v2/servers#frag", "GET /v2/servers"),
])
func resourceTemplating(_ method: String, _ path: String, _ expected: String) {
    #expect(ResourceTemplate.resource(method: method, path: path) == expected)
    var line = Line(1, "2017-05-16 00:00:01.000")
    line.requestID = "req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115"
    line.method = method
    line.path = path
    line.status = 200
    let (spans, _) = correlate([line.event])
    #expect(spans.first?.resource == expected)
    #expect(spans.first?.attributes["http.url"] == .string(path))
}

@Test(arguments: [
    ("nova-api.log", "nova-api"),
    ("nova-api.log.1", "nova-api"),
    ("nova-api.log.1.2017-05-16_13:53:08", "nova-api"),
    ("/var/log/nova/nova-compute.log", "nova-compute"),
    ("events.jsonl", "events"),
    ("glance-api.log.2.gz", "glance-api"),
    ("neutron-server", "neutron-server"),
    ("syslog.1", "syslog"),
    ("catalog.logic.log", "catalog.logic"),
    // logrotate's generations
    ("nova-api.log.2.gz", "nova-api"),
    ("nova-compute.log-20261127", "nova-compute"),
    ("nova-compute.log-20261127.gz", "nova-compute"),
    ("messages-20261127", "messages"),
    // Zuul job logs and devstack's units and short names
    ("screen-n-cpu.txt", "nova-compute"),
    ("screen-q-svc.txt.gz", "neutron-server"),
    ("controller/logs/devstack@n-api.service.log.txt", "nova-api"),
    ("devstack@g-api.service", "glance-api"),
    ("devstack@placement-api.service", "placement-api"),
    ("screen-key.txt", "keystone"),
    ("c-vol.log", "cinder-volume"),
    ("screen-n-sch.log", "nova-scheduler"),
    ("screen-dstat.txt", "dstat"),
    // kolla / TripleO container names as syslog programs
    ("nova_compute", "nova-compute"),
    ("neutron_server", "neutron-server"),
    ("placement_api", "placement-api"),
    ("my_app", "my_app"),
])
func serviceFromFileName(_ file: String, _ expected: String) {
    #expect(ServiceName.derive(fromFileName: file) == expected)
}

/// Configured service, else the line's Loghub token, else the file name.
@Test func serviceResolutionOrder() {
    func line(_ id: Int, source: UInt32, token: String?) -> LogEvent {
        var l = Line(id, "2017-05-16 00:00:0\(id).000", source: source)
        l.requestID = "req-0000000\(id)-0000-4000-8000-000000000000"
        l.fileToken = token
        return l.event
    }
    let sources: [SourceID: SpanCorrelator.Source] = [
        SourceID(0): .init(fileName: "OpenStack_2k.log"),
        SourceID(1): .init(fileName: "nova.log", service: "nova-conductor"),
    ]
    let events = [
        line(1, source: 0, token: "nova-api.log.1.2017-05-16_13:53:08"),
        line(2, source: 0, token: "nova-compute.log.1.2017-05-16_13:55:31"),
        line(3, source: 0, token: "nova-api.log.1.2017-05-16_13:53:08"),
        line(4, source: 0, token: nil),
        line(5, source: 1, token: "nova-api.log.1.2017-05-16_13:53:08"),
        line(6, source: 9, token: nil),  // never registered
    ]
    let (spans, _) = correlate(events, sources: sources)
    let services = spans.sorted { $0.start < $1.start }.map(\.service)
    #expect(services == ["nova-api", "nova-compute", "nova-api", "OpenStack_2k", "nova-conductor", "unknown"])
}

@Test func fastUUIDTextMatchesCore() {
    var state: UInt64 = 0x1234_5678_9abc_def0
    for _ in 0..<100 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let uuid = UUID128(high: state, low: state.byteSwapped ^ 0xdead_beef)
        var line = Line(1, "2017-05-16 00:00:01.000")
        line.requestID = RequestID(uuid: uuid).description
        line.globalRequestID = RequestID(uuid: UUID128(high: uuid.low, low: uuid.high)).description
        line.instance = uuid.description.uppercased()
        let (spans, _) = correlate([line.event])
        #expect(spans.first?.attributes["request_id"] == .string(RequestID(uuid: uuid).description))
        #expect(spans.first?.attributes["instance_id"] == .string(uuid.description))
        #expect(
            spans.first?.attributes["global_request_id"]
                == .string(RequestID(uuid: UUID128(high: uuid.low, low: uuid.high)).description))
    }
}
