import Testing
import TraceTailCore
import TraceTailReport

/// Small inputs whose every number can be checked by hand.
private enum Small {
    static let t0 = CivilTime(year: 2017, month: 5, day: 16, hour: 0, minute: 0, second: 0).eventTime

    static func at(ms: Int64) -> EventTime { t0.advanced(byNanoseconds: ms * 1_000_000) }

    static func span(
        trace: UInt64, id: UInt64, parent: UInt64? = nil, service: String, resource: String, startMs: Int64,
        ms: Int64, status: Int? = nil, error: Bool = false, phase: Phase? = nil,
        attributes extra: [String: AttributeValue] = [:]
    ) -> OutputRecord {
        var attributes = extra
        if let status { attributes["http.status_code"] = .int(status) }
        if let phase { attributes["phase"] = .string(phase.rawValue) }
        return .span(
            Span(
                traceID: TraceID(high: 0, low: trace), spanID: SpanID(id), parentID: parent.map(SpanID.init),
                service: service, name: "openstack.request", resource: resource, start: at(ms: startMs),
                durationNanoseconds: ms * 1_000_000, error: error, attributes: attributes))
    }

    /// A boot request: api → conductor → scheduler, and api → compute (failing). Children are
    /// given out of start order on purpose.
    static let bootTrace: [OutputRecord] = [
        span(
            trace: 1, id: 0x40, parent: 0x10, service: "nova-compute", resource: "build_and_run_instance",
            startMs: 200, ms: 700, error: true,
            attributes: ["error.message": .string("Failed to allocate the network(s)"), "line_count": .int(12)]),
        span(
            trace: 1, id: 0x30, parent: 0x20, service: "nova-scheduler", resource: "select_destinations", startMs: 150,
            ms: 50),
        span(
            trace: 1, id: 0x20, parent: 0x10, service: "nova-conductor", resource: "build_instances", startMs: 100,
            ms: 300),
        span(
            trace: 1, id: 0x10, service: "nova-api", resource: "POST /v2.1/servers", startMs: 0, ms: 1000, status: 202),
    ]

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The line of `section` (a `== … ==` heading prefix) whose first word is `first`, split on spaces.
    static func row(_ text: String, section: String, first: String) -> [String]? {
        let all = lines(text)
        guard let start = all.firstIndex(where: { $0.hasPrefix("== \(section)") }) else { return nil }
        for line in all[(start + 1)...] {
            if line.hasPrefix("== ") { break }
            let words = line.split(separator: " ").map(String.init)
            if words.first == first { return words }
        }
        return nil
    }
}

@Suite struct ReportTextTests {
    @Test func nestedTraceIsATreeWithChildrenInStartOrder() {
        let text = TextReport.render(records: Small.bootTrace, totals: ReplayTotals(), color: false)
        let lines = Small.lines(text)
        let header = try! #require(lines.firstIndex { $0.contains("trace 00000000000000000000000000000001") })
        #expect(lines[header].hasPrefix("00:00:00.000  trace 00000000000000000000000000000001  4 spans  1.00 s"))
        #expect(lines[header].contains("✖ 1 error"))
        // Rails: conductor (first child, has a later sibling) ├─, scheduler under it │  └─, compute └─.
        #expect(lines[header + 1].hasPrefix("  nova-api  POST /v2.1/servers"))
        #expect(lines[header + 2].hasPrefix("  ├─ nova-conductor  build_instances"))
        #expect(lines[header + 3].hasPrefix("  │  └─ nova-scheduler  select_destinations"))
        #expect(lines[header + 4].hasPrefix("  └─ ✖ nova-compute  build_and_run_instance"))
        #expect(lines[header + 1].hasSuffix("1.00 s  202"))
        #expect(lines[header + 3].contains("50.0 ms"))
        // Durations are right-aligned in one column: lines without a status end at the same column,
        // and the entry span's line is longer by exactly "  202".
        #expect(lines[header + 2].count == lines[header + 3].count)
        #expect(lines[header + 1].count == lines[header + 2].count + 5)
    }

    @Test func errorSpansCarryMarkerMessageAndLineCount() {
        let text = TextReport.render(records: Small.bootTrace, totals: ReplayTotals(), color: false)
        let line = try! #require(Small.lines(text).first { $0.contains("nova-compute  build_and_run_instance") })
        #expect(line.contains("✖ nova-compute"))
        #expect(line.hasSuffix("ERR Failed to allocate the network(s) (12 lines)"))
        #expect(line.contains("700 ms"))
    }

    @Test func colourOnlyWhenAsked() {
        let hostile: [OutputRecord] =
            Small.bootTrace + [
                Small.span(
                    trace: 2, id: 0x50, service: "nova-api", resource: "GET /", startMs: 5000, ms: 10, status: 500,
                    error: true, attributes: ["error.message": .string("evil \u{1B}[2J\u{1B}]0;title\u{07} text\nnext")]
                )
            ]
        let plain = TextReport.render(records: hostile, totals: ReplayTotals(), color: false)
        #expect(!plain.contains("\u{1B}"))
        #expect(!plain.contains("\u{07}"))
        #expect(plain.contains("evil ?[2J?]0;title? text⏎next"))
        let colored = TextReport.render(records: hostile, totals: ReplayTotals(), color: true)
        #expect(colored.contains("\u{1B}[31m"))
        // Only our own escapes: the log's ESC [2J never reaches the terminal.
        #expect(!colored.contains("\u{1B}[2J"))
    }

    @Test func orphansAreShownUnderTheirTraceWithAMarker() {
        let records: [OutputRecord] = [
            Small.span(trace: 7, id: 0x1, service: "nova-api", resource: "GET /v2.1/servers", startMs: 0, ms: 100),
            Small.span(
                trace: 7, id: 0x2, parent: 0xff, service: "nova-compute", resource: "sync_power_state", startMs: 20,
                ms: 30),
            Small.span(
                trace: 7, id: 0x3, parent: 0x2, service: "glance", resource: "GET /v2/images/{id}", startMs: 25, ms: 5),
        ]
        let lines = Small.lines(TextReport.render(records: records, totals: ReplayTotals(), color: false))
        let orphan = try! #require(lines.firstIndex { $0.contains("sync_power_state") })
        #expect(lines[orphan].hasPrefix("  ⤷ nova-compute  sync_power_state"))
        #expect(lines[orphan].hasSuffix("(orphan: parent 00000000000000ff not in output)"))
        #expect(lines[orphan + 1].hasPrefix("  └─ glance  GET /v2/images/{id}"))
        #expect(lines[orphan - 1].hasPrefix("  nova-api  GET /v2.1/servers"))
    }

    @Test func totalsAreListedWithUnmatchedReasons() {
        let totals = ReplayTotals(
            lines: 1_234, events: 1_200, spans: 80, traces: 30, late: 2, evicted: 1,
            unmatched: ["too_long": 5, "no_rule": 27], continuationLines: 9, idlessDropped: 3,
            ctaEventProblems: ["cta.jsonl:7: unknown event type \"foo\""], filesRead: ["nova-api.log", "cta.jsonl"])
        let text = TextReport.render(records: [], totals: totals, color: false)
        #expect(Small.row(text, section: "Totals", first: "lines") == ["lines", "1,234"])
        #expect(Small.row(text, section: "Totals", first: "events")?.prefix(2) == ["events", "1,200"])
        #expect(Small.row(text, section: "Totals", first: "late")?.prefix(2) == ["late", "2"])
        #expect(Small.row(text, section: "Totals", first: "evicted")?.prefix(2) == ["evicted", "1"])
        #expect(Small.row(text, section: "Totals", first: "continuation")?.prefix(2) == ["continuation", "9"])
        #expect(Small.row(text, section: "Totals", first: "idless")?.prefix(2) == ["idless", "3"])
        #expect(
            Small.row(text, section: "Totals", first: "unmatched") == [
                "unmatched", "32", "no_rule", "27,", "too_long", "5",
            ])
        #expect(Small.row(text, section: "Totals", first: "files") == ["files", "2", "nova-api.log,", "cta.jsonl"])
        #expect(text.contains("  cta.jsonl:7: unknown event type \"foo\""))
    }

    /// nova-api before: 10, 20, 30, 40 ms, one 500 → 25 %, p50 = 20 (rank ⌈2⌉), p95 = p99 = 40 (rank 4).
    /// After: 5, 15 ms, no error → p50 = 5 (rank 1), p95 = p99 = 15 (rank 2). A log_event child and a
    /// span without a phase are left out.
    @Test func beforeAfterTableIsComputedFromPhasedSpans() {
        var records: [OutputRecord] = []
        for (i, ms) in [10, 20, 30, 40].enumerated() {
            records.append(
                Small.span(
                    trace: UInt64(10 + i), id: UInt64(100 + i), service: "nova-api", resource: "GET /",
                    startMs: Int64(i * 1000),
                    ms: Int64(ms), status: i == 2 ? 500 : 200, error: i == 2, phase: .beforeFix))
        }
        for (i, ms) in [15, 5].enumerated() {
            records.append(
                Small.span(
                    trace: UInt64(20 + i), id: UInt64(200 + i), service: "nova-api", resource: "GET /",
                    startMs: Int64(10_000 + i * 1000), ms: Int64(ms), status: 200, phase: .afterFix))
        }
        records.append(Small.span(trace: 30, id: 300, service: "nova-api", resource: "GET /", startMs: 50, ms: 9_999))
        if case .span(var s) = Small.span(
            trace: 10, id: 101, parent: 100, service: "nova-api", resource: "x", startMs: 1, ms: 8_888,
            phase: .beforeFix)
        {
            s.name = "log_event"
            records.append(.span(s))
        }
        let text = TextReport.render(records: records, totals: ReplayTotals(), color: false)
        let section = "Before / after"
        #expect(
            Small.row(text, section: section, first: "nova-api")
                == ["nova-api", "before_fix", "4", "1", "25.0%", "20.0", "40.0", "40.0"])
        #expect(
            Small.row(text, section: section, first: "after_fix") == [
                "after_fix", "2", "0", "0.0%", "5.0", "15.0", "15.0",
            ])
        #expect(
            Small.row(text, section: section, first: "change") == ["change", "−25.0", "pp", "−15.0", "−25.0", "−25.0"])
    }

    @Test func incidentsPairDetectionWithRecoveryAndMTTR() {
        let tags = ["service": "nova-api", "incident_type": "error_rate", "run_id": "run-1", "source": "tracetail"]
        let records: [OutputRecord] = [
            .event(TelemetryEvent(name: "incident_resolved", timestamp: Small.at(ms: 150_000), tags: tags, text: "")),
            .event(TelemetryEvent(name: "incident_detected", timestamp: Small.at(ms: 60_000), tags: tags, text: "")),
            .metric(
                MetricPoint(
                    name: "cta.mttr_seconds", type: .gauge, value: 60, timestamp: Small.at(ms: 150_000),
                    tags: ["service": "nova-api", "method": "llm", "run_id": "run-1"])),
            // The CTA agent's own notice, even naming a service: timeline only.
            .event(
                TelemetryEvent(
                    name: "incident_detected", timestamp: Small.at(ms: 30_000),
                    tags: ["run_id": "run-1", "service": "nova-api", "incident_type": "error_rate_spike"], text: "")),
        ]
        let text = TextReport.render(records: records, totals: ReplayTotals(), color: false)
        #expect(
            Small.row(text, section: "Incidents", first: "nova-api")
                == ["nova-api", "error_rate", "00:01:00", "00:02:00", "00:02:30", "1m", "00s", "llm"])
        // Timeline in time order whatever the input order.
        let timeline = Small.lines(text).drop { !$0.hasPrefix("== Workflow timeline") }.dropFirst()
            .filter { !$0.isEmpty }.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(timeline == ["00:00:30 incident_detected", "00:01:00 incident_detected", "00:02:30 incident_resolved"])
    }

    @Test func manyHealthyTracesAreCountedNotDrawnButEveryErrorIsDrawn() {
        var records: [OutputRecord] = []
        for i in 0..<60 {
            records.append(
                Small.span(
                    trace: UInt64(1000 + i), id: UInt64(5000 + i), service: "nova-api",
                    resource: "GET /v2.1/servers/detail", startMs: Int64(i) * 2000, ms: 20, status: 200))
        }
        for i in 0..<25 {
            let base = UInt64(9000 + i * 2)
            records.append(
                Small.span(
                    trace: UInt64(2000 + i), id: base, service: "nova-api", resource: "POST /v2.1/servers",
                    startMs: Int64(i) * 3000, ms: 900, status: 202))
            records.append(
                Small.span(
                    trace: UInt64(2000 + i), id: base + 1, parent: base, service: "nova-compute",
                    resource: "build_and_run_instance", startMs: Int64(i) * 3000 + 10, ms: 800))
        }
        for i in 0..<3 {
            records.append(
                Small.span(
                    trace: UInt64(3000 + i), id: UInt64(7000 + i), service: "nova-api",
                    resource: "GET /v2.1/servers/detail",
                    startMs: 200_000 + Int64(i) * 1000, ms: 900, status: 500, error: true))
        }
        let text = TextReport.render(records: records, totals: ReplayTotals(), color: false)
        let lines = Small.lines(text)
        #expect(lines.filter { $0.contains("  trace 0") && $0.contains("2 spans") }.count == 20)
        #expect(lines.filter { $0.contains("✖ nova-api  GET /v2.1/servers/detail") }.count == 3)
        #expect(text.contains("Not drawn: 65 healthy traces, by entry span"))
        let detail = try! #require(
            lines.first { $0.hasSuffix("nova-api  GET /v2.1/servers/detail") && !$0.contains("✖") })
        #expect(detail.split(separator: " ").first == "60")
        let boot = try! #require(lines.first { $0.hasSuffix("nova-api  POST /v2.1/servers") })
        #expect(boot.split(separator: " ").first == "5")

        let everything = TextReport.render(
            records: records, totals: ReplayTotals(), color: false,
            options: .init(drawAllTracesUpTo: 1_000, healthyTreeLimit: 0))
        #expect(!everything.contains("Not drawn"))
        #expect(Small.lines(everything).filter { $0.contains("2 spans") }.count == 25)
    }

    @Test func realisticReplayReportHasEverySection() {
        let text = TextReport.render(records: ReportFixture.records(), totals: ReplayTotals(), color: false)
        for heading in [
            "== Traces:", "== Totals ==", "== Before / after", "== Incidents ==", "== Workflow timeline ==",
        ] {
            #expect(text.contains(heading))
        }
        // Every error trace of the fixture is drawn (one ✖ line per failing one-span trace).
        let records = ReportFixture.records()
        var failingSingles = 0
        for case .span(let s) in records where s.error && s.resource == "GET /v2.1/servers/detail" {
            failingSingles += 1
        }
        #expect(
            Small.lines(text).filter { $0.contains("✖ nova-api  GET /v2.1/servers/detail") }.count == failingSingles)
        #expect(Small.row(text, section: "Incidents", first: "nova-api")?.contains("llm") == true)
    }
}
