import Foundation
import LogTailer
import PatternParser
import Testing
import TraceTailCore
import TraceTailRuntime

/// The daemon's synchronous core on an in-memory file system: no threads, no sleeps, time as
/// arguments.
@Suite struct LiveRunnerTests {
    static func line(_ n: Int, minute: Int, second: Int = 0) -> String {
        let id = String(format: "req-00000000-0000-4000-8000-%012x", n)
        return String(
            format:
                "2026-12-03 08:%02d:%02d.000 2931 INFO nova.osapi_compute.wsgi.server [%@ u p - - -] 10.1.1.1 \"GET /v2/p/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829\n",
            minute, second, id)
    }

    static func configuration() -> TraceTailConfiguration {
        var c = TraceTailConfiguration()
        var source = TraceTailConfiguration.Source(path: "/logs/*.log")
        source.startAt = .beginning
        c.sources = [source]
        c.correlation.idleTimeout = .seconds(1)
        c.correlation.allowedLateness = .seconds(1)
        return c
    }

    /// Follows `*.log` (format detected) and `*.jsonl` (CTA events) of `directory` from their start.
    static func directoryConfiguration(_ directory: String) -> TraceTailConfiguration {
        var configuration = TraceTailConfiguration()
        var logs = TraceTailConfiguration.Source(path: directory + "/*.log")
        logs.startAt = .beginning
        var events = TraceTailConfiguration.Source(path: directory + "/*.jsonl")
        events.startAt = .beginning
        events.format = .ctaEvents
        configuration.sources = [logs, events]
        return configuration
    }

    static let wall = EventTime(nanoseconds: 1_796_287_380_000_000_000)  // 2026-12-03 08:43 UTC

    @Test func quietLogsCloseSpansWithTheWallClock() throws {
        let fs = InMemoryFileSystem()
        fs.createDirectory("/logs")
        for n in 0..<10 { fs.append("/logs/nova-api.log", Self.line(n, minute: n)) }
        var runner = LiveRunner(
            configuration: Self.configuration(), patterns: try Repo.patterns(), fileSystem: fs, checkpoint: nil)
        var out: [OutputRecord] = []
        #expect(runner.step(monotonic: 0, wallClock: Self.wall, into: &out) == 10)
        runner.step(monotonic: 1_000_000, wallClock: Self.wall, into: &out)
        let spans = out.compactMap { if case .span(let s) = $0 { s } else { nil } }
        #expect(spans.count == 10)
        let lines = out.map(\.jsonLine)
        #expect(lines.count == out.count)
    }

    /// The same files through `run` (tailer, per-file parsers, cross-file merge, wall clock) and
    /// through `replay` (k-way merge, finish) give the same spans and the same metrics.
    @Test func runAndReplayOfTheSamplesAgree() throws {
        let fs = InMemoryFileSystem()
        fs.createDirectory("/samples")
        let names = try FileManager.default.contentsOfDirectory(atPath: Repo.path("samples"))
            .filter { $0.hasSuffix(".log") || $0.hasSuffix(".jsonl") }.sorted()
        for name in names {
            fs.write(
                "/samples/" + name, Array(try Data(contentsOf: URL(fileURLWithPath: Repo.path("samples/" + name)))))
        }
        let configuration = Self.directoryConfiguration("/samples")

        var replayed: [OutputRecord] = []
        let engine = try ReplayEngine(
            ReplayRequest(paths: [Repo.path("samples")], configuration: configuration, patterns: try Repo.patterns()))
        _ = try engine.run(emit: { replayed.append($0) })

        var runner = LiveRunner(
            configuration: configuration, patterns: try Repo.patterns(), fileSystem: fs, checkpoint: nil)
        var live: [OutputRecord] = []
        var now: Int64 = 0
        // Event time far past the samples, so quiet periods close everything.
        let later = EventTime(nanoseconds: 4_102_444_800_000_000_000)
        while runner.step(monotonic: now, wallClock: later, into: &live) > 0 { now += 1_000_000 }
        runner.step(monotonic: now, wallClock: later, into: &live)

        func spans(_ records: [OutputRecord]) -> [String] {
            records.compactMap { if case .span = $0 { $0.jsonLine } else { nil } }.sorted()
        }
        func metrics(_ records: [OutputRecord]) -> [String] {
            records.compactMap { if case .metric = $0 { $0.jsonLine } else { nil } }.sorted()
        }
        #expect(spans(live).count == spans(replayed).count)
        #expect(spans(live) == spans(replayed))
        let gauges = { (r: [OutputRecord]) in metrics(r).filter { $0.contains("cta.error_rate") } }
        // Every gauge of the replay comes out of run with the same value. Run goes on past the
        // end of the data (a live window keeps reporting its last spans until they leave it);
        // replay stops at the last boundary of its data, so run's extra gauges all come after.
        let l = Set(gauges(live))
        let r = Set(gauges(replayed))
        #expect(r.subtracting(l).isEmpty, "only in replay: \(r.subtracting(l).sorted().prefix(3))")
        func time(_ line: String) -> Int64 {
            Int64(line.split(separator: "\"timestamp_ns\":")[1].prefix { $0.isNumber }) ?? 0
        }
        let lastReplayed = r.map(time).max() ?? 0
        #expect(l.subtracting(r).allSatisfy { time($0) > lastReplayed })
    }

    /// A clean restart loses nothing and repeats nothing: the samples are written in chunks as a
    /// live service would write them; at a cut the runner's checkpoint goes through JSON (as on
    /// disk) into a new runner, which continues. Output is the same as without the restart.
    @Test(arguments: [3, 11, 25, 40])
    func restartFromCheckpointContinuesExactly(cut: Int) throws {
        let names = ["nova-api.log", "nova-conductor.log", "nova-compute.log", "nova-scheduler.log", "cta-agent.jsonl"]
        var chunks: [[(String, [UInt8])]] = []
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Repo.path("samples/" + name))))
            let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false).dropLast()
            let per = max(1, lines.count / 50)
            for (i, start) in stride(from: 0, to: lines.count, by: per).enumerated() {
                let piece: [UInt8] = lines[start..<min(lines.count, start + per)].flatMap { Array($0) + [UInt8(0x0a)] }
                if chunks.count <= i { chunks.append([]) }
                chunks[i].append(("/logs/" + name, piece))
            }
        }
        let configuration = Self.directoryConfiguration("/logs")
        let patterns = try Repo.patterns()
        let quiet = EventTime(nanoseconds: 0)  // the wall clock plays no part here

        func runAll(restartAt: Int?) throws -> [String] {
            let fs = InMemoryFileSystem()
            fs.createDirectory("/logs")
            var runner = LiveRunner(configuration: configuration, patterns: patterns, fileSystem: fs, checkpoint: nil)
            var out: [OutputRecord] = []
            for (i, chunk) in chunks.enumerated() {
                for (path, bytes) in chunk { fs.append(path, bytes) }
                runner.step(monotonic: Int64(i) * 1_000_000, wallClock: quiet, into: &out)
                if i == restartAt {
                    let data = try JSONEncoder().encode(runner.checkpoint(takenAt: 0))
                    let restored = try JSONDecoder().decode(Checkpoint.self, from: data)
                    runner = LiveRunner(
                        configuration: configuration, patterns: patterns, fileSystem: fs, checkpoint: restored)
                }
            }
            runner.step(monotonic: Int64(chunks.count) * 1_000_000, wallClock: quiet, into: &out)
            return out.map(\.jsonLine)
        }
        let whole = try runAll(restartAt: nil)
        let restarted = try runAll(restartAt: cut)
        #expect(whole.count > 100)
        #expect(restarted.count == whole.count)
        #expect(restarted == whole)
    }
}
