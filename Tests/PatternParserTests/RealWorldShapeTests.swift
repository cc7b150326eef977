import PatternParser
import Testing
import TraceTailCore

/// What one line must come out as. Every field is checked: nil means "must be absent".
struct Expected {
    var rule: String?
    var time: String?
    var pid: Int?
    var level: LogLevel?
    var component: String?
    var requestID: String?
    var globalRequestID: String?
    var user: String?
    var project: String?
    var instance: String?
    var message: String?
    var method: String?
    var path: String?
    var status: Int?
    var bytes: Int?
    var latencyMs: Double?
    var traceID: String?
    var spanID: String?
    var continuation = false
    /// Extra captures that must be present with these values (others are not checked).
    var extras: [String: String] = [:]
}

/// Parses `line` with the shipped rules and checks every field against `x`.
func expectFields(_ e: LogEvent, _ x: Expected, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(e.unmatched == nil, sourceLocation: sourceLocation)
    #expect(e.matchedRule == x.rule, "rule", sourceLocation: sourceLocation)
    #expect(e.timestamp?.iso8601 == x.time, "timestamp", sourceLocation: sourceLocation)
    #expect(e.pid == x.pid, "pid", sourceLocation: sourceLocation)
    #expect(e.level == x.level, "level", sourceLocation: sourceLocation)
    #expect(e.text(e.component) == x.component, "component", sourceLocation: sourceLocation)
    #expect(e.requestID?.description == x.requestID, "request_id", sourceLocation: sourceLocation)
    #expect(e.text(e.requestIDText) == x.requestID, "request_id text", sourceLocation: sourceLocation)
    #expect(e.globalRequestID?.description == x.globalRequestID, "global", sourceLocation: sourceLocation)
    #expect(e.text(e.user) == x.user, "user", sourceLocation: sourceLocation)
    #expect(e.text(e.project) == x.project, "project", sourceLocation: sourceLocation)
    #expect(e.text(e.instanceID) == x.instance, "instance", sourceLocation: sourceLocation)
    #expect(e.text(e.message) == x.message, "message", sourceLocation: sourceLocation)
    #expect(e.text(e.http?.method) == x.method, "method", sourceLocation: sourceLocation)
    #expect(e.text(e.http?.path) == x.path, "path", sourceLocation: sourceLocation)
    #expect(e.http?.status == x.status, "status", sourceLocation: sourceLocation)
    #expect(e.http?.bytes == x.bytes, "bytes", sourceLocation: sourceLocation)
    #expect(e.http?.latencyMs == x.latencyMs, "latency", sourceLocation: sourceLocation)
    #expect(e.traceID?.description == x.traceID, "trace_id", sourceLocation: sourceLocation)
    #expect(e.spanID?.description == x.spanID, "span_id", sourceLocation: sourceLocation)
    #expect(e.isContinuation == x.continuation, "continuation", sourceLocation: sourceLocation)
    for (name, value) in x.extras {
        #expect(extra(e, name) == value, "extra \(name)", sourceLocation: sourceLocation)
    }
}

/// The value of the extra capture `name`, if any.
func extra(_ e: LogEvent, _ name: String) -> String? {
    e.extra.first { $0.name == name }.map { e.text($0.range) ?? "" }
}

/// Line shapes from releases Havana to 2025.1 and from devstack, kolla, TripleO and RDO, written
/// after the shapes those deployments log (ids and hosts made up). One test per family; each
/// checks every field a person reads off the line.
@Suite struct ContextBracketShapeTests {
    static let rid = "req-5f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    static let gid = "req-0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d"

    /// The nine context shapes, each with what it must yield.
    static let shapes: [(String, Expected)] = [
        (
            "2016-05-16 00:00:10.302 2931 INFO nova.compute.resource_tracker [-] Final resource view: phys_ram=64GB",
            Expected(message: "Final resource view: phys_ram=64GB")
        ),
        (
            "2014-10-21 09:31:12.417 2461 INFO nova.compute.manager [\(rid) None] Rebooting instance",
            Expected(requestID: rid, message: "Rebooting instance")
        ),
        (
            "2015-04-02 13:44:09.001 2461 INFO nova.compute.manager [\(rid) ] Cleaning up image 3c8a",
            Expected(requestID: rid, message: "Cleaning up image 3c8a")
        ),
        (
            "2015-04-02 13:44:09.001 2461 INFO nova.compute.manager [\(rid) None None] Unshelving",
            Expected(requestID: rid, message: "Unshelving")
        ),
        (
            "2014-10-21 09:31:13.002 2461 INFO nova.compute.manager [\(rid) admin demo] Starting instance...",
            Expected(requestID: rid, user: "admin", project: "demo", message: "Starting instance...")
        ),
        (
            "2015-06-09 11:02:51.883 2461 INFO nova.compute.manager [\(rid) 8a9b0c1d2e3f4051 0f1e2d3c4b5a6978 - - -] Resuming",
            Expected(requestID: rid, user: "8a9b0c1d2e3f4051", project: "0f1e2d3c4b5a6978", message: "Resuming")
        ),
        (
            "2017-02-14 16:20:01.551 2461 INFO nova.compute.manager [\(rid) 8a9b0c1d2e3f4051 0f1e2d3c4b5a6978 - default default] Resuming",
            Expected(requestID: rid, user: "8a9b0c1d2e3f4051", project: "0f1e2d3c4b5a6978", message: "Resuming")
        ),
        (
            "2023-11-02 08:00:00.010 2461 INFO nova.compute.manager [None \(rid) admin demo - default default] Resuming",
            Expected(requestID: rid, user: "admin", project: "demo", message: "Resuming")
        ),
        (
            "2023-11-02 08:00:00.010 2461 INFO nova.compute.manager [\(gid) \(rid) admin demo - default default] Resuming",
            Expected(requestID: rid, globalRequestID: gid, user: "admin", project: "demo", message: "Resuming")
        ),
        (
            "2016-03-14 08:15:00.250 2461 INFO nova.compute.manager [-] [\(rid) admin admin - - -] Resuming",
            Expected(requestID: rid, user: "admin", project: "admin", message: "Resuming")
        ),
    ]

    @Test(arguments: 0..<shapes.count)
    func everyContextShapeYieldsItsIds(_ index: Int) throws {
        var parser = try Fixtures.osloParser()
        let (line, partial) = Self.shapes[index]
        var x = partial
        x.rule = "oslo"
        x.time = CivilTime.oracle(String(line.prefix(23)))
        x.pid = 2461
        x.level = .info
        x.component = String(line.split(separator: " ")[4])
        if index == 0 {
            x.pid = 2931
        }
        expectFields(parser.parse(line), x)
    }
}

extension CivilTime {
    /// `2016-05-16 00:00:10.302` as the ISO 8601 text the parser writes (a test oracle that
    /// shares no code with the parser).
    init(oracle text: String) {
        let p = text.split(whereSeparator: { "- :.".contains($0) }).map { Int($0)! }
        self.init(
            year: p[0], month: p[1], day: p[2], hour: p[3], minute: p[4], second: p[5],
            nanosecond: (p.count > 6 ? p[6] : 0) * 1_000_000)
    }

    static func oracle(_ text: String) -> String { CivilTime(oracle: text).eventTime.iso8601 }
}

@Suite struct PrefixShapeTests {
    @Test func devstackGateLineWithoutPidTakesThePidOfItsDebugSuffix() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "2014-09-15 12:34:56.789 DEBUG nova.compute.manager [req-9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4 demo demo] [instance: 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9] Lock \"compute_resources\" acquired from (pid=12345) inner /opt/stack/new/nova/nova/openstack/common/lockutils.py:249"
        )
        expectFields(
            e,
            Expected(
                rule: "oslo", time: CivilTime.oracle("2014-09-15 12:34:56.789"), pid: 12345, level: .debug,
                component: "nova.compute.manager", requestID: "req-9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4",
                user: "demo", project: "demo", instance: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
                message:
                    "Lock \"compute_resources\" acquired from (pid=12345) inner /opt/stack/new/nova/nova/openstack/common/lockutils.py:249",
                extras: [
                    "function": "inner", "code_location": "/opt/stack/new/nova/nova/openstack/common/lockutils.py:249",
                ]))
        let info = parser.parse("2014-09-15 12:34:57.001 INFO nova.compute.manager [-] Compute node started")
        expectFields(
            info,
            Expected(
                rule: "oslo", time: CivilTime.oracle("2014-09-15 12:34:57.001"), level: .info,
                component: "nova.compute.manager", message: "Compute node started"))
    }

    @Test func tinyContainerPidAuditLevelAndNoMilliseconds() throws {
        var parser = try Fixtures.osloParser()
        expectFields(
            parser.parse("2024-07-11 22:10:59.946 2 INFO nova.compute.manager [-] Updating bandwidth usage cache"),
            Expected(
                rule: "oslo", time: CivilTime.oracle("2024-07-11 22:10:59.946"), pid: 2, level: .info,
                component: "nova.compute.manager", message: "Updating bandwidth usage cache"))
        expectFields(
            parser.parse(
                "2014-10-21 09:31:13.002 2461 AUDIT nova.compute.manager [req-5f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d admin demo] [instance: 96abccce-8d1f-4e07-b6d1-4b2ab87e23b4] Terminating instance"
            ),
            Expected(
                rule: "oslo", time: CivilTime.oracle("2014-10-21 09:31:13.002"), pid: 2461, level: .audit,
                component: "nova.compute.manager", requestID: "req-5f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                user: "admin", project: "demo", instance: "96abccce-8d1f-4e07-b6d1-4b2ab87e23b4",
                message: "Terminating instance"))
        expectFields(
            parser.parse("2013-10-04 12:34:56 31337 INFO nova.compute.manager [-] Starting compute node"),
            Expected(
                rule: "oslo", time: "2013-10-04T12:34:56.000Z", pid: 31337, level: .info,
                component: "nova.compute.manager", message: "Starting compute node"))
    }

    /// oslo.log's TRACE level (5) with a context bracket is an ordinary event; only the
    /// bracket-less TRACE lines of old exception prefixes are tracebacks.
    @Test func traceLevelWithAContextIsAnEvent() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "2019-03-02 10:00:00.001 812 TRACE neutron.agent.linux.utils [req-5f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d - - - - -] Running command: ['ip', 'netns', 'list']"
        )
        #expect(e.level == .trace)
        #expect(e.isContinuation == false)
        #expect(e.requestID?.description == "req-5f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    }
}

@Suite struct AccessLineShapeTests {
    private func parse(_ message: String, component: String = "nova.osapi_compute.wsgi.server") throws -> LogEvent {
        var parser = try Fixtures.osloParser()
        return parser.parse(
            "2017-05-16 00:00:00.008 25746 INFO \(component) [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99 54fadb41 - - -] \(message)"
        )
    }

    private func base(_ message: String, component: String = "nova.osapi_compute.wsgi.server") -> Expected {
        Expected(
            time: CivilTime.oracle("2017-05-16 00:00:00.008"), pid: 25746, level: .info, component: component,
            requestID: "req-38101a0b-2096-447d-96ea-a692162415ae", user: "113d3a99", project: "54fadb41",
            message: message)
    }

    @Test func novaEventletWithSevenDecimalsThenABlankLine() throws {
        let m = "10.11.10.1 \"GET /v2/54fadb41/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829"
        var x = base(m)
        x.rule = "nova_wsgi_request"
        x.method = "GET"
        x.path = "/v2/54fadb41/servers/detail"
        x.status = 200
        x.bytes = 1893
        x.latencyMs = 247.7829
        expectFields(try parse(m), x)
        var parser = try Fixtures.osloParser()
        let blank = parser.parse("")
        #expect(blank.unmatched == .empty)
        #expect(parser.counters.unmatched(.empty) == 1)
    }

    @Test func requestlogWithLenNoneAndMicroversionDash() throws {
        let m =
            "10.0.0.5 \"DELETE /compute/v2.1/servers/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9\" status: 204 len: None microversion: - time: 0.088101"
        var x = base(m, component: "nova.api.openstack.requestlog")
        x.rule = "nova_wsgi_request"
        x.method = "DELETE"
        x.path = "/compute/v2.1/servers/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
        x.status = 204
        x.latencyMs = 88.101
        let e = try parse(m, component: "nova.api.openstack.requestlog")
        expectFields(e, x)
        #expect(extra(e, "microversion") == nil)
    }

    @Test func eventletCombinedLogForm() throws {
        let m =
            "192.168.0.4 - - [21/Oct/2014 09:31:12] \"GET /v1/images/detail?is_public=none HTTP/1.1\" 200 713 0.259820"
        var x = base(m, component: "glance.wsgi.server")
        x.rule = "eventlet_wsgi_request"
        x.method = "GET"
        x.path = "/v1/images/detail?is_public=none"
        x.status = 200
        x.bytes = 713
        x.latencyMs = 259.82
        expectFields(try parse(m, component: "glance.wsgi.server"), x)
    }

    @Test func neutronTwoSpacesBeforeLen() throws {
        let m = "10.0.0.5,10.0.0.1 \"GET /v2.0/ports?device_id=5e6f HTTP/1.1\" status: 200  len: 186 time: 0.0133431"
        var x = base(m, component: "neutron.wsgi")
        x.rule = "nova_wsgi_request"
        x.method = "GET"
        x.path = "/v2.0/ports?device_id=5e6f"
        x.status = 200
        x.bytes = 186
        x.latencyMs = 13.3431
        expectFields(try parse(m, component: "neutron.wsgi"), x)
    }

    @Test func keystoneRelativeAndAbsoluteRequestStarts() throws {
        var x = base("POST /tokens?", component: "keystone.common.wsgi")
        x.rule = "api_request_path"
        x.method = "POST"
        x.path = "/tokens?"
        expectFields(try parse("POST /tokens?", component: "keystone.common.wsgi"), x)
        let url = "POST http://10.0.0.1/identity/v3/auth/tokens"
        var y = base(url, component: "keystone.common.wsgi")
        y.rule = "api_request_url"
        y.method = "POST"
        y.path = "/identity/v3/auth/tokens"
        expectFields(try parse(url, component: "keystone.common.wsgi"), y)
        // Not a request line: words after the target.
        let prose = try parse("POST /tokens? was refused by policy", component: "keystone.common.wsgi")
        #expect(prose.http == nil)
    }

    @Test func cinderRequestAndReturnedWithHTTPPair() throws {
        let start = "GET http://10.0.0.1:8776/v3/9f8e7d6c/volumes/detail"
        var x = base(start, component: "cinder.api.openstack.wsgi")
        x.rule = "api_request_url"
        x.method = "GET"
        x.path = "/v3/9f8e7d6c/volumes/detail"
        expectFields(try parse(start, component: "cinder.api.openstack.wsgi"), x)
        let end = "http://10.0.0.1:8776/v3/9f8e7d6c/volumes/detail returned with HTTP 200"
        var y = base(end, component: "cinder.api.openstack.wsgi")
        y.rule = "cinder_response"
        y.path = "/v3/9f8e7d6c/volumes/detail"
        y.status = 200
        expectFields(try parse(end, component: "cinder.api.openstack.wsgi"), y)
    }

    @Test func uwsgiRequestLineInTheServiceLog() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "[pid: 15146|app: 0|req: 1/2] 10.0.0.5 () {58 vars in 1234 bytes} [Thu Sep  5 09:02:08 2019] GET /compute/v2.1 => generated 0 bytes in 17 msecs (HTTP/1.1 302) 5 headers in 193 bytes (1 switches on core 0)"
        )
        expectFields(
            e,
            Expected(
                rule: "uwsgi_request", time: "2019-09-05T09:02:08.000Z", pid: 15146, method: "GET",
                path: "/compute/v2.1", status: 302, bytes: 0, latencyMs: 17))
    }

    /// Under uWSGI the service's own request line and uWSGI's line describe one request: the
    /// pipeline's parser keeps the first as the request and strips the echo's HTTP fields.
    @Test func uwsgiEchoOfTheServicesOwnRequestLineIsNoSecondRequest() throws {
        let nova =
            "2019-09-05 09:02:08.412 15201 INFO nova.api.openstack.requestlog [None req-2f7e1a3c-5b6d-4e8f-9a0b-1c2d3e4f5a6b demo demo] 10.0.0.5 \"POST /compute/v2.1/servers\" status: 202 len: 1611 microversion: 2.1 time: 0.512771"
        let echo =
            "[pid: 15203|app: 0|req: 7/12] 10.0.0.5 () {62 vars in 1381 bytes} [Thu Sep  5 09:02:07 2019] POST /compute/v2.1/servers => generated 1611 bytes in 513 msecs (HTTP/1.1 202) 9 headers in 360 bytes (1 switches on core 0)"
        let other =
            "[pid: 15203|app: 0|req: 8/13] 10.0.0.5 () {62 vars in 1381 bytes} [Thu Sep  5 09:02:08 2019] POST /compute/v2.1/servers => generated 120 bytes in 13 msecs (HTTP/1.1 400) 9 headers in 360 bytes (1 switches on core 0)"
        var pipeline = try Fixtures.osloParser()
        pipeline.dropsRequestEchoes = true
        #expect(pipeline.parse(nova).http?.status == 202)
        let stripped = pipeline.parse(echo)
        #expect(stripped.matchedRule == "uwsgi_request")
        #expect(stripped.http == nil)
        // A request the service never logged stays a request, and an echo is used up once.
        #expect(pipeline.parse(other).http?.status == 400)
        #expect(pipeline.parse(echo).http?.status == 202)
        #expect(pipeline.counters.echoedRequestLines == 1)
        // `tracetail parse` shows each line's own fields.
        var plain = try Fixtures.osloParser()
        _ = plain.parse(nova)
        #expect(plain.parse(echo).http?.status == 202)
        #expect(plain.counters.echoedRequestLines == 0)
    }

    /// Client-side lines carry the caller's request id but describe a call it made: no HTTP
    /// fields (so no server span), the call kept as client_* attributes.
    @Test func clientSideLinesAreNotServerRequests() throws {
        let lines: [(String, String, [String: String])] = [
            (
                "REQ: curl -g -i -X GET http://10.0.0.1:9696/v2.0/ports?device_id=5e6f -H \"Accept: application/json\" -H \"User-Agent: python-neutronclient\"",
                "client_curl", ["client_method": "GET", "client_path": "/v2.0/ports?device_id=5e6f"]
            ),
            (
                "REQ: curl -i 'http://192.168.0.10:8774/v2/3f8e2a/servers' -X POST -H \"X-Auth-Project-Id: demo\"",
                "client_curl", ["client_method": "POST", "client_path": "/v2/3f8e2a/servers"]
            ),
            (
                "RESP: [200] Content-Type: application/json Content-Length: 1277 X-Openstack-Request-Id: req-4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8 Date: Thu, 05 Sep 2019 09:02:08 GMT",
                "client_response",
                ["client_status": "200", "callee_request_id": "req-4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8"]
            ),
            (
                "RESP: [200] {'content-length': '1277', 'x-openstack-request-id': 'req-4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8'}",
                "client_response",
                ["client_status": "200", "callee_request_id": "req-4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8"]
            ),
            (
                "http://10.0.0.1:9696 \"GET /v2.0/ports?device_id=5e6f HTTP/1.1\" 200 1277", "client_urllib3",
                ["client_method": "GET", "client_status": "200", "client_bytes": "1277"]
            ),
            (
                "GET call to network for http://10.0.0.1:9696/v2.0/ports?device_id=5e6f used request id req-4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
                "client_call",
                ["client_service": "network", "callee_request_id": "req-4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8"]
            ),
            (
                "RESP BODY: {\"port\": {\"status\": \"ACTIVE\"}} status: 200 len: 3 time: 0.1", "client_response_body",
                [:]
            ),
        ]
        for (message, rule, extras) in lines {
            var x = base(message, component: "keystoneauth.session")
            x.rule = rule
            x.extras = extras
            expectFields(try parse(message, component: "keystoneauth.session"), x)
        }
    }

    @Test func openTelemetryBracketKeepsTheHTTPFieldsAndTheIds() throws {
        var parser = try Fixtures.osloParser()
        let message = "10.0.0.9 \"GET /v2.1/flavors/detail\" status: 200 len: 2211 microversion: 2.96 time: 0.031337"
        let e = parser.parse(
            "2025-02-10 14:02:11.532 31 INFO nova.api.openstack.requestlog [None req-3f2e1d0c-9b8a-4766-a554-433221100fed admin admin - default default] [trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 resource.service.name=nova-api trace_sampled=True] \(message)"
        )
        expectFields(
            e,
            Expected(
                rule: "nova_wsgi_request", time: CivilTime.oracle("2025-02-10 14:02:11.532"), pid: 31, level: .info,
                component: "nova.api.openstack.requestlog", requestID: "req-3f2e1d0c-9b8a-4766-a554-433221100fed",
                user: "admin", project: "admin", message: message, method: "GET", path: "/v2.1/flavors/detail",
                status: 200, bytes: 2211, latencyMs: 31.337, traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
                spanID: "00f067aa0ba902b7", extras: ["microversion": "2.96"]))
        // After the instance tag, and unsampled (all-zero ids are no ids).
        let late = parser.parse(
            "2025-02-10 14:02:11.600 31 INFO nova.compute.api [None req-3f2e1d0c-9b8a-4766-a554-433221100fed admin admin - default default] [instance: 96abccce-8d1f-4e07-b6d1-4b2ab87e23b4] [trace_id=0 span_id=0 resource.service.name=nova-api trace_sampled=False] Deleting"
        )
        #expect(late.text(late.message) == "Deleting")
        #expect(late.text(late.instanceID) == "96abccce-8d1f-4e07-b6d1-4b2ab87e23b4")
        #expect(late.traceID == nil && late.spanID == nil)
    }
}

@Suite struct MultiLineRecordTests {
    static let instance = "96abccce-8d1f-4e07-b6d1-4b2ab87e23b4"

    /// Kilo: the record, then its traceback as TRACE lines (same pid, any component), ending
    /// with a prefix-only line.
    @Test func traceLinesContinueTheRecordBeforeThem() throws {
        var parser = try Fixtures.osloParser()
        let i = Self.instance
        let lines = [
            "2015-06-09 11:02:51.883 20515 ERROR nova.compute.manager [req-77aa1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6 admin demo - - -] [instance: \(i)] Instance failed to spawn",
            "2015-06-09 11:02:51.883 20515 TRACE nova.compute.manager [instance: \(i)] Traceback (most recent call last):",
            "2015-06-09 11:02:51.883 20515 TRACE nova.compute.manager [instance: \(i)]   File \"/usr/lib/python2.7/dist-packages/nova/compute/manager.py\", line 2461, in _build_resources",
            "2015-06-09 11:02:51.883 20515 TRACE nova.compute.manager [instance: \(i)]     yield resources",
            "2015-06-09 11:02:51.883 20515 TRACE nova.compute.manager [instance: \(i)] ",
            "2015-06-09 11:02:51.883 20515 TRACE nova.compute.manager ",
        ]
        let events = lines.map { parser.parse($0) }
        #expect(events[0].isContinuation == false)
        #expect(events[0].level == .error)
        for e in events.dropFirst() {
            #expect(e.isContinuation)
            #expect(e.matchedRule == "oslo_bare")
            #expect(e.level == .trace)
            #expect(e.pid == 20515)
            #expect(e.requestID == nil)
        }
        #expect(events[1].text(events[1].message) == "Traceback (most recent call last):")
        #expect(events[3].text(events[3].message) == "    yield resources")
        #expect(events[4].text(events[4].message) == "")
        #expect(events[5].text(events[5].message) == "")
        #expect(parser.counters.continuations == 5)
    }

    /// Liberty+: ERROR-prefixed traceback lines, a Python 3.11 caret line, the final
    /// prefix-only line with its trailing space trimmed; another worker's line in between
    /// whose time is earlier (workers write out of order).
    @Test func errorPrefixedTracebackAcrossInterleavedWorkers() throws {
        var parser = try Fixtures.osloParser()
        let i = Self.instance
        let lines = [
            "2024-07-11 22:10:59.946 27 ERROR nova.compute.manager [None req-6d5c4b3a-2918-4776-8564-534231201f0e admin demo - default default] [instance: \(i)] Failed to build and run instance: libvirt.libvirtError: internal error",
            "2024-07-11 22:10:59.946 27 ERROR nova.compute.manager [instance: \(i)] Traceback (most recent call last):",
            "2024-07-11 22:10:59.901 28 INFO nova.compute.manager [-] Running periodic task ComputeManager._heal_instance_info_cache",
            "2024-07-11 22:10:59.946 27 ERROR nova.compute.manager [instance: \(i)]     self._spawn(context, instance)",
            "2024-07-11 22:10:59.946 27 ERROR nova.compute.manager [instance: \(i)]     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
            "2024-07-11 22:10:59.946 27 ERROR nova.compute.manager [instance: \(i)]",
            "2024-07-11 22:10:59.946 27 ERROR nova.compute.manager",
        ]
        let events = lines.map { parser.parse($0) }
        #expect(events.map(\.isContinuation) == [false, true, false, true, true, true, true])
        #expect(events[4].text(events[4].message) == "    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^")
        #expect(events[5].text(events[5].instanceID) == i)
        #expect(events[6].message == nil)
        #expect(events[2].timestamp?.iso8601 == "2024-07-11T22:10:59.901Z")
        #expect(parser.counters.unmatchedTotal == 0)
    }

    /// Bare traceback lines and the raw newlines inside processutils' and the clients' messages.
    @Test func rawEmbeddedNewlinesContinueTheirRecord() throws {
        var parser = try Fixtures.osloParser()
        let first = parser.parse(
            "2016-05-16 00:00:10.302 2931 ERROR nova.virt.libvirt.driver [req-0a1b2c3d-1111-4222-8333-944455556666 admin demo - - -] Unexpected error while running command."
        )
        let raw = [
            "Command: sudo nova-rootwrap /etc/nova/rootwrap.conf ip link set qvb0a1b2c3d-4e up",
            "Exit code: 2",
            "Stdout: u''",
            "Stderr: u'Cannot find device \"qvb0a1b2c3d-4e\"\\n'",
            "RESP BODY: {\"server\": {\"status\": \"ACTIVE\"}}",
            "Traceback (most recent call last):",
        ].map { parser.parse($0) }
        #expect(first.isContinuation == false)
        for e in raw {
            #expect(e.isContinuation)
            #expect(e.timestamp == nil && e.pid == nil && e.requestID == nil && e.http == nil)
        }
        #expect(raw[1].text(raw[1].message) == "Exit code: 2")
    }

    @Test func utf8AnsiAndLongLines() throws {
        var parser = try Fixtures.osloParser()
        let utf8 = parser.parse(
            "2021-03-04 05:06:07.080 99 WARNING nova.compute.manager [-] Instance «serveur-été» 名前 has no host")
        #expect(utf8.text(utf8.message) == "Instance «serveur-été» 名前 has no host")
        #expect(utf8.level == .warning)

        let esc = "\u{1B}"
        let colored = parser.parse(
            "2016-01-20 10:11:12.345 \(esc)[00;32mDEBUG nova.compute.manager [\(esc)[01;36mreq-9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4 \(esc)[00;36madmin demo\(esc)[00;32m] \(esc)[01;35m\(esc)[00;32mAuditing locally available compute resources\(esc)[00m \(esc)[00;33mfrom (pid=4242) update_available_resource /opt/stack/new/nova/nova/compute/resource_tracker.py:505\(esc)[00m"
        )
        expectFields(
            colored,
            Expected(
                rule: "oslo", time: CivilTime.oracle("2016-01-20 10:11:12.345"), pid: 4242, level: .debug,
                component: "nova.compute.manager", requestID: "req-9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4",
                user: "admin", project: "demo",
                message:
                    "Auditing locally available compute resources from (pid=4242) update_available_resource /opt/stack/new/nova/nova/compute/resource_tracker.py:505",
                extras: ["function": "update_available_resource"]))

        let body = String(repeating: "x", count: 8_000)
        let long = parser.parse(
            "2021-03-04 05:06:07.080 99 DEBUG nova.api [req-0a1b2c3d-1111-4222-8333-944455556666 a b - - -] RESP BODY: \(body)"
        )
        #expect(long.text(long.message) == "RESP BODY: \(body)")
        #expect(long.requestID?.description == "req-0a1b2c3d-1111-4222-8333-944455556666")
        #expect(long.truncated == false)
    }
}

@Suite struct WrapperShapeTests {
    /// kolla / EDPM: a whole oslo line inside syslog; the two times in different zones.
    @Test func syslogWrappedOsloLineTakesTheInnerTimeAndTheWrappersSource() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "Jul 11 18:10:59 cmp-0 nova_compute[129891]: 2024-07-11 22:10:59.946 2 ERROR nova.compute.manager [None req-6d5c4b3a-2918-4776-8564-534231201f0e 1c2d3e4f 9f8e7d6c - default default] [instance: 0e1d2c3b-4a59-4687-9786-a5b4c3d2e1f0] Instance failed to spawn"
        )
        expectFields(
            e,
            Expected(
                rule: "syslog_oslo", time: CivilTime.oracle("2024-07-11 22:10:59.946"), pid: 129891, level: .error,
                component: "nova.compute.manager", requestID: "req-6d5c4b3a-2918-4776-8564-534231201f0e",
                user: "1c2d3e4f", project: "9f8e7d6c", instance: "0e1d2c3b-4a59-4687-9786-a5b4c3d2e1f0",
                message: "Instance failed to spawn", extras: ["host": "cmp-0", "oslo_pid": "2"]))
        #expect(e.text(e.fileToken) == "nova_compute")
        let traceback = parser.parse(
            "Jul 11 18:10:59 cmp-0 nova_compute[129891]: 2024-07-11 22:10:59.946 2 ERROR nova.compute.manager [instance: 0e1d2c3b-4a59-4687-9786-a5b4c3d2e1f0] Traceback (most recent call last):"
        )
        #expect(traceback.matchedRule == "syslog_oslo_bare")
        #expect(traceback.isContinuation)
        let iso = parser.parse(
            "2024-07-11T18:11:00.120001-04:00 cmp-0 nova-compute: 2024-07-11 22:11:00.119 2 INFO nova.compute.manager [-] Took 1.20 seconds to deallocate network"
        )
        #expect(iso.matchedRule == "syslog_oslo")
        #expect(iso.timestamp?.iso8601 == "2024-07-11T22:11:00.119Z")
        #expect(iso.pid == nil)
        #expect(extra(iso, "oslo_pid") == "2")
        #expect(iso.text(iso.fileToken) == "nova-compute")
    }

    /// devstack's journal: the wrapper's time (year from the reference), host, unit and pid;
    /// the context is [global request project user].
    @Test func devstackJournalLine() throws {
        var parser = try Fixtures.osloParser()
        parser.yearReference = CivilTime(year: 2019, month: 9, day: 6).eventTime
        let e = parser.parse(
            "Sep 05 09:02:08.123456 ubuntu-bionic-ovh-gra1-0010716612 devstack@n-cpu.service[15144]: DEBUG nova.compute.manager [None req-1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9 tempest-ServersTestJSON-1370 tempest-ServersTestJSON-1370-project-member] [instance: 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9] Terminating instance {{(pid=15144) _shutdown_instance /opt/stack/nova/nova/compute/manager.py:3146}}"
        )
        expectFields(
            e,
            Expected(
                rule: "journal_oslo", time: "2019-09-05T09:02:08.123Z", pid: 15144, level: .debug,
                component: "nova.compute.manager", requestID: "req-1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
                user: "tempest-ServersTestJSON-1370-project-member", project: "tempest-ServersTestJSON-1370",
                instance: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
                message:
                    "Terminating instance {{(pid=15144) _shutdown_instance /opt/stack/nova/nova/compute/manager.py:3146}}",
                extras: [
                    "host": "ubuntu-bionic-ovh-gra1-0010716612", "function": "_shutdown_instance",
                    "code_location": "/opt/stack/nova/nova/compute/manager.py:3146",
                ]))
        #expect(e.text(e.fileToken) == "devstack@n-cpu.service")
        // The exact microseconds.
        #expect(
            e.timestamp
                == CivilTime(year: 2019, month: 9, day: 5, hour: 9, minute: 2, second: 8, nanosecond: 123_456_000)
                .eventTime)
    }

    @Test func journalRequestLineUwsgiLineTracebackAndHeader() throws {
        var parser = try Fixtures.osloParser()
        parser.yearReference = CivilTime(year: 2019, month: 9, day: 5, hour: 12).eventTime
        let header = parser.parse(
            "-- Logs begin at Thu 2019-09-05 08:40:01 UTC, end at Thu 2019-09-05 09:53:11 UTC. --")
        #expect(parser.lastLineSkipped)
        #expect(header.matchedRule == "journal_header")
        let request = parser.parse(
            "Sep 05 09:02:09.000100 controller devstack@n-api.service[15201]: INFO nova.api.openstack.requestlog [req-aa000000-0000-4000-8000-000000000001 req-bb000000-0000-4000-8000-000000000002 admin admin - default default] 10.0.0.5 \"GET /compute/v2.1/servers/detail\" status: 200 len: 1893 microversion: 2.1 time: 0.120411"
        )
        #expect(parser.lastLineSkipped == false)
        expectFields(
            request,
            Expected(
                rule: "nova_wsgi_request", time: "2019-09-05T09:02:09.000Z", pid: 15201, level: .info,
                component: "nova.api.openstack.requestlog", requestID: "req-bb000000-0000-4000-8000-000000000002",
                globalRequestID: "req-aa000000-0000-4000-8000-000000000001", user: "admin", project: "admin",
                message:
                    "10.0.0.5 \"GET /compute/v2.1/servers/detail\" status: 200 len: 1893 microversion: 2.1 time: 0.120411",
                method: "GET", path: "/compute/v2.1/servers/detail", status: 200, bytes: 1893, latencyMs: 120.411,
                extras: ["host": "controller", "microversion": "2.1"]))
        let uwsgi = parser.parse(
            "Sep 05 09:02:09.000200 controller devstack@n-api.service[15201]: [pid: 15203|app: 0|req: 7/12] 10.0.0.5 () {62 vars in 1381 bytes} [Thu Sep  5 09:02:08 2019] GET /compute/v2.1/servers/detail => generated 1893 bytes in 121 msecs (HTTP/1.1 200) 9 headers in 360 bytes (1 switches on core 0)"
        )
        #expect(uwsgi.matchedRule == "uwsgi_request_line")
        #expect(uwsgi.timestamp?.iso8601 == "2019-09-05T09:02:09.000Z")
        #expect(uwsgi.pid == 15203)
        #expect(uwsgi.http?.status == 200 && uwsgi.http?.bytes == 1893 && uwsgi.http?.latencyMs == 121)
        let error = parser.parse(
            "Sep 05 09:02:10.5 controller devstack@n-api.service[15201]: ERROR nova.api.openstack.wsgi [None req-cc000000-0000-4000-8000-000000000003 demo demo] Unexpected exception in API method: KeyError: 'flavor'"
        )
        let tb = parser.parse(
            "Sep 05 09:02:10.5 controller devstack@n-api.service[15201]: ERROR nova.api.openstack.wsgi Traceback (most recent call last):"
        )
        #expect(error.isContinuation == false && error.level == .error)
        #expect(error.text(error.user) == "demo" && error.text(error.project) == "demo")
        #expect(tb.matchedRule == "journal_oslo_bare" && tb.isContinuation)
        #expect(parser.counters.skipped == 1)
        #expect(parser.counters.matched == 4)
        #expect(parser.counters.unmatchedTotal == 0)
    }

    /// A December line read with a January reference belongs to the year before.
    @Test func yearlessTimesFallBeforeTheReference() throws {
        var parser = try Fixtures.osloParser()
        parser.yearReference = CivilTime(year: 2025, month: 1, day: 2, hour: 3).eventTime
        let december = parser.parse("Dec 31 23:59:59 host nova-compute[7]: hello")
        #expect(december.timestamp?.iso8601 == "2024-12-31T23:59:59.000Z")
        let january = parser.parse("Jan  2 05:00:00 host nova-compute[7]: hello")
        #expect(january.timestamp?.iso8601 == "2025-01-02T05:00:00.000Z")
        let leap = parser.parse("Feb 29 10:00:00 host nova-compute[7]: hello")
        #expect(leap.timestamp?.iso8601 == "2024-02-29T10:00:00.000Z")
        #expect(december.matchedRule == "journal_raw")
        #expect(december.text(december.message) == "hello")
    }

    @Test func badWrapperTimesAreCountedNotCrashed() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse("Sep 31 09:02:08 host nova-compute[7]: hello")
        #expect(e.unmatched == .badTimestamp)
        let f = parser.parse("Sep 05 29:02:08 host nova-compute[7]: hello")
        #expect(f.unmatched == .badTimestamp)
        #expect(parser.counters.unmatched(.badTimestamp) == 2)
    }
}
