import Foundation
import PatternParser
import Testing
import TraceTailCore
import TraceTailReport

@testable import TraceTailRuntime

/// Replay of log directories as they are found in the wild: a Zuul devstack job's
/// `controller/logs/`, logrotate's generations in `/var/log/nova`, kolla's syslog.
/// The fixtures are in Tests/Fixtures/realworld/.
@Suite struct RealWorldReplayTests {
    static func fixture(_ name: String) -> String { Repo.path("Tests/Fixtures/realworld/" + name) }

    /// A copy of a fixture directory whose files were last written at `modified` (the year of
    /// yearless journal times comes from it).
    static func copy(_ name: String, modified: Date? = nil) throws -> String {
        let dir = try Repo.temporaryDirectory(name)
        for file in try FileManager.default.contentsOfDirectory(atPath: fixture(name)) {
            try FileManager.default.copyItem(atPath: fixture(name) + "/" + file, toPath: dir + "/" + file)
            if let modified {
                try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: dir + "/" + file)
            }
        }
        return dir
    }

    static func replay(_ paths: [String]) throws -> (ReplayEngine, ReplayResult, [Span]) {
        let engine = try ReplayEngine(ReplayRequest(paths: paths, patterns: try Repo.patterns()))
        var spans: [Span] = []
        let result = try engine.run(emit: { if case .span(let s) = $0 { spans.append(s) } })
        return (engine, result, spans)
    }

    static let date20190905 = Date(timeIntervalSince1970: 1_567_677_600)  // 2019-09-05T10:00:00Z

    @Test func devstackJobDirectoryReplaysIntoOneCrossServiceTree() throws {
        let dir = try Self.copy("ci-job", modified: Self.date20190905)
        let (engine, result, spans) = try Self.replay([dir])
        // Job logs only: dstat-csv.txt and df.txt are not picked up; the gzipped one is.
        #expect(
            engine.sources.map(\.fileName) == [
                "devstack@g-api.service.log.txt", "devstack@q-svc.service.log.txt", "screen-n-api.txt",
                "screen-n-cpu.txt.gz",
            ])
        #expect(engine.sources.allSatisfy { $0.format == .oslo })
        #expect(result.parse.unmatchedTotal == 0)
        #expect(result.parse.skipped == 4)  // one journal header per file
        #expect(result.parse.lines == 4 + 2 + 2 + 5 + 11)

        // Request req-2f7e…: nova-api (entry), its glance and neutron calls, nova-compute.
        let trace = "2f7e1a3c5b6d4e8f9a0b1c2d3e4f5a6b"
        let tree = spans.filter { $0.traceID.description == trace && $0.name == "openstack.request" }
        let byService = Dictionary(grouping: tree, by: \.service)
        #expect(Set(byService.keys) == ["nova-api", "nova-compute", "glance-api", "neutron-server"])
        let api = try #require(byService["nova-api"]?.first)
        #expect(api.spanID.description == "9a0b1c2d3e4f5a6b")
        #expect(api.parentID == nil)
        #expect(api.resource == "POST /compute/v2.1/servers")
        #expect(api.attributes["http.status_code"] == .int(202))
        // Its start is the request line's time minus its latency, in 2019 (the file's year).
        #expect(api.start.iso8601 == "2019-09-05T09:02:07.899Z")
        let compute = try #require(byService["nova-compute"]?.first)
        #expect(compute.parentID?.description == "9a0b1c2d3e4f5a6b")
        #expect(compute.error)
        #expect(compute.attributes["line_count"] == .int(10))  // 5 lines + 5 traceback lines
        let neutron = try #require(byService["neutron-server"]?.first)
        #expect(neutron.spanID.description == "9e4f5a6b7c8d9e0f")  // low half of req-7c8d…
        #expect(neutron.parentID?.description == "9a0b1c2d3e4f5a6b")
        #expect(neutron.resource == "POST /v2.0/ports")
        #expect(neutron.attributes["http.status_code"] == .int(201))
        let glance = try #require(byService["glance-api"]?.first)
        #expect(glance.spanID.description == "8c2d3e4f5a6b7c8d")
        #expect(glance.parentID?.description == "9a0b1c2d3e4f5a6b")
        #expect(glance.resource == "GET /v2/images/{id}")
        // Client lines (REQ: curl, RESP: [201], the keystoneauth call line) opened no spans of
        // their own: each service has exactly one span in the tree.
        #expect(tree.count == 4)
    }

    @Test func rotatedGenerationsReplayOldestFirstAsOneTimeline() throws {
        let dir = try Self.copy("rotated")
        let (engine, result, spans) = try Self.replay([dir])
        #expect(
            engine.sources.map(\.fileName) == [
                "nova-api.log.2.gz", "nova-api.log.1", "nova-api.log", "nova-compute.log-20261126.gz",
                "nova-compute.log-20261127",
            ])
        #expect(result.parse.unmatchedTotal == 0)
        #expect(result.parse.lines == 8)
        #expect(Set(spans.map(\.service)) == ["nova-api", "nova-compute"])
        // A request whose first line was rotated into nova-api.log.1 and whose request line is in
        // nova-api.log is one span.
        let crossing = spans.filter {
            $0.attributes["request_id"] == .string("req-0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")
        }
        try #require(crossing.count == 1)
        #expect(crossing[0].attributes["line_count"] == .int(2))
        #expect(crossing[0].resource == "GET /v2.1/servers/detail")
        // The three days in time order, the gzipped day included.
        let requests = spans.filter { $0.service == "nova-api" }.sorted { $0.start < $1.start }
        #expect(
            requests.map { String($0.start.iso8601.prefix(10)) } == [
                "2026-11-25", "2026-11-25", "2026-11-26", "2026-11-26", "2026-11-27",
            ])
        #expect(requests.filter(\.error).count == 1)
    }

    @Test func aDirectoryOfOnlyRotatedFilesIsReplayed() throws {
        let dir = try Repo.temporaryDirectory("only-rotated")
        try FileManager.default.copyItem(
            atPath: Self.fixture("rotated/nova-api.log.1"), toPath: dir + "/nova-api.log.1")
        try FileManager.default.copyItem(
            atPath: Self.fixture("rotated/nova-compute.log-20261127"), toPath: dir + "/nova-compute.log-20261127")
        let (engine, _, spans) = try Self.replay([dir])
        #expect(engine.sources.count == 2)
        #expect(Set(spans.map(\.service)) == ["nova-api", "nova-compute"])
    }

    @Test func gzipIsRecognisedByItsMagicBytesNotItsName() throws {
        let dir = try Repo.temporaryDirectory("gz-magic")
        try FileManager.default.copyItem(
            atPath: Self.fixture("rotated/nova-api.log.2.gz"), toPath: dir + "/nova-api.archive")
        // And a plain file whose name ends in .gz is read as text.
        try FileManager.default.copyItem(
            atPath: Self.fixture("rotated/nova-api.log.1"), toPath: dir + "/nova-api.log.3.gz")
        let (_, result, spans) = try Self.replay([dir + "/nova-api.archive", dir + "/nova-api.log.3.gz"])
        #expect(result.parse.lines == 4)
        #expect(result.parse.unmatchedTotal == 0)
        #expect(spans.filter { $0.attributes["http.status_code"] != nil }.count == 3)
        #expect(result.sourceProblems.isEmpty)
    }

    @Test func uwsgiLinesDoNotCountNovasRequestsTwice() throws {
        let dir = try Self.copy("ci-job", modified: Self.date20190905)
        let (_, result, spans) = try Self.replay([dir])
        let boots = spans.filter { $0.service == "nova-api" && $0.resource == "POST /compute/v2.1/servers" }
        #expect(boots.count == 1, "\(boots.map(\.traceID))")
        #expect(boots.first?.attributes["request_id"] != nil, "the request is nova's own line, with its id")
        #expect(result.parse.echoedRequestLines == 1)
    }

    @Test func junoCalleeIsParentedThroughTheClientsResponseHeader() throws {
        // Juno has no global request ids: neutron's request is tied to nova-compute's only by
        // the x-openstack-request-id that neutronclient's RESP debug line records.
        let (_, _, spans) = try Self.replay([Self.fixture("juno")])
        let nova = try #require(spans.first { $0.service == "nova-compute" })
        let port = try #require(spans.first { $0.resource == "POST /v2.0/ports.json" })
        let other = try #require(spans.first { $0.resource == "GET /v2.0/networks.json" })
        #expect(port.service == "neutron-server")
        #expect(nova.traceID.description == "1f2e3d4c5b6a47988a7b6c5d4e3f2a1b")
        #expect(port.traceID == nova.traceID)
        #expect(port.parentID == nova.spanID)
        #expect(
            other.traceID.description == "0b1c2d3e4f5a4b6c9d7e8f9a0b1c2d3e", "an uncalled request stays its own trace")
        #expect(other.parentID == nil)
    }

    @Test func syslogWrappedContainersNameTheirServices() throws {
        let (_, result, spans) = try Self.replay([Self.fixture("kolla/messages.log")])
        #expect(result.parse.unmatchedTotal == 0)
        let trace = spans.filter { $0.traceID.description == "3c4d5e6f7a8b4c9d8e0f1a2b3c4d5e6f" }
        #expect(Set(trace.map(\.service)) == ["nova-api", "nova-compute"])
        let compute = try #require(trace.first { $0.service == "nova-compute" })
        #expect(compute.error)
        #expect(compute.attributes["line_count"] == .int(4))
        #expect(compute.attributes["pid"] == .int(129891))
        #expect(compute.start.iso8601 == "2024-07-11T22:10:59.946Z")  // the inner (oslo) time
    }
}

/// The gzip reader on its own: framing, members, damage.
@Suite struct GzipLineReaderTests {
    /// `text` gzipped by the system's gzip(1), written to a new file.
    static func gzipFile(_ text: [UInt8], name: String = "data.gz") throws -> String {
        let dir = try Repo.temporaryDirectory("gzip")
        let plain = dir + "/plain"
        _ = FileManager.default.createFile(atPath: plain, contents: Data(text))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        process.arguments = ["-n", "-k", plain]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        try FileManager.default.moveItem(atPath: plain + ".gz", toPath: dir + "/" + name)
        return dir + "/" + name
    }

    static func lines(_ path: String, maxLineBytes: Int = 1 << 20, chunkBytes: Int = 1 << 20) throws -> (
        [String], [Int], [Bool], GzipLineReader
    ) {
        let reader = try GzipLineReader(path: path, maxLineBytes: maxLineBytes, chunkBytes: chunkBytes)
        var texts: [String] = []
        var numbers: [Int] = []
        var cut: [Bool] = []
        while try reader.next() {
            for line in reader.lines {
                texts.append(String(decoding: reader.chunk[line.range], as: UTF8.self))
                numbers.append(line.number)
                cut.append(line.truncated)
            }
        }
        return (texts, numbers, cut, reader)
    }

    @Test func framesLinesLikeTheLineReader() throws {
        let path = try Self.gzipFile(Array("one\r\ntwo\n\nfour without newline".utf8))
        #expect(ReplayFile.isGzip(path))
        let (texts, numbers, cut, reader) = try Self.lines(path)
        #expect(texts == ["one", "two", "", "four without newline"])
        #expect(numbers == [1, 2, 3, 4])
        #expect(cut == [false, false, false, false])
        #expect(reader.problem == nil)
    }

    @Test func manyLinesAcrossSmallChunksAndLongLinesCut() throws {
        var text: [UInt8] = []
        var expected: [String] = []
        for i in 0..<20_000 {
            let line = "2026-11-27 10:00:00.000 7 INFO nova.api [-] line \(i) " + String(repeating: "x", count: i % 97)
            expected.append(line)
            text += Array(line.utf8) + [0x0A]
        }
        text += Array(String(repeating: "y", count: 10_000).utf8) + [0x0A] + Array("after".utf8) + [0x0A]
        let path = try Self.gzipFile(text)
        let (texts, numbers, cut, _) = try Self.lines(path, maxLineBytes: 4096, chunkBytes: 4096)
        #expect(Array(texts.prefix(20_000)) == expected)
        #expect(texts.count == 20_002)
        #expect(texts[20_000] == String(repeating: "y", count: 4096))
        #expect(cut[20_000] && !cut[20_001])
        #expect(texts[20_001] == "after")
        #expect(numbers == Array(1...20_002))
    }

    @Test func concatenatedMembersAreReadInTurn() throws {
        let a = try Data(contentsOf: URL(fileURLWithPath: try Self.gzipFile(Array("a1\na2\n".utf8))))
        let b = try Data(contentsOf: URL(fileURLWithPath: try Self.gzipFile(Array("b1\nb2".utf8))))
        let dir = try Repo.temporaryDirectory("members")
        _ = FileManager.default.createFile(atPath: dir + "/both.gz", contents: a + b + Data([0, 0, 0, 0]))
        let (texts, _, _, reader) = try Self.lines(dir + "/both.gz")
        #expect(texts == ["a1", "a2", "b1", "b2"])
        #expect(reader.problem == nil)
    }

    @Test func damagedAndTruncatedDataEndTheFileWithoutACrash() throws {
        var text: [UInt8] = []
        for i in 0..<5_000 { text += Array("line \(i) of a log that compresses well\n".utf8) }
        let good = try Data(contentsOf: URL(fileURLWithPath: try Self.gzipFile(text)))
        let dir = try Repo.temporaryDirectory("damaged")
        var damaged = good
        for i in stride(from: good.count / 2, to: good.count / 2 + 16, by: 1) { damaged[i] ^= 0x5A }
        _ = FileManager.default.createFile(atPath: dir + "/damaged.gz", contents: damaged)
        _ = FileManager.default.createFile(atPath: dir + "/truncated.gz", contents: good.prefix(good.count / 2))
        let (broken, _, _, reader) = try Self.lines(dir + "/damaged.gz")
        #expect(reader.problem?.contains("damaged") == true)
        // What came before the damage is intact.
        #expect(broken.count > 100)
        #expect(Array(broken.prefix(100)) == (0..<100).map { "line \($0) of a log that compresses well" })
        let (partial, _, _, cutReader) = try Self.lines(dir + "/truncated.gz")
        #expect(partial.count < 5_000)
        #expect(partial.dropLast().allSatisfy { $0.hasPrefix("line ") })
        // zlib reports nothing when the data simply stops; the missing ISIZE trailer tells.
        #expect(cutReader.problem?.contains("ends early (truncated) after \(partial.count) lines") == true)
        // Cut inside the eight-byte trailer: every line is there, and still the file is short.
        _ = FileManager.default.createFile(atPath: dir + "/trailer.gz", contents: good.prefix(good.count - 3))
        let (whole, _, _, trailerReader) = try Self.lines(dir + "/trailer.gz")
        #expect(whole.count == 5_000)
        #expect(trailerReader.problem?.contains("truncated") == true)

        // Replay counts the damaged file and goes on with the others.
        try FileManager.default.copyItem(
            atPath: RealWorldReplayTests.fixture("rotated/nova-api.log"), toPath: dir + "/nova-api.log")
        let (_, result, spans) = try RealWorldReplayTests.replay([dir + "/damaged.gz", dir + "/nova-api.log"])
        #expect(result.sourceProblems.count == 1)
        #expect(result.totals.unmatched["damaged_gzip"] == 1)
        #expect(spans.contains { $0.service == "nova-api" })
    }

    @Test func emptyGzipHasNoLines() throws {
        let path = try Self.gzipFile([])
        let (texts, _, _, reader) = try Self.lines(path)
        #expect(texts.isEmpty)
        #expect(reader.problem == nil)
    }
}

@Suite struct SourceDiscoveryTests {
    @Test func generationsSortOldestFirstAndOtherNamesAreLeftOut() throws {
        let names = [
            "nova-api.log", "nova-api.log.1", "nova-api.log.10.gz", "nova-api.log.2.gz", "glance-api.log-20261127",
            "glance-api.log-20261126.gz", "glance-api.log", "screen-n-cpu.txt.gz", "devstack@n-api.service.log.txt",
            "df.txt", "README", "nova-api.log.bak", "cta-agent.jsonl", "x.log.tmp",
        ]
        let kept = names.filter { LogFileName($0) != nil }
        #expect(
            LogFileName.ordered(kept) == [
                "cta-agent.jsonl", "devstack@n-api.service.log.txt", "glance-api.log-20261126.gz",
                "glance-api.log-20261127", "glance-api.log", "nova-api.log.10.gz", "nova-api.log.2.gz",
                "nova-api.log.1", "nova-api.log", "screen-n-cpu.txt.gz",
            ])
    }

    @Test func anEmptyDirectorySaysWhatItLooksFor() throws {
        let dir = try Repo.temporaryDirectory("no-logs")
        _ = FileManager.default.createFile(atPath: dir + "/df.txt", contents: Data("x\n".utf8))
        #expect(throws: SourceDiscovery.Problem.self) { try SourceDiscovery.expand([dir]) }
        do {
            _ = try SourceDiscovery.expand([dir])
        } catch {
            #expect(error.message.contains("*.log.2.gz"))
        }
    }

    @Test func globsOrderGenerationsToo() throws {
        let dir = try RealWorldReplayTests.copy("rotated")
        let files = try SourceDiscovery.expand([dir + "/nova-api.log*"]).map { ($0 as NSString).lastPathComponent }
        #expect(files == ["nova-api.log.2.gz", "nova-api.log.1", "nova-api.log"])
    }
}
