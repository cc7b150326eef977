import PatternParser
import Testing
import TraceTailCore

@Suite("JSON line decoder")
struct JSONLineDecoderTests {
    private let decoder = JSONLineDecoder()

    private func decode(_ line: String, lineID: Int = 7) -> LogEvent {
        decoder.decode(jsonBytes(line), source: SourceID(3), lineID: lineID)
    }

    private func extra(_ event: LogEvent, _ name: String) -> String? {
        event.extra.first { $0.name == name }.map { event.text($0.range)! }
    }

    private static let t0 = CivilTime(
        year: 2026, month: 11, day: 27, hour: 10, minute: 0, second: 5, nanosecond: 250_000_000
    )
    .eventTime

    @Test func seedEventShapeGivesExactIds() throws {
        let event = decode(
            #"{"LineId":1001,"Level":"INFO","Component":"nova.compute.manager","latency_ms":250,"status":200,"trace_id":1234567890,"span_id":1234567891}"#,
            lineID: 12)
        #expect(event.matchedRule == "json")
        #expect(event.unmatched == nil)
        #expect(event.source == SourceID(3))
        #expect(event.lineID == 12)
        #expect(event.level == .info)
        #expect(event.text(event.component) == "nova.compute.manager")
        #expect(event.http?.status == 200)
        #expect(event.http?.latencyMs == 250)
        #expect(event.traceID?.description == "000000000000000000000000499602d2")
        #expect(event.spanID?.description == "00000000499602d3")
        #expect(event.parentID == nil)
        #expect(extra(event, "event_id") == "1001")
        #expect(event.timestamp == nil)
    }

    @Test(arguments: ["timestamp", "@timestamp", "time", "asctime", "TIMESTAMP", "@Timestamp", "Time", "ascTime"])
    func timeAliases(key: String) throws {
        let event = decode(#"{"\#(key)":"2026-11-27T10:00:05.250Z","message":"m"}"#)
        #expect(event.timestamp == Self.t0)
        #expect(event.text(event.timestampText) == "2026-11-27T10:00:05.250Z")
        #expect(event.matchedRule == "json")
    }

    @Test func timeKeyPriorityFollowsTheDocumentedOrder() {
        let event = decode(#"{"time":"2020-01-01T00:00:00Z","timestamp":"2026-11-27T10:00:05.250Z"}"#)
        #expect(event.timestamp == Self.t0)
    }

    @Test func epochNumbersAreTimes() {
        let seconds = decode(#"{"timestamp":1795773605.25}"#)
        #expect(seconds.timestamp == Self.t0)
        #expect(seconds.text(seconds.timestampText) == "1795773605.25")
        let millis = decode(#"{"time":1795773605250}"#)
        #expect(millis.timestamp == Self.t0)
        let created = decode(#"{"created":1795773605.25,"message":"x"}"#)
        #expect(created.timestamp == Self.t0)
        #expect(created.text(created.timestampText) == "1795773605.25")
    }

    @Test func zonelessAsctimeTakesItsInstantFromCreated() {
        // Host in UTC+1: asctime is local, created is the true epoch.
        let event = decode(#"{"asctime":"2026-11-27 11:00:05,250","created":1795773605.25}"#)
        #expect(event.timestamp == Self.t0)
        #expect(event.text(event.timestampText) == "2026-11-27 11:00:05,250")
        let zoned = decode(#"{"timestamp":"2026-11-27T10:00:05.250Z","created":1.0}"#)
        #expect(zoned.timestamp == Self.t0)
    }

    @Test func badTimeIsCountedButFieldsStay() {
        let event = decode(#"{"timestamp":"2026-02-30T00:00:00Z","level":"ERROR"}"#)
        #expect(event.unmatched == .badTimestamp)
        #expect(event.matchedRule == nil)
        #expect(event.level == .error)
        #expect(event.timestamp == nil)
        let fallback = decode(#"{"timestamp":"soon","time":"2026-11-27T10:00:05.250Z"}"#)
        #expect(fallback.timestamp == Self.t0)
        #expect(fallback.unmatched == nil)
    }

    @Test(arguments: ["level", "levelname", "Level", "LEVELNAME", "LevelName"])
    func levelAliases(key: String) {
        #expect(decode(#"{"\#(key)":"warning"}"#).level == .warning)
    }

    @Test(arguments: ["component", "name", "logger", "Component", "NAME"])
    func componentAliases(key: String) {
        let event = decode(#"{"\#(key)":"nova.api"}"#)
        #expect(event.text(event.component) == "nova.api")
    }

    @Test(arguments: [#""process":2931"#, #""pid":2931"#, #""PID":"2931""#, #""Process":2931.0"#])
    func pidAliases(member: String) {
        #expect(decode("{\(member)}").pid == 2931)
    }

    @Test(arguments: ["user", "user_id", "User", "USER_ID"])
    func userAliases(key: String) {
        let event = decode(#"{"\#(key)":"u1"}"#)
        #expect(event.text(event.user) == "u1")
    }

    @Test(arguments: ["project", "project_id", "tenant", "tenant_id", "Tenant"])
    func projectAliases(key: String) {
        let event = decode(#"{"\#(key)":"p1"}"#)
        #expect(event.text(event.project) == "p1")
    }

    @Test(arguments: [
        #""instance_uuid":"b9000564-fe1a-409b-b8cc-1e88b294cd1d""#,
        #""instance":"b9000564-fe1a-409b-b8cc-1e88b294cd1d""#,
        #""instance_id":"b9000564-fe1a-409b-b8cc-1e88b294cd1d""#,
        #""Instance":{"uuid":"b9000564-fe1a-409b-b8cc-1e88b294cd1d","name":"vm"}"#,
        #""extra":{"instance":{"uuid":"b9000564-fe1a-409b-b8cc-1e88b294cd1d"}}"#,
        #""context":{"resource_uuid":"b9000564-fe1a-409b-b8cc-1e88b294cd1d"}"#,
    ])
    func instanceAliases(member: String) {
        let event = decode("{\(member)}")
        #expect(event.text(event.instanceID) == "b9000564-fe1a-409b-b8cc-1e88b294cd1d")
    }

    @Test(arguments: [#""status":503"#, #""status_code":503"#, #""Status":"503""#])
    func statusAliases(member: String) {
        #expect(decode("{\(member)}").http?.status == 503)
    }

    @Test func httpFields() {
        let event = decode(#"{"method":"POST","path":"/v2.1/servers","status":202,"latency_ms":"12.5","bytes":1893}"#)
        #expect(event.text(event.http?.method) == "POST")
        #expect(event.text(event.http?.path) == "/v2.1/servers")
        #expect(event.http?.status == 202)
        #expect(event.http?.latencyMs == 12.5)
        #expect(event.http?.bytes == 1893)
        #expect(decode(#"{"message":"no http"}"#).http == nil)
        #expect(decode(#"{"latency_ms":-3}"#).http == nil)
        #expect(decode(#"{"latency_ms":1e999}"#).http == nil)
    }

    @Test func flatRequestIds() {
        let event = decode(
            #"{"request_id":"req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab","global_request_id":"req-0f6a1c2e-1111-2222-3333-44445555b115"}"#
        )
        #expect(event.requestID?.description == "req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab")
        #expect(event.text(event.requestIDText) == "req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab")
        #expect(event.globalRequestID?.description == "req-0f6a1c2e-1111-2222-3333-44445555b115")
    }

    @Test(arguments: [#""None""#, #""-""#, "null", #""""#])
    func absentGlobalRequestId(value: String) {
        let event = decode(
            #"{"request_id":"req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab","global_request_id":\#(value),"user":\#(value)}"#
        )
        #expect(event.requestID != nil)
        #expect(event.globalRequestID == nil)
        #expect(event.user == nil)
    }

    /// A line as oslo.log's JSONFormatter writes it: context nested, instance in `extra`,
    /// `asctime` local without zone, `created` epoch seconds.
    @Test func osloJSONFormatterLine() throws {
        let line =
            #"{"message": "Took 0.52 seconds to spawn the instance on the hypervisor.", "asctime": "2017-05-16 00:00:04,500", "name": "nova.compute.manager", "msg": "Took %0.2f seconds to spawn the instance on the hypervisor.", "args": [0.52], "levelname": "INFO", "levelno": 20, "pathname": "/usr/lib/python3/dist-packages/nova/compute/manager.py", "filename": "manager.py", "module": "manager", "lineno": 2420, "funcname": "_build_and_run_instance", "created": 1494892804.5003, "msecs": 500.3, "relative_created": 12345.6, "thread": 140, "thread_name": "MainThread", "process_name": "MainProcess", "process": 2931, "traceback": null, "hostname": "cp-1", "error_summary": "", "context": {"user": "113d3a99c3da401fbd62cc2caa5b96d2", "tenant": "54fadb412c4e40cdbaed9335e4c35a9e", "project_name": "admin", "request_id": "req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab", "global_request_id": null, "resource_uuid": null, "auth_token": "gAAAA-secret", "is_admin": true, "roles": ["admin"]}, "extra": {"project": "nova", "version": "unknown", "instance": {"uuid": "b9000564-fe1a-409b-b8cc-1e88b294cd1d"}}}"#
        let event = decode(line)
        #expect(event.matchedRule == "json")
        let expected = CivilTime(year: 2017, month: 5, day: 16, hour: 0, minute: 0, second: 4, nanosecond: 500_300_000)
        #expect(event.timestamp == expected.eventTime)
        #expect(event.text(event.timestampText) == "2017-05-16 00:00:04,500")
        #expect(event.level == .info)
        #expect(event.text(event.component) == "nova.compute.manager")
        #expect(event.pid == 2931)
        #expect(event.text(event.message) == "Took 0.52 seconds to spawn the instance on the hypervisor.")
        #expect(event.requestID?.description == "req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab")
        #expect(event.globalRequestID == nil)
        #expect(event.text(event.user) == "113d3a99c3da401fbd62cc2caa5b96d2")
        #expect(event.text(event.project) == "54fadb412c4e40cdbaed9335e4c35a9e")  // not extra.project "nova"
        #expect(event.text(event.instanceID) == "b9000564-fe1a-409b-b8cc-1e88b294cd1d")
        #expect(extra(event, "hostname") == "cp-1")
        #expect(extra(event, "lineno") == "2420")
        #expect(extra(event, "msecs") == "500.3")
        #expect(extra(event, "traceback") == nil)  // null
        #expect(extra(event, "args") == nil)  // array
        #expect(!event.extra.contains { $0.name.contains("auth_token") })
        #expect(!event.extra.contains { event.text($0.range) == "gAAAA-secret" })
    }

    @Test func topLevelWinsOverNestedContext() {
        let event = decode(
            #"{"context":{"request_id":"req-00000000-0000-0000-0000-000000000002","user":"ctx"},"request_id":"req-00000000-0000-0000-0000-000000000001"}"#
        )
        #expect(event.requestID?.uuid.low == 1)
        #expect(event.text(event.user) == "ctx")
    }

    @Test(arguments: [
        (
            #""trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7""#,
            "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
        ),
        (#""trace_id":"0x499602D2","span_id":"0X499602d3""#, "000000000000000000000000499602d2", "00000000499602d3"),
        (#""trace_id":"1234567890","span_id":"1234567891""#, "000000000000000000000000499602d2", "00000000499602d3"),
        (
            #""trace_id":18446744073709551615,"span_id":18446744073709551615"#,
            "0000000000000000ffffffffffffffff", "ffffffffffffffff"
        ),
        (
            #""trace_id":"18446744073709551615","span_id":"18446744073709551615""#,
            "0000000000000000ffffffffffffffff", "ffffffffffffffff"
        ),
        (
            #""dd.trace_id":"1234567890","dd.span_id":"1234567891""#,
            "000000000000000000000000499602d2", "00000000499602d3"
        ),
        (
            #""dd":{"trace_id":"1234567890","span_id":"1234567891"}"#,
            "000000000000000000000000499602d2", "00000000499602d3"
        ),
        (
            #""Trace_ID":"0000000000000000000000000000abcd","SPAN_ID":"000000000000abcd""#,
            "0000000000000000000000000000abcd", "000000000000abcd"
        ),
    ])
    func traceContext(members: String, trace: String, span: String) {
        let event = decode("{\(members),\"parent_id\":\"42\"}")
        #expect(event.traceID?.description == trace)
        #expect(event.spanID?.description == span)
        #expect(event.parentID == SpanID(42))
    }

    @Test(arguments: [
        #""trace_id":0,"span_id":0"#,
        #""trace_id":"4bf92f3577b34da6a3ce929d0e0e47361","span_id":"00f067aa0ba902b71""#,  // 33 / 17 hex digits
        #""trace_id":-5,"span_id":1.5"#,
        #""trace_id":99999999999999999999999,"span_id":"18446744073709551616z""#,
        #""trace_id":"xyz","span_id":true"#,
        #""trace_id":"","span_id":null"#,
    ])
    func invalidTraceContextIsAbsent(members: String) {
        let event = decode("{\(members)}")
        #expect(event.matchedRule == "json")
        #expect(event.traceID == nil)
        #expect(event.spanID == nil)
    }

    @Test func escapedValuesLiveInStorage() {
        let event = decode(#"{"message":"line1\nline2 \"q\" caf\u00e9 \ud83d\ude00 \ud800","component":"n\u0041me"}"#)
        #expect(event.text(event.message) == "line1\nline2 \"q\" café 😀 \u{FFFD}")
        #expect(event.text(event.component) == "nAme")
    }

    @Test func unknownScalarsBecomeExtraAttributes() {
        let event = decode(
            #"{"host":"cp-1","retries":3,"ok":true,"bad":false,"gone":null,"obj":{"a":1},"list":[1],"X-Auth-Token":"t","db_password":"p","apiKey":"k"}"#
        )
        let names = event.extra.map(\.name)
        #expect(names == ["host", "retries", "ok", "bad"])
        #expect(extra(event, "retries") == "3")
        #expect(extra(event, "ok") == "true")
        #expect(extra(event, "bad") == "false")
    }

    @Test(arguments: ["", "   ", "\t\r"])
    func blankLinesAreEmpty(line: String) {
        let event = decode(line)
        #expect(event.unmatched == .empty)
        #expect(event.matchedRule == nil)
    }

    @Test(arguments: [
        "[1,2]", #""just a string""#, "42", "true", "null",
        "{", #"{"a":1"#, #"{"a":1}}"#, #"{"a":1} trailing"#, #"{"message":"cut here"#,
        "2017-05-16 00:00:00.008 2931 INFO nova.compute.manager [-] hello",
        String(repeating: "[", count: 10_000), String(repeating: #"{"a":"#, count: 10_000),
        "{\"a\":\"x\u{0}y\"}", "{\u{0}}", "\u{0}",
        "123456789012345678901234567890123456789",
    ])
    func malformedLinesAreInvalidJSON(line: String) {
        let event = decode(line)
        #expect(event.unmatched == .invalidJSON)
        #expect(event.matchedRule == nil)
        #expect(event.storage.elementsEqual(line.utf8))
    }

    @Test(
        arguments: [
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D],  // {"a":"\xFF"}
            [0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D],  // overlong in a key
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xE2, 0x82],  // cut inside a scalar
        ] as [[UInt8]])
    func invalidUTF8IsInvalidJSON(bytes: [UInt8]) {
        let event = decoder.decode(ArraySlice(bytes), source: SourceID(0), lineID: 1)
        #expect(event.unmatched == .invalidJSON)
    }

    /// Mutated seed lines: every one decodes to some event without trapping, and every text
    /// range of the result lies inside its storage.
    @Test func mutatedLinesNeverTrap() {
        let seed = Array(
            #"{"LineId":1001,"timestamp":"2026-11-27T10:00:05.250Z","Level":"INFO","Component":"nova.compute.manager","latency_ms":250,"status":200,"trace_id":1234567890,"span_id":1234567891,"context":{"request_id":"req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab"}}"#
                .utf8)
        var rng = SplitMix64(seed: 7)
        var matched = 0
        for i in 0..<2000 {
            var line = seed
            let index = Int(rng.next() % UInt64(line.count))
            line[index] = UInt8(truncatingIfNeeded: rng.next())
            let event = decoder.decode(line[...], source: SourceID(0), lineID: i + 1)
            if event.matchedRule == "json" { matched += 1 }
            let ranges =
                [
                    event.component, event.message, event.user, event.project, event.instanceID, event.requestIDText,
                    event.timestampText,
                ]
                .compactMap { $0 } + event.extra.map(\.range)
            #expect(ranges.allSatisfy { $0.start >= 0 && $0.start <= $0.end && Int($0.end) <= event.storage.count })
        }
        #expect(matched > 0 && matched < 2000)
    }
}
