import PatternParser
import Testing
import TraceTailCore

@Suite struct OsloFormatTests {
    private func time(_ text: String) -> EventTime? {
        // Test oracle built independently of the parser's byte scanner.
        let p = text.split(whereSeparator: { "- :.TZ".contains($0) }).map { Int($0)! }
        return CivilTime(
            year: p[0], month: p[1], day: p[2], hour: p[3], minute: p[4], second: p[5], nanosecond: p[6] * 1_000_000
        ).eventTime
    }

    @Test func loghubLineWithOldContextAndNovaRequest() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
            lineID: 7)
        #expect(e.lineID == 7)
        #expect(e.unmatched == nil)
        #expect(e.matchedRule == "nova_wsgi_request")
        #expect(e.text(e.fileToken) == "nova-api.log.1.2017-05-16_13:53:08")
        #expect(e.timestamp == time("2017-05-16 00:00:00.008"))
        #expect(e.text(e.timestampText) == "2017-05-16 00:00:00.008")
        #expect(e.pid == 25746)
        #expect(e.level == .info)
        #expect(e.text(e.component) == "nova.osapi_compute.wsgi.server")
        #expect(e.requestID == RequestID("req-38101a0b-2096-447d-96ea-a692162415ae"))
        #expect(e.text(e.requestIDText) == "req-38101a0b-2096-447d-96ea-a692162415ae")
        #expect(e.globalRequestID == nil)
        #expect(e.text(e.user) == "113d3a99c3da401fbd62cc2caa5b96d2")
        #expect(e.text(e.project) == "54fadb412c4e40cdbaed9335e4c35a9e")
        #expect(e.instanceID == nil)
        #expect(e.text(e.message)?.hasPrefix("10.11.10.1 \"GET /v2/") == true)
        #expect(e.text(e.http?.method) == "GET")
        #expect(e.text(e.http?.path) == "/v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail")
        #expect(e.http?.status == 200)
        #expect(e.http?.bytes == 1893)
        #expect(e.http?.latencyMs == 247.7829)
        #expect(e.isContinuation == false)
        #expect(e.truncated == false)
        #expect(e.traceID == nil && e.spanID == nil && e.parentID == nil)
        #expect(e.extra.isEmpty)
    }

    @Test func currentContextWithNoneGlobalIdAndMicroversion() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "2023-03-01 10:00:00.123 4242 INFO nova.api.openstack.requestlog [None req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6 admin demo - - default default] 10.0.0.1 \"GET /v2.1/servers HTTP/1.1\" status: 200 len: 1893 microversion: 2.1 time: 0.247"
        )
        #expect(e.fileToken == nil)
        #expect(e.timestamp == time("2023-03-01 10:00:00.123"))
        #expect(e.requestID == RequestID("req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6"))
        #expect(e.globalRequestID == nil)
        #expect(e.text(e.user) == "admin")
        #expect(e.text(e.project) == "demo")
        #expect(e.http?.latencyMs == 247)
        #expect(e.text(e.http?.path) == "/v2.1/servers")
        #expect(e.extra.count == 1)
        #expect(e.extra.first?.name == "microversion")
        #expect(e.extra.first.map { e.text($0.range) } == "2.1")
    }

    @Test func globalRequestIdAndAbsentUserProject() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "2023-03-01 10:00:00.200 77 DEBUG nova.compute.api [req-11111111-2222-3333-4444-555555555555 req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6 None - - - default default] Fetching instance"
        )
        #expect(e.matchedRule == "oslo")
        #expect(e.level == .debug)
        #expect(e.globalRequestID == RequestID("req-11111111-2222-3333-4444-555555555555"))
        #expect(e.requestID == RequestID("req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6"))
        #expect(e.user == nil)
        #expect(e.project == nil)
        #expect(e.text(e.message) == "Fetching instance")
        #expect(e.http == nil)
    }

    @Test func dashContextWithInstanceTag() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "nova-compute.log.1.2017-05-16_13:55:31 2017-05-16 00:00:10.302 2931 INFO nova.virt.libvirt.driver [-] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] Instance spawned successfully."
        )
        #expect(e.matchedRule == "oslo")
        #expect(e.requestID == nil && e.requestIDText == nil)
        #expect(e.text(e.instanceID) == "b9000564-fe1a-409b-b8cc-1e88b294cd1d")
        #expect(e.text(e.message) == "Instance spawned successfully.")
        #expect(e.isContinuation == false)
    }

    @Test func neutronTwoSpacesBeforeLen() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "2023-03-01 10:00:02.000 900 INFO neutron.wsgi [req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6 admin demo - - -] 10.0.0.5 \"GET /v2.0/networks?name=x HTTP/1.1\" status: 200  len: 1893 time: 0.0312"
        )
        #expect(e.matchedRule == "nova_wsgi_request")
        #expect(e.text(e.http?.path) == "/v2.0/networks?name=x")
        #expect(e.http?.bytes == 1893)
        #expect(e.http?.latencyMs == 31.2)
    }

    @Test func glanceEventletRequestLine() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "2021-09-19 11:50:55.906 3103 INFO eventlet.wsgi.server [req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6 admin demo - - -] 10.0.0.1 - - [19/Sep/2021 11:50:55] \"GET /v2/images HTTP/1.1\" 404 442 0.909730"
        )
        #expect(e.matchedRule == "eventlet_wsgi_request")
        #expect(e.text(e.http?.method) == "GET")
        #expect(e.text(e.http?.path) == "/v2/images")
        #expect(e.http?.status == 404)
        #expect(e.http?.bytes == 442)
        #expect(e.http?.latencyMs == 909.73)
    }

    @Test func tracebackLinesContinueTheErrorLine() throws {
        var parser = try Fixtures.osloParser()
        let first = parser.parse(
            "2023-03-01 10:00:01.500 4242 ERROR nova.compute.manager [req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6 admin demo - - -] [instance: 96abccce-8d1f-4e07-b6d1-4b2ab87e23b4] Instance failed to spawn"
        )
        let tb = parser.parse(
            "2023-03-01 10:00:01.500 4242 ERROR nova.compute.manager [instance: 96abccce-8d1f-4e07-b6d1-4b2ab87e23b4] Traceback (most recent call last):"
        )
        let raw = parser.parse(
            "  File \"/usr/lib/python3/dist-packages/nova/compute/manager.py\", line 2078, in _build")
        let otherPid = parser.parse("2023-03-01 10:00:01.500 4243 ERROR nova.compute.manager Something else")
        let later = parser.parse("2023-03-01 10:00:01.501 4242 ERROR nova.compute.manager Not the same time")
        #expect(first.isContinuation == false)
        #expect(first.requestID != nil)
        #expect(tb.isContinuation)
        #expect(tb.matchedRule == "oslo_bare")
        #expect(tb.requestID == nil)  // its own fields only: nothing borrowed
        #expect(tb.pid == 4242)
        #expect(tb.text(tb.instanceID) == "96abccce-8d1f-4e07-b6d1-4b2ab87e23b4")
        #expect(tb.text(tb.message) == "Traceback (most recent call last):")
        #expect(raw.isContinuation)
        #expect(raw.matchedRule == "raw_continuation")
        #expect(raw.timestamp == nil && raw.pid == nil && raw.level == nil)
        #expect(raw.text(raw.message)?.hasPrefix("  File ") == true)
        #expect(otherPid.isContinuation == false)
        #expect(later.isContinuation == false)
        #expect(parser.counters.continuations == 2)
        #expect(parser.counters.matched == 5)
    }

    @Test func bareInfoLineIsAnEventNotAContinuation() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse("2023-03-01 10:00:01.500 4242 INFO nova.service Starting compute node (version 27.0.0)")
        #expect(e.matchedRule == "oslo_bare")
        #expect(e.isContinuation == false)
        #expect(e.text(e.message) == "Starting compute node (version 27.0.0)")
    }

    @Test func datadogDecimalAndW3CHexIds() throws {
        var parser = try Fixtures.osloParser()
        let dd = parser.parse(
            "2023-03-01 10:00:00.123 4242 INFO nova.api [-] handled [dd.service=nova dd.env=prod dd.trace_id=1234567890123 dd.span_id=42]"
        )
        #expect(dd.traceID == TraceID(high: 0, low: 1_234_567_890_123))
        #expect(dd.traceID?.description == "00000000000000000000011f71fb04cb")
        #expect(dd.spanID == SpanID(42))
        #expect(dd.spanID?.description == "000000000000002a")
        let w3c = parser.parse(
            "2023-03-01 10:00:00.123 4242 INFO nova.api [-] trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 parent_id=53995c3f42cd8ad8 done"
        )
        #expect(w3c.traceID?.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(w3c.spanID?.description == "00f067aa0ba902b7")
        #expect(w3c.parentID?.description == "53995c3f42cd8ad8")
        let none = parser.parse("2023-03-01 10:00:00.123 4242 INFO nova.api [-] dd.trace_id=0 dd.span_id=0")
        #expect(none.traceID == nil && none.spanID == nil)
    }

    /// Many `=` (query strings) before, between and after the ids: every scan rule still finds
    /// its own literal, and look-alikes (`tenant_id=`, `xtrace_id=`) are not taken for ids.
    @Test func traceIdsAmongQueryStrings() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "2023-03-01 10:00:00.123 4242 INFO nova.api [-] GET /v2.0/ports?tenant_id=aa47&device_id=9 "
                + "xtrace_id=ffffffffffffffffffffffffffffffff a=b span_id=00f067aa0ba902b7 c==d "
                + "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 q=1")
        #expect(e.traceID?.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(e.spanID?.description == "00f067aa0ba902b7")
        #expect(e.parentID == nil)
        let plain = parser.parse("2023-03-01 10:00:00.123 4242 INFO nova.api [-] GET /v2.0/ports?tenant_id=aa47&x=1")
        #expect(plain.traceID == nil && plain.spanID == nil)
        let edge = parser.parse("2023-03-01 10:00:00.123 4242 INFO nova.api [-] =span_id=00f067aa0ba902b7")
        #expect(edge.spanID?.description == "00f067aa0ba902b7")
    }

    @Test func zoneLessTimesGoThroughLocalToUTC() throws {
        var parser = try Fixtures.osloParser()
        parser.localToUTC = { $0 - .minutes(120) }  // a UTC+2 source
        let e = parser.parse("2023-03-01 10:00:00.123 4242 INFO nova.api [-] hello")
        #expect(e.timestamp == time("2023-03-01 08:00:00.123"))
    }

    @Test func impossibleDateIsUnmatchedBadTimestamp() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse("2023-02-30 10:00:00.123 4242 INFO nova.api [-] hello")
        #expect(e.unmatched == .badTimestamp)
        #expect(e.matchedRule == nil)
        #expect(parser.counters.unmatched(.badTimestamp) == 1)
    }

    @Test func emptyAndUnmatchedLinesAreCountedByReason() throws {
        var parser = try Fixtures.osloParser()
        let empty = parser.parse("   ")
        let junk = parser.parse("2017-05-16 00:00:10.302 2931 garbage that only starts like an oslo line")
        #expect(empty.unmatched == .empty)
        #expect(junk.unmatched == .noRule)
        #expect(junk.matchedRule == nil)
        #expect(parser.counters.lines == 2)
        #expect(parser.counters.unmatched(.empty) == 1)
        #expect(parser.counters.unmatched(.noRule) == 1)
        #expect(parser.counters.unmatchedTotal == 2)
        #expect(parser.counters.matched == 0)
    }

    @Test func ctaEventsIsNotALineFormat() {
        #expect(throws: PatternDiagnostics.self) { try LineParser(format: .ctaEvents, patterns: Fixtures.shipped) }
    }

    @Test func userRuleFieldsMapByCaptureName() throws {
        let set = try PatternSet(sources: [
            PatternSource(
                name: "mine.grok",
                text: """
                    TS [0-9-]+T[0-9:.]+Z
                    @rule custom %{TS:timestamp} %{WORD:level} %{WORD:component} took=%{NUM:latency_ms:float} status=%{NUM:status:int} who=%{WORD:client}
                    WORD [a-zA-Z.]+
                    NUM [0-9.]+
                    """)
        ])
        var parser = try LineParser(format: .oslo, patterns: set)
        parser.localToUTC = { _ in EventTime(nanoseconds: 0) }  // must not apply: the time has a zone
        let e = parser.parse("2024-01-02T03:04:05.678Z warn svc.api took=12.5 status=503 who=bob")
        #expect(e.matchedRule == "custom")
        #expect(e.timestamp == time("2024-01-02T03:04:05.678Z"))
        #expect(e.level == .warning)
        #expect(e.http?.latencyMs == 12.5)
        #expect(e.http?.status == 503)
        #expect(e.extra.map(\.name) == ["client"])
        #expect(e.text(e.extra[0].range) == "bob")
    }
}

@Suite struct IdentifierScanTests {
    @Test(
        arguments: [
            ("req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6", "req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6"),
            ("req-0F6A1C2E-1B2C-4D3E-8F90-A1B2C3D4E5F6", "req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6"),
            ("req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5fg", nil),
            ("req-0f6a1c2e-1b2c-4d3e-8f90_a1b2c3d4e5f6", nil),
            ("req-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f", nil),
            ("abc-0f6a1c2e-1b2c-4d3e-8f90-a1b2c3d4e5f6", nil),
        ] as [(String, String?)])
    func looselyCapturedRequestIDsAreValidated(_ text: String, _ expected: String?) throws {
        let set = try PatternSet(sources: [
            PatternSource(name: "l.grok", text: "@rule loose %{ANY:request_id}\nANY .*\n")
        ])
        var parser = try LineParser(format: .oslo, patterns: set)
        let e = parser.parse(text)
        #expect(e.requestID?.description == expected)
        #expect(e.requestID == RequestID(text))  // agrees with Core's parser
    }
}
