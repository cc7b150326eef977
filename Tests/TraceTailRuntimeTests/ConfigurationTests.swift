import Foundation
import LogTailer
import PatternParser
import Testing
import TraceTailCore

@testable import TraceTailRuntime

@Suite struct ConfigurationTests {
    @Test func fullExampleFromDesignParses() throws {
        let yaml = """
            sources:
              - path: /var/log/nova/*.log
                service: nova-api
                format: oslo
                timezone: Europe/Berlin
                start_at: beginning
            state_dir: /tmp/tt
            checkpoint_interval: 2s
            patterns_dir: patterns
            correlation: { idle_timeout: 20s, allowed_lateness: 3s, max_open_spans: 500, span_per_event: true }
            metrics: { interval: 5s, window: 30s, compare_window: 2m, error_status_min: 502 }
            phase: { run_id: run-7, after_fix_on: fix_promoted, fix_at: "2026-11-27T10:16:00Z" }
            incidents: { error_rate_threshold: 0.2, min_requests: 5, recovery_intervals: 4, latency_threshold_ms: 900 }
            sinks:
              - { type: jsonl, path: "-" }
              - { type: datadog_agent, host: localhost, trace_port: 8126, dogstatsd_port: 8125 }
            control: { listen: "127.0.0.1:8787" }
            """
        let c = try TraceTailConfiguration.parse(yaml: yaml, file: "t.yaml")
        #expect(c.sources.count == 1)
        #expect(c.sources[0].service == "nova-api")
        #expect(c.sources[0].timezone == "Europe/Berlin")
        #expect(c.sources[0].startAt == .beginning)
        #expect(c.correlation.idleTimeout == .seconds(20))
        #expect(c.correlation.maxOpenSpans == 500)
        #expect(c.correlation.spanPerEvent)
        #expect(c.metrics.window == .seconds(30))
        #expect(c.metrics.errorStatusMin == 502)
        #expect(c.phase.runID == "run-7")
        #expect(c.phase.afterFixOn == .fixPromoted)
        #expect(c.phase.fixAt == ISO8601.parse("2026-11-27T10:16:00Z"))
        #expect(c.incidents.latencyThresholdMs == 900)
        #expect(c.sinks.map(\.type) == ["jsonl", "datadog_agent"])
        #expect(c.sinks[1].settings["trace_port"] == "8126")
    }

    @Test func emptyFileGivesDefaults() throws {
        let c = try TraceTailConfiguration.parse(yaml: "", file: "t.yaml")
        #expect(c == TraceTailConfiguration())
        #expect(c.metrics.interval == .seconds(10))
        #expect(c.incidents.errorRateThreshold == 0.1)
    }

    @Test func everyProblemIsReportedWithItsKeyAndLine() {
        let yaml = """
            correlation:
              idle_timout: 30s
              max_open_spans: -4
            metrics:
              interval: soon
            phase:
              after_fix_on: lunch
            sinks:
              - { type: carrier_pigeon }
            """
        do {
            _ = try TraceTailConfiguration.parse(yaml: yaml, file: "bad.yaml")
            Issue.record("expected an error")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.count == 5)
            #expect(lines.contains { $0.hasPrefix("bad.yaml:2:3: correlation.idle_timout: unknown key") })
            #expect(lines.contains { $0.hasPrefix("bad.yaml:3:19: correlation.max_open_spans:") })
            #expect(
                lines.contains { $0.hasPrefix("bad.yaml:5:13: metrics.interval: `soon` is not a positive duration") })
            #expect(
                lines.contains { $0.hasPrefix("bad.yaml:7:17: phase.after_fix_on: `lunch` is not a CTA event type") })
            #expect(lines.contains { $0.hasPrefix("bad.yaml:9:13: sinks[0].type: `carrier_pigeon`") })
        }
    }

    @Test func invalidYAMLNamesTheLine() {
        do {
            _ = try TraceTailConfiguration.parse(yaml: "metrics:\n  interval: [10s\n", file: "broken.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.description.hasPrefix("broken.yaml:"))
            #expect(error.description.contains("invalid YAML"))
        }
    }

    @Test func unknownTimezoneIsAnError() {
        #expect(throws: ConfigurationError.self) {
            try TraceTailConfiguration.parse(
                yaml: "sources:\n  - path: x\n    timezone: Mars/Olympus\n", file: "z.yaml")
        }
    }

    @Test func zoneRulesConvertLocalTimesIncludingDST() throws {
        let berlin = try #require(ZoneRules.load(name: "Europe/Berlin"))
        // Winter: UTC+1. Summer: UTC+2.
        let winterLocal = try #require(ISO8601.parse("2026-01-15T12:00:00"))
        #expect(berlin.utc(fromLocal: winterLocal) == ISO8601.parse("2026-01-15T11:00:00Z"))
        let summerLocal = try #require(ISO8601.parse("2026-07-15T12:00:00"))
        #expect(berlin.utc(fromLocal: summerLocal) == ISO8601.parse("2026-07-15T10:00:00Z"))
        // The repeated hour on 2026-10-25 02:30 local resolves to the earlier instant (CEST).
        let ambiguous = try #require(ISO8601.parse("2026-10-25T02:30:00"))
        #expect(berlin.utc(fromLocal: ambiguous) == ISO8601.parse("2026-10-25T00:30:00Z"))
        let utc = try #require(ZoneRules.load(name: "UTC"))
        #expect(utc.utc(fromLocal: winterLocal) == winterLocal)
    }

    @Test(arguments: [
        ("2026-11-27T10:00:00Z", Int64(1_795_773_600_000_000_000)),
        ("2026-11-27 10:00:00.5", 1_795_773_600_500_000_000),
        ("2026-11-27T11:00:00+01:00", 1_795_773_600_000_000_000),
        ("2026-11-27T10:00", 1_795_773_600_000_000_000),
    ])
    func iso8601Forms(_ text: String, _ nanos: Int64) {
        #expect(ISO8601.parse(text)?.nanoseconds == nanos)
    }

    @Test(arguments: ["2026-13-01T00:00:00Z", "2026-11-27X10:00:00", "yesterday", "2026-11-27T10:00:00Zjunk"])
    func iso8601Rejects(_ text: String) {
        #expect(ISO8601.parse(text) == nil)
    }
}

@Suite struct ConfigurationValueTests {
    static func problems(_ yaml: String) -> [String] {
        do {
            _ = try TraceTailConfiguration.parse(yaml: yaml, file: "c.yaml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func sinkAndControlValuesAreChecked() {
        let p = Self.problems(
            """
            sinks:
              - { type: datadog_agent, trace_port: 99999, dogstatsd_port: abc }
              - { type: prometheus, listen: "1" }
              - { type: otlp_http, endpoint: "localhost:4318", headers: "x" }
              - { type: jsonl, path: "" }
            control: { listen: nothere }
            """)
        #expect(p.count == 7)
        #expect(p.contains { $0.hasPrefix("c.yaml:2:40: sinks[0].trace_port: `99999` is not a port") })
        #expect(p.contains { $0.hasPrefix("c.yaml:2:63: sinks[0].dogstatsd_port:") })
        #expect(p.contains { $0.hasPrefix("c.yaml:3:33: sinks[1].listen:") })
        #expect(p.contains { $0.hasPrefix("c.yaml:4:34: sinks[2].endpoint:") })
        #expect(p.contains { $0.hasPrefix("c.yaml:4:61: sinks[2].headers:") })
        #expect(p.contains { $0.hasPrefix("c.yaml:5:26: sinks[3].path: must not be empty") })
        #expect(p.contains { $0.hasPrefix("c.yaml:6:20: control.listen:") })
    }

    @Test func goodSinkValuesPass() {
        #expect(
            Self.problems(
                """
                sinks:
                  - { type: datadog_agent, host: localhost, trace_port: 8126, dogstatsd_port: 8125 }
                  - { type: prometheus, listen: "127.0.0.1:9464" }
                  - { type: otlp_http, endpoint: "http://localhost:4318", headers: "a=b,c=d" }
                control: { listen: "[::1]:8787" }
                """
            ).isEmpty)
    }

    @Test func duplicateKeysAndBrokenFlowsNameTheirLine() {
        #expect(Self.problems("a: 1\na: 2\n") == ["c.yaml:1:1: (yaml): duplicate key `a` in one mapping"])
        let p = Self.problems("metrics:\n  interval: [10s\n")
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("c.yaml:3:1: (yaml): invalid YAML: did not find expected") == true)
        #expect(p.first?.contains("at line 2, column 13") == true)
    }

    @Test func listKeysThatAreNotListsNameTheirShape() {
        let p = Self.problems("sources: nova.log\nsinks: { type: jsonl }\n")
        #expect(p.contains { $0.hasSuffix("sources: must be a list of {path: …} or {journald: …} entries") }, "\(p)")
        #expect(p.contains { $0.hasSuffix("sinks: must be a list of {type: …} entries") }, "\(p)")
        let items = Self.problems("sources:\n  - { service: nova-api }\n")
        #expect(items.contains { $0.contains("sources[0]") }, "\(items)")
    }

    @Test func explicitRunIDPinsTheRun() throws {
        #expect(try TraceTailConfiguration.parse(yaml: "phase: { run_id: r9 }", file: "c.yaml").phase.runIDPinned)
        #expect(try !TraceTailConfiguration.parse(yaml: "", file: "c.yaml").phase.runIDPinned)
    }

    @Test func journaldSourcesParse() throws {
        let c = try TraceTailConfiguration.parse(
            yaml: """
                sources:
                  - path: /var/log/nova/*.log
                    year: 2017
                  - journald: { units: ["nova-*", "devstack@*"], directory: /var/log/journal/remote }
                    start_at: beginning
                    service: nova-compute
                    timezone: Europe/Berlin
                """, file: "c.yaml")
        #expect(c.sources.count == 2)
        #expect(c.sources[0].year == 2017)
        #expect(c.sources[0].journald == nil)
        let j = c.sources[1]
        #expect(j.journald == .init(units: ["nova-*", "devstack@*"], directory: "/var/log/journal/remote"))
        #expect(j.path == "")
        #expect(j.startAt == .beginning)
        #expect(j.service == "nova-compute")
        #expect(j.timezone == "Europe/Berlin")
        #expect(c.fileSources.map(\.path) == ["/var/log/nova/*.log"])
    }

    @Test func badJournaldAndYearValuesNameTheirKeyAndLine() {
        let p = Self.problems(
            """
            sources:
              - journald: { units: [] }
              - { path: /x.log, journald: { units: [a] } }
              - journald: { unit: [a] }
              - { journald: { units: [a], directory: "" }, format: json, year: 2017 }
              - { path: /y.log, year: 17 }
              - { path: /z.log, year: "twenty" }
              - { service: nova-api }
            """)
        let expected = [
            "c.yaml:2:24: sources[0].journald.units: must be a non-empty list of unit globs",
            "c.yaml:3:5: sources[1].path: cannot be given together with journald",
            "c.yaml:4:17: sources[2].journald.unit: unknown key",
            "c.yaml:4:15: sources[2].journald.units: is required",
            "c.yaml:5:42: sources[3].journald.directory: must be a non-empty directory path",
            "c.yaml:5:56: sources[3].format: does not apply to a journald source",
            "c.yaml:5:68: sources[3].year: does not apply to a journald source",
            "c.yaml:6:27: sources[4].year: `17` must be an integer ≥ 1970",
            "c.yaml:7:27: sources[5].year: `twenty` must be an integer ≥ 1970",
            "c.yaml:8:5: sources[6].path: is required (or journald)",
        ]
        for prefix in expected {
            #expect(p.contains { $0.hasPrefix(prefix) }, "\(prefix) not in \(p)")
        }
        #expect(p.count == expected.count, "\(p)")
    }

    /// `year` puts every yearless wrapper time of the file in that year, 1 January and
    /// 31 December alike, in replay and in `run`.
    @Test func yearPlacesYearlessTimes() throws {
        var source = TraceTailConfiguration.Source(path: "/logs/*.log")
        source.year = 2017
        let reference = try #require(source.yearReference)
        var parser = try SourceParser(
            source: SourceID(0), path: "x", format: .oslo, patterns: try Repo.patterns(), maxLineBytes: 1 << 20,
            yearReference: reference)
        for (text, month, day) in [("Jan 01 00:00:00.000001", 1, 1), ("Dec 31 23:59:59.999999", 12, 31)] {
            let line = Array("\(text) host devstack@n-cpu.service[1]: INFO nova.compute.manager [-] hello".utf8)
            let time = try #require(parser.parse(line[...], number: 1, truncated: false)?.time)
            let civil = CivilTime(time)
            #expect((civil.year, civil.month, civil.day) == (2017, month, day))
        }

        let dir = try Repo.temporaryDirectory("year")
        let path = dir + "/screen-n-cpu.log"
        let line =
            "Sep 05 09:02:08.123456 host devstack@n-cpu.service[15144]: INFO nova.compute.manager "
            + "[None req-1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9 p u] Terminating instance\n"
        try line.write(toFile: path, atomically: true, encoding: .utf8)
        var configuration = TraceTailConfiguration()
        var file = TraceTailConfiguration.Source(path: dir + "/*.log")
        file.year = 2017
        file.startAt = .beginning
        configuration.sources = [file]
        let engine = try ReplayEngine(
            ReplayRequest(paths: [path], configuration: configuration, patterns: try Repo.patterns()))
        #expect(engine.sources.first?.yearReference == reference)
        var spans: [Span] = []
        _ = try engine.run(emit: { if case .span(let s) = $0 { spans.append(s) } })
        #expect(spans.count == 1)
        #expect(spans.first.map { CivilTime($0.start).year } == 2017)

        var runner = LiveRunner(
            configuration: configuration, patterns: try Repo.patterns(), fileSystem: PosixFileSystem(),
            checkpoint: nil)
        var out: [OutputRecord] = []
        runner.step(monotonic: 0, wallClock: EventTime(nanoseconds: 0), into: &out)
        runner.step(monotonic: 1, wallClock: EventTime(nanoseconds: Int64.max / 2), into: &out)
        let live = out.compactMap { if case .span(let s) = $0 { s } else { nil } }
        #expect(live.map { CivilTime($0.start).year } == [2017])
        runner.close()
    }
}
