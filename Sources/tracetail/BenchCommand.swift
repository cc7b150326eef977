import ArgumentParser
import Foundation
import PatternParser
import TraceTailCore
import TraceTailRuntime

/// `tracetail bench`: parse throughput on a generated nova file, beside `pcre2grep -c`.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Generate a realistic nova log and time parsing it, side by side with pcre2grep -c."
    )

    @Option(help: "Number of lines to generate.")
    var lines: Int = 1_000_000

    @Option(help: "Directory for the generated file.")
    var dir: String = "/tmp/tracetail-bench"

    @Option(help: "Directory of *.grok pattern files (default: ./patterns, else the repository's patterns/).")
    var patterns: String?

    @Option(help: "Timed repetitions of each measurement; the best is reported.")
    var runs: Int = 3

    @Flag(help: "Reuse an existing generated file of the same line count instead of writing it again.")
    var reuse = false

    @Flag(help: "Time only tracetail's parse (skip pcre2grep).")
    var parseOnly = false

    func validate() throws {
        guard lines > 0 else { throw ValidationError("--lines must be positive") }
        guard runs > 0 else { throw ValidationError("--runs must be positive") }
    }

    func run() throws {
        let set = try PatternDirectory.compile(patterns)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/nova-bench.log"
        let size: Int
        if reuse, let existing = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int {
            size = existing
        } else {
            var generator = NovaLogGenerator(seed: 42)
            size = try generator.write(lines: lines, to: path)
        }
        print("file: \(path)  \(lines) lines  \(format(Double(size) / 1e6)) MB")

        var best = Double.infinity
        var bestCPU = Double.infinity
        var counters = ParseCounters()
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let cpuStart = cpuSeconds(RUSAGE_SELF)
            counters = try parseOnce(path, set)
            bestCPU = min(bestCPU, cpuSeconds(RUSAGE_SELF) - cpuStart)
            best = min(best, seconds(ContinuousClock.now - start))
        }
        report("tracetail parse (1 core)", best, cpu: bestCPU, size: size, note: describe(counters))
        if parseOnly { return }

        // pcre2grep on the same file with our first line rule, expanded, as its one regex.
        let rule = set.rules.first { $0.kind == .line }!
        let pattern = "(?s)^" + rule.expandedPattern
        var grepBest = Double.infinity
        var grepCPU = Double.infinity
        var grepCount = ""
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let cpuStart = cpuSeconds(RUSAGE_CHILDREN)
            guard let out = runPCRE2Grep(pattern: pattern, path: path) else {
                print("pcre2grep: not available (apt-get install pcre2-utils)")
                return
            }
            grepBest = min(grepBest, seconds(ContinuousClock.now - start))
            grepCPU = min(grepCPU, cpuSeconds(RUSAGE_CHILDREN) - cpuStart)
            grepCount = out
        }
        report("pcre2grep -c (rule \(rule.name))", grepBest, cpu: grepCPU, size: size, note: "count \(grepCount)")
        print("ratio (CPU time): tracetail parse takes \(format(bestCPU / grepCPU))× the time of pcre2grep -c")
    }

    private func parseOnce(_ path: String, _ set: PatternSet) throws -> ParseCounters {
        var parser = try LineParser(format: .oslo, patterns: set)
        let reader = try LineReader(path: path)
        var batch = LineBatch()
        var checksum = 0
        while try reader.next(into: &batch) {
            for i in 0..<batch.count {
                let event = parser.parse(batch[i], source: SourceID(0), lineID: batch.lines[i].number)
                checksum &+= event.http?.status ?? 0
            }
        }
        precondition(checksum != -1)  // keep the work observable
        return parser.counters
    }

    private func runPCRE2Grep(pattern: String, path: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pcre2grep", "-c", pattern, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus <= 1 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func describe(_ c: ParseCounters) -> String {
        "matched \(c.matched), continuations \(c.continuations), unmatched \(c.unmatchedTotal)"
    }

    /// Wall time, plus CPU time and the rates it implies (per core: the machine may be shared).
    private func report(_ label: String, _ secs: Double, cpu: Double, size: Int, note: String) {
        let lps = Double(lines) / cpu / 1e6
        let mbps = Double(size) / cpu / 1e6
        print(
            label.padding(toLength: 36, withPad: " ", startingAt: 0)
                + "wall \(format(secs)) s  cpu \(format(cpu)) s  \(format(lps)) M lines/s/core  "
                + "\(format(mbps)) MB/s/core  \(note)")
    }

    /// User + system CPU seconds of this process or of its waited-for children.
    private func cpuSeconds(_ who: __rusage_who) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(who.rawValue), &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func format(_ v: Double) -> String { String(format: "%.3f", v) }
}

/// Deterministic nova-api / nova-compute lines in today's and Loghub's shapes: request lines,
/// contexts old and new, instance lines, `[-]`, and ERROR lines followed by tracebacks.
struct NovaLogGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    private mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    private mutating func uuid() -> String {
        let a = next()
        let b = next()
        let h = Hex.string(a, digits: 16) + Hex.string(b, digits: 16)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20])
            + "-" + String(c[20..<32])
    }

    /// Writes the file and returns its size in bytes.
    mutating func write(lines count: Int, to path: String) throws -> Int {
        let user = "113d3a99c3da401fbd62cc2caa5b96d2"
        let project = "54fadb412c4e40cdbaed9335e4c35a9e"
        let instances = (0..<16).map { _ in uuid() }
        var out: [UInt8] = []
        out.reserveCapacity(count * 270)
        var written = 0
        var millis: Int64 = 1_494_892_800_000  // 2017-05-16T00:00:00Z
        var lineNo = 0
        func ts(_ ms: Int64) -> String {
            let c = CivilTime(EventTime(milliseconds: ms))
            func p(_ v: Int, _ w: Int) -> String {
                let s = String(v)
                return String(repeating: "0", count: max(0, w - s.count)) + s
            }
            return
                "\(p(c.year, 4))-\(p(c.month, 2))-\(p(c.day, 2)) \(p(c.hour, 2)):\(p(c.minute, 2)):\(p(c.second, 2)).\(p(c.nanosecond / 1_000_000, 3))"
        }
        while lineNo < count {
            millis += Int64(next() % 40)
            let time = ts(millis)
            let kind = next() % 100
            let req = "req-" + uuid()
            let inst = instances[Int(next() % 16)]
            var batch: [String]
            switch kind {
            case 0..<45:
                let latency = Double(next() % 900_000) / 1e6 + 0.05
                let status = next() % 20 == 0 ? 500 : 200
                batch = [
                    "nova-api.log.1.2017-05-16_13:53:08 \(time) 25746 INFO nova.osapi_compute.wsgi.server [\(req) \(user) \(project) - - -] 10.11.10.1 \"GET /v2/\(project)/servers/detail HTTP/1.1\" status: \(status) len: \(1800 + next() % 200) time: \(String(format: "%.7f", latency))"
                ]
            case 45..<55:
                batch = [
                    "\(time) 4242 INFO nova.api.openstack.requestlog [None \(req) admin demo - - default default] 10.0.0.1 \"POST /v2.1/servers HTTP/1.1\" status: 202 len: 1893 microversion: 2.1 time: 0.\(100 + next() % 800)"
                ]
            case 55..<80:
                batch = [
                    "nova-compute.log.1.2017-05-16_13:55:31 \(time) 2931 INFO nova.compute.manager [\(req) \(user) \(project) - - -] [instance: \(inst)] Took \(next() % 30).\(next() % 100) seconds to build instance."
                ]
            case 80..<90:
                batch = [
                    "nova-compute.log.1.2017-05-16_13:55:31 \(time) 2931 INFO nova.virt.libvirt.driver [-] [instance: \(inst)] Instance spawned successfully."
                ]
            case 90..<95:
                batch = [
                    "\(time) 2931 DEBUG nova.compute.resource_tracker [req-\(uuid()) \(req) - - - - -] Compute_service record updated for cp-1:cp-1 dd.trace_id=\(next() >> 1) dd.span_id=\(next() >> 1)"
                ]
            default:
                batch = [
                    "\(time) 2931 ERROR nova.compute.manager [\(req) \(user) \(project) - - -] [instance: \(inst)] Instance failed to spawn",
                    "\(time) 2931 ERROR nova.compute.manager [instance: \(inst)] Traceback (most recent call last):",
                    "\(time) 2931 ERROR nova.compute.manager [instance: \(inst)]   File \"/usr/lib/python3/dist-packages/nova/compute/manager.py\", line 2078, in _build_resources",
                    "\(time) 2931 ERROR nova.compute.manager [instance: \(inst)] libvirt.libvirtError: internal error: process exited while connecting to monitor",
                ]
            }
            for line in batch.prefix(count - lineNo) {
                out.append(contentsOf: line.utf8)
                out.append(0x0A)
                lineNo += 1
            }
            if out.count > 8 << 20 {
                written += out.count
                try append(out, to: path, truncate: written == out.count)
                out.removeAll(keepingCapacity: true)
            }
        }
        try append(out, to: path, truncate: written == 0)
        return written + out.count
    }

    private func append(_ bytes: [UInt8], to path: String, truncate: Bool) throws {
        if truncate { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write \(path)")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }
}
