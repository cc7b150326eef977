import Foundation
import LogTailer
import Synchronization
import Testing
import TraceTailCore

@testable import TraceTailRuntime

/// The journald source on a fake `journalctl`: entries to lines, services, times, cursors across
/// restarts, and journalctl exiting or missing.
@Suite struct JournalSourceTests {
    /// 2026-12-03 08:00:00 UTC.
    static let t0 = EventTime(nanoseconds: 1_796_284_800_000_000_000)

    static func at(_ seconds: Double) -> EventTime {
        EventTime(nanoseconds: t0.nanoseconds + Int64(seconds * 1e9))
    }

    static func request(_ n: Int) -> String { String(format: "req-00000000-0000-4000-8000-%012x", n) }

    /// devstack's journal message: no time of its own.
    static func devstackMessage(_ n: Int, _ text: String = "Took 1.20 seconds to spawn the instance") -> String {
        "INFO nova.compute.manager [None \(request(n)) tempest-p tempest-u] "
            + "[instance: 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9] \(text)"
    }

    /// kolla's container message: a whole oslo line with its own time.
    static func osloMessage(_ n: Int, time: String, _ text: String = "Instance spawned") -> String {
        "\(time) 7 INFO nova.compute.manager [None \(request(n)) u p - default default] \(text)"
    }

    static func journaldConfiguration(
        _ sources: [(units: [String], directory: String)], startAt: TraceTailConfiguration.StartPosition = .beginning
    ) -> TraceTailConfiguration {
        var c = TraceTailConfiguration()
        c.sources = sources.map {
            var s = TraceTailConfiguration.Source(journald: .init(units: $0.units, directory: $0.directory))
            s.startAt = startAt
            return s
        }
        c.correlation.idleTimeout = .seconds(1)
        c.correlation.allowedLateness = .seconds(1)
        return c
    }

    static func spans(_ out: [OutputRecord]) -> [Span] {
        out.compactMap { if case .span(let s) = $0 { s } else { nil } }
    }

    @Test func entriesDecodeStringsByteArraysAndRepeatedFields() throws {
        let plain = try #require(
            JournalEntry(
                jsonLine: Array(
                    #"{"__CURSOR":"c1","__REALTIME_TIMESTAMP":"1725526928123456","_PID":"15144","_HOSTNAME":"h","MESSAGE":"hi","_SYSTEMD_UNIT":"devstack@n-cpu.service"}"#
                        .utf8)))
        #expect(plain.cursor == "c1")
        #expect(plain.realtimeMicroseconds == 1_725_526_928_123_456)
        #expect(plain.pid == 15144)
        #expect(plain.message == Array("hi".utf8))
        #expect(plain.unit == "devstack@n-cpu.service")

        // Not UTF-8: journalctl prints the bytes as numbers. A repeated field is an array.
        let binary = try #require(
            JournalEntry(
                jsonLine: Array(
                    #"{"__CURSOR":"c2","__REALTIME_TIMESTAMP":"1","MESSAGE":[104,255,10,105],"SYSLOG_IDENTIFIER":["a","b"]}"#
                        .utf8)))
        #expect(binary.message == [104, 255, 10, 105])
        #expect(binary.identifier == "a")
        #expect(binary.pid == nil)

        #expect(JournalEntry(jsonLine: Array(#"{"MESSAGE":"no cursor"}"#.utf8)) == nil)
        #expect(JournalEntry(jsonLine: Array("-- cursor: s=1".utf8)) == nil)
    }

    @Test func programsComeFromTheFieldTheUnitGlobsMatch() {
        let units = ["nova-*", "devstack@*"]
        func entry(unit: String? = nil, identifier: String? = nil, container: String? = nil) -> JournalEntry {
            JournalEntry(
                cursor: "c", realtimeMicroseconds: 0, identifier: identifier, unit: unit, container: container,
                message: [])
        }
        #expect(JournalLines.program(of: entry(unit: "devstack@n-cpu.service"), units: units) == "devstack@n-cpu")
        #expect(
            JournalLines.program(of: entry(unit: "nova-compute.service", identifier: "nova-compute"), units: units)
                == "nova-compute")
        // A container's entries carry the runtime's unit; the container name wins.
        #expect(
            JournalLines.program(
                of: entry(unit: "docker.service", identifier: "abc123", container: "nova_compute"),
                units: ["nova_*"]) == "nova_compute")
        #expect(
            JournalLines.program(of: entry(unit: "session-4.scope", identifier: "nova-manage"), units: units)
                == "nova-manage")
        #expect(JournalLines.program(of: entry(unit: "sshd.service", identifier: "sshd"), units: units) == nil)
    }

    @Test func messagesBecomeWrapperLinesOnePerLine() {
        let entry = JournalEntry(
            cursor: "c", realtimeMicroseconds: 1_725_526_928_123_456, hostname: "cmp-0", pid: 15144,
            message: Array("first\nsecond\n".utf8))
        let lines = JournalLines.lines(of: entry, program: "devstack@n-cpu", maxLineBytes: 1 << 20)
        #expect(
            lines.map { String(decoding: $0.bytes, as: UTF8.self) } == [
                "2024-09-05T09:02:08.123456Z cmp-0 devstack@n-cpu[15144]: first",
                "2024-09-05T09:02:08.123456Z cmp-0 devstack@n-cpu[15144]: second",
            ])
        let long = JournalEntry(cursor: "c", realtimeMicroseconds: 0, message: Array("ééééé".utf8))
        let cut = JournalLines.lines(of: long, program: "p", maxLineBytes: 40)
        #expect(cut.count == 1 && cut[0].truncated)
        #expect(cut[0].bytes.count <= 40)
        #expect(String(validating: cut[0].bytes, as: UTF8.self) != nil)
    }

    /// devstack units, a plain unit and a kolla container all come out as `nova-compute`;
    /// journal times where the message has none, the inner oslo time where it has one.
    @Test func entriesBecomeSpansWithServiceRequestAndTime() throws {
        let journal = FakeJournal()
        let lines = [
            FakeJournal.entry(
                cursor: 1, time: Self.at(0), message: Self.devstackMessage(1), unit: "devstack@n-cpu.service",
                identifier: "nova-compute", pid: 15144),
            FakeJournal.entry(
                cursor: 2, time: Self.at(1.9), message: Self.osloMessage(2, time: "2026-12-03 08:00:01.500"),
                unit: "docker.service", identifier: "0e1d2c3b", container: "nova_compute"),
            FakeJournal.entry(
                cursor: 3, time: Self.at(2), message: Self.devstackMessage(3), unit: "nova-compute.service",
                identifier: "nova-compute"),
            FakeJournal.entry(cursor: 4, time: Self.at(3), message: "Accepted publickey", unit: "sshd.service"),
        ]
        for line in lines { journal.append(line, directory: "/j") }
        var runner = LiveRunner(
            configuration: Self.journaldConfiguration([(["nova-*", "devstack@*", "nova_*"], "/j")]),
            patterns: try Repo.patterns(), fileSystem: InMemoryFileSystem(), checkpoint: nil, journalLauncher: journal)
        var out: [OutputRecord] = []
        #expect(runner.step(monotonic: 0, wallClock: Self.t0, into: &out) == 3)
        runner.step(monotonic: 1_000_000, wallClock: Self.at(3600), into: &out)

        let spans = Self.spans(out)
        var byRequest: [String: Span] = [:]
        for span in spans {
            if case .string(let id) = span.attributes[SpanAttributeKey.requestID] { byRequest[id] = span }
        }
        #expect(byRequest.count == 3)
        #expect(spans.allSatisfy { $0.service == "nova-compute" })
        #expect(byRequest[Self.request(1)]?.start == Self.at(0))
        #expect(byRequest[Self.request(2)]?.start == Self.at(1.5))
        #expect(byRequest[Self.request(3)]?.start == Self.at(2))

        let report = try #require(runner.journalReports.first)
        #expect(report.entriesRead == 4)
        #expect(report.entriesSkipped == 1)
        #expect(report.running)
        #expect(report.cursorPresent)
        #expect(
            journal.launches == [["--output=json", "--follow", "--no-pager", "--all", "--directory=/j", "--no-tail"]])
        let position = try #require(runner.checkpoint(takenAt: 0).journal?.first)
        #expect(position.cursor == "s=fake;i=4")
        #expect(!position.includesCursor)
    }

    @Test func startAtEndSkipsTheJournalsPast() throws {
        let journal = FakeJournal()
        journal.append(
            FakeJournal.entry(
                cursor: 1, time: Self.at(0), message: Self.devstackMessage(1), unit: "devstack@n-cpu.service"),
            directory: "/j")
        var runner = LiveRunner(
            configuration: Self.journaldConfiguration([(["devstack@*"], "/j")], startAt: .end),
            patterns: try Repo.patterns(), fileSystem: InMemoryFileSystem(), checkpoint: nil, journalLauncher: journal)
        var out: [OutputRecord] = []
        #expect(runner.step(monotonic: 0, wallClock: Self.t0, into: &out) == 0)
        #expect(journal.launches.first?.last == "--lines=0")
        #expect(runner.checkpoint(takenAt: 0).journal == [])
        journal.append(
            FakeJournal.entry(
                cursor: 2, time: Self.at(1), message: Self.devstackMessage(2), unit: "devstack@n-cpu.service"),
            directory: "/j")
        #expect(runner.step(monotonic: 1, wallClock: Self.t0, into: &out) == 1)
    }

    /// A restart from a checkpoint (through JSON, as on disk) at any step gives the same
    /// output as no restart: entries held for the merge are read again, once; entries and
    /// lines already consumed are not. Two journals, one read in slices (so the other's lines
    /// wait for it), multi-line messages whose lines carry their own times.
    @Test func restartFromCheckpointContinuesExactly() throws {
        var chunks: [[(directory: String, line: String)]] = []
        var cursor = 0
        for step in 0..<12 {
            var chunk: [(directory: String, line: String)] = []
            for k in 0..<4 {
                cursor += 1
                let t = Double(step * 4 + k)
                let n = step * 4 + k
                // /a: kolla's container, two oslo lines per entry, the second two seconds later.
                let first = Self.osloMessage(n, time: Self.osloTime(t), "start")
                let second = Self.osloMessage(n, time: Self.osloTime(t + 2), "done")
                chunk.append(
                    (
                        "/a",
                        FakeJournal.entry(
                            cursor: cursor, time: Self.at(t + 2), message: first + "\n" + second,
                            unit: "docker.service",
                            container: "nova_compute")
                    ))
                // /b: devstack's units, with entries the globs do not match in between.
                chunk.append(
                    (
                        "/b",
                        FakeJournal.entry(
                            cursor: cursor, time: Self.at(t + 0.5), message: Self.devstackMessage(1000 + n),
                            unit: k == 3 ? "devstack@keystone.service" : "devstack@n-cpu.service")
                    ))
                if k == 1 {
                    chunk.append(
                        (
                            "/b",
                            FakeJournal.entry(
                                cursor: 900 + cursor, time: Self.at(t), message: "x", unit: "cron.service")
                        ))
                }
            }
            chunks.append(chunk)
        }
        let configuration = Self.journaldConfiguration([(["nova_*"], "/a"), (["devstack@n-*"], "/b")])
        let patterns = try Repo.patterns()

        var heldAtCut = 0
        var partialAtCut = 0
        func runAll(restartAt: Int?) throws -> [String] {
            let journal = FakeJournal()
            var runner = LiveRunner(
                configuration: configuration, patterns: patterns, fileSystem: InMemoryFileSystem(), checkpoint: nil,
                journalLauncher: journal)
            runner.journalReadBytesPerStep = 1
            var out: [OutputRecord] = []
            var now: Int64 = 0
            for (i, chunk) in chunks.enumerated() {
                for (directory, line) in chunk { journal.append(line, directory: directory) }
                now += 1_000_000
                runner.step(monotonic: now, wallClock: EventTime(nanoseconds: 0), into: &out)
                if i == restartAt {
                    let checkpoint = runner.checkpoint(takenAt: 0)
                    let positions = checkpoint.journal ?? []
                    if positions.contains(where: \.includesCursor) { heldAtCut += 1 }
                    if positions.contains(where: { $0.skipLines > 0 }) { partialAtCut += 1 }
                    let data = try JSONEncoder().encode(checkpoint)
                    let restored = try JSONDecoder().decode(Checkpoint.self, from: data)
                    runner.close()
                    runner = LiveRunner(
                        configuration: configuration, patterns: patterns, fileSystem: InMemoryFileSystem(),
                        checkpoint: restored, journalLauncher: journal)
                    runner.journalReadBytesPerStep = 1
                }
            }
            for _ in 0..<200 {
                now += 1_000_000
                runner.step(monotonic: now, wallClock: EventTime(nanoseconds: 0), into: &out)
            }
            runner.step(monotonic: now + 1, wallClock: Self.at(36_000), into: &out)
            return out.map(\.jsonLine)
        }
        let whole = try runAll(restartAt: nil)
        let spans = whole.filter { $0.contains("\"openstack.request\"") }
        // 48 container requests and 36 n-cpu ones; keystone's and cron's entries are not read.
        #expect(spans.count == 84)
        for cut in 0..<chunks.count {
            let restarted = try runAll(restartAt: cut)
            // Compared as one Bool: a failure names the first difference, not both outputs.
            let difference =
                (0..<min(restarted.count, whole.count)).first { restarted[$0] != whole[$0] }
                ?? min(restarted.count, whole.count)
            let same = restarted == whole
            #expect(
                same,
                "restart after step \(cut): \(restarted.count) vs \(whole.count) records, first difference at \(difference)"
            )
        }
        // The cuts did fall while lines were held, some inside a multi-line entry.
        #expect(heldAtCut > 0)
        #expect(partialAtCut > 0)
    }

    static func osloTime(_ seconds: Double) -> String {
        let t = at(seconds)
        let c = CivilTime(t)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", c.year, c.month, c.day, c.hour, c.minute, c.second,
            c.nanosecond / 1_000_000)
    }

    @Test func exitedJournalctlIsRestartedAfterTheLastEntryRead() throws {
        let journal = FakeJournal()
        journal.state.withLock { $0.exitAfterLines = 2 }
        for n in 1...3 {
            journal.append(
                FakeJournal.entry(
                    cursor: n, time: Self.at(Double(n)), message: Self.devstackMessage(n),
                    unit: "devstack@n-cpu.service"),
                directory: "/j")
        }
        var runner = LiveRunner(
            configuration: Self.journaldConfiguration([(["devstack@*"], "/j")]), patterns: try Repo.patterns(),
            fileSystem: InMemoryFileSystem(), checkpoint: nil, journalLauncher: journal)
        var out: [OutputRecord] = []
        #expect(runner.step(monotonic: 0, wallClock: Self.t0, into: &out) == 2)
        var report = try #require(runner.journalReports.first)
        #expect(!report.running)
        #expect(report.lastError == "journalctl exited with status 1")
        #expect(runner.takeJournalMessages().contains { $0.contains("restarting in 1000 ms") })
        // Backoff: not before a second has passed.
        #expect(runner.step(monotonic: 500_000_000, wallClock: Self.t0, into: &out) == 0)
        #expect(journal.launches.count == 1)
        #expect(runner.step(monotonic: 1_000_000_000, wallClock: Self.t0, into: &out) == 1)
        #expect(journal.launches.last?.suffix(2) == ["--no-tail", "--after-cursor=s=fake;i=2"])
        report = try #require(runner.journalReports.first)
        #expect(report.restarts == 1)
        #expect(report.entriesRead == 3)
    }

    @Test func missingJournalctlIsRetriedWithGrowingBackoff() throws {
        let journal = FakeJournal()
        journal.state.withLock { $0.failLaunches = 2 }
        journal.append(
            FakeJournal.entry(
                cursor: 1, time: Self.at(0), message: Self.devstackMessage(1), unit: "devstack@n-cpu.service"),
            directory: "/j")
        var runner = LiveRunner(
            configuration: Self.journaldConfiguration([(["devstack@*"], "/j")]), patterns: try Repo.patterns(),
            fileSystem: InMemoryFileSystem(), checkpoint: nil, journalLauncher: journal)
        var out: [OutputRecord] = []
        let second: Int64 = 1_000_000_000
        #expect(runner.step(monotonic: 0, wallClock: Self.t0, into: &out) == 0)
        #expect(runner.journalReports[0].lastError?.contains("No such file") == true)
        #expect(runner.step(monotonic: second, wallClock: Self.t0, into: &out) == 0)
        #expect(journal.launches.count == 2)
        // The second failure doubles the wait to two seconds.
        #expect(runner.step(monotonic: 2 * second, wallClock: Self.t0, into: &out) == 0)
        #expect(journal.launches.count == 2)
        #expect(runner.step(monotonic: 3 * second, wallClock: Self.t0, into: &out) == 1)
        #expect(runner.journalReports[0].restarts == 2)
        #expect(runner.journalReports[0].running)
    }

    /// A reload (SIGHUP) stops journalctl and starts it again after the last entry consumed:
    /// nothing read before is read again, nothing written meanwhile is missed.
    @Test func reloadRestartsJournalctlAfterTheCursor() throws {
        let journal = FakeJournal()
        func add(_ n: Int) {
            journal.append(
                FakeJournal.entry(
                    cursor: n, time: Self.at(Double(n)), message: Self.devstackMessage(n),
                    unit: "devstack@n-cpu.service"),
                directory: "/j")
        }
        add(1)
        add(2)
        let configuration = Self.journaldConfiguration([(["devstack@*"], "/j")])
        let fs = InMemoryFileSystem()
        var runner = LiveRunner(
            configuration: configuration, patterns: try Repo.patterns(), fileSystem: fs, checkpoint: nil,
            journalLauncher: journal)
        var out: [OutputRecord] = []
        #expect(runner.step(monotonic: 0, wallClock: Self.t0, into: &out) == 2)
        runner.reload(configuration, fileSystem: fs, takenAt: 0)
        add(3)
        #expect(runner.step(monotonic: 1, wallClock: Self.t0, into: &out) == 1)
        #expect(journal.launches.count == 2)
        #expect(journal.launches.last?.suffix(2) == ["--no-tail", "--after-cursor=s=fake;i=2"])
        runner.step(monotonic: 2, wallClock: Self.at(3600), into: &out)
        let ids = Self.spans(out).compactMap { span -> String? in
            if case .string(let id) = span.attributes[SpanAttributeKey.requestID] { id } else { nil }
        }
        #expect(ids.sorted() == [Self.request(1), Self.request(2), Self.request(3)])
    }

    @Test func checkpointsWithoutJournalPositionsStillDecode() throws {
        let runner = LiveRunner(
            configuration: LiveRunnerTests.configuration(), patterns: try Repo.patterns(),
            fileSystem: InMemoryFileSystem(), checkpoint: nil, journalLauncher: FakeJournal())
        let data = try JSONEncoder().encode(runner.checkpoint(takenAt: 7))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["journal"] = nil
        let old = try JSONSerialization.data(withJSONObject: object)
        #expect(!String(decoding: old, as: UTF8.self).contains("journal"))
        let decoded = try JSONDecoder().decode(Checkpoint.self, from: old)
        #expect(decoded.journal == nil)
        #expect(decoded.takenAt == 7)
    }

    /// Journal programs get source ids of their own, above every id the tailer hands out.
    @Test func journalSourceIDsDoNotCollideWithFiles() throws {
        let fs = InMemoryFileSystem()
        fs.createDirectory("/logs")
        fs.append("/logs/nova-api.log", LiveRunnerTests.line(1, minute: 0))
        var configuration = Self.journaldConfiguration([(["devstack@*"], "/j")])
        configuration.sources.insert(LiveRunnerTests.configuration().sources[0], at: 0)
        let journal = FakeJournal()
        journal.append(
            FakeJournal.entry(
                cursor: 1, time: Self.at(0), message: Self.devstackMessage(1), unit: "devstack@n-cpu.service"),
            directory: "/j")
        var runner = LiveRunner(
            configuration: configuration, patterns: try Repo.patterns(), fileSystem: fs, checkpoint: nil,
            journalLauncher: journal)
        var out: [OutputRecord] = []
        #expect(runner.step(monotonic: 0, wallClock: Self.t0, into: &out) == 2)
        let records = runner.checkpoint(takenAt: 0).sources
        let file = try #require(records.first { $0.path == "/logs/nova-api.log" })
        let program = try #require(records.first { $0.path == "journald:devstack@n-cpu" })
        #expect(file.id < LiveRunner.firstJournalSourceID(runner.tailer.configuration))
        #expect(program.id == LiveRunner.firstJournalSourceID(runner.tailer.configuration))
        #expect(runner.tailer.configuration.paths == ["/logs/*.log"])
    }
}
