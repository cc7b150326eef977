import ArgumentParser
import Foundation
import LogSimulator
import LogTailer
import PCRE2
import PatternParser
import TraceTailCore
import TraceTailReport
import TraceTailRuntime

/// `tracetail bench`: one honest side-by-side on the same generated input — `pcre2grep -c` with
/// the oslo line rule, tracetail's parse stage alone, and the whole replay pipeline with its
/// output discarded. The input is a nova log directory written by the project's own
/// `LogSimulator`, scaled to about `--lines` lines.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time pcre2grep -c, tracetail's parser and the full replay on one simulated nova log directory.",
        discussion: """
            Rates are reported per wall second and per CPU second (the machine may be shared: CPU \
            time is the fairer figure). The measurements run round-robin, --runs rounds; each \
            one's best wall and best CPU time are reported.
            """)

    @Option(help: "About this many log lines are generated (the simulated duration is scaled to it).")
    var lines: Int = 1_000_000

    @Option(help: "Directory for the generated log directory.")
    var dir: String = "/tmp/tracetail-bench"

    @Option(help: "Directory of *.grok files laid over the built-in ones (replacing same-named files).")
    var patterns: String?

    @Option(help: "Timed repetitions of each measurement; the best is reported.")
    var runs: Int = 3

    @Flag(help: "Reuse the generated directory when it was made for the same --lines.")
    var reuse = false

    @Option(
        help: """
            Measure only these, comma-separated: grep, regex, parse, json, replay, cli (each command \
            as a child process, with its peak RSS), mallocs (allocations per line) (default: all).
            """)
    var only: String = "grep,regex,parse,json,replay,cli,mallocs"

    @Flag(help: "Same as --only parse.")
    var parseOnly = false

    /// Simulated client requests per second; the duration is scaled to reach `--lines`.
    static let rate = 100.0
    static let seed: UInt64 = 42

    func validate() throws {
        guard lines > 0 else { throw ValidationError("--lines must be positive") }
        guard runs > 0 else { throw ValidationError("--runs must be positive") }
        let known: Set<String> = ["grep", "regex", "parse", "json", "replay", "cli", "mallocs"]
        for name in selected where !known.contains(name) {
            throw ValidationError(
                "--only: unknown measurement '\(name)' (grep, regex, parse, json, replay, cli, mallocs)")
        }
    }

    private var selected: [String] {
        parseOnly ? ["parse"] : only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    func run() throws {
        let set = try PatternDirectory.compile(patterns)
        let input = try prepareInput()
        print(
            "input: \(dir)  \(input.logFiles.count) log files  \(input.lines) lines  "
                + "\(format(Double(input.bytes) / 1e6, 1)) MB  (LogSimulator rate \(Int(Self.rate))/s, "
                + "\(input.durationSeconds) s, seed \(Self.seed))")
        var jobs: [Job] = []
        if selected.contains("grep"), let job = grepJob(input, set) { jobs.append(job) }
        if selected.contains("regex") { jobs.append(regexJob(input, set)) }
        if selected.contains("parse") { jobs.append(parseJob(input, set)) }
        if selected.contains("json") { jobs.append(jsonJob(input, set)) }
        if selected.contains("replay") { jobs.append(replayJob(set)) }
        if selected.contains("cli") { jobs += commandJobs(input) }
        if !jobs.isEmpty { printTable(try measure(jobs, input: input), input: input) }
        if selected.contains("mallocs") { try measureMallocs(input) }
    }

    // MARK: Input

    struct Input {
        var logFiles: [String]
        var lines: Int
        var bytes: Int
        var durationSeconds: Int64
    }

    /// Writes (or reuses) the simulated directory. The duration is calibrated on a one-minute
    /// run at the same rate, so `--lines` is met within a few percent whatever the line mix.
    private func prepareInput() throws -> Input {
        let meta = dir + "/bench.meta"
        if reuse, let text = try? String(contentsOfFile: meta, encoding: .utf8) {
            let fields = Dictionary(
                uniqueKeysWithValues: text.split(whereSeparator: \.isWhitespace).compactMap { word -> (String, Int)? in
                    let parts = word.split(separator: "=")
                    guard parts.count == 2, let v = Int(parts[1]) else { return nil }
                    return (String(parts[0]), v)
                })
            let files = logFiles()
            if fields["target"] == lines, let l = fields["lines"], let b = fields["bytes"],
                let d = fields["duration"].map(Int64.init),
                !files.isEmpty
            {
                return Input(logFiles: files, lines: l, bytes: b, durationSeconds: d)
            }
        }
        // Same shape as the real run (incident in the middle third), so the line mix matches.
        let probeSeconds: Int64 = 180
        let perProbe = max(1, LogSimulator.generate(Self.simulation(seconds: probeSeconds)).count)
        let seconds = max(probeSeconds, Int64((Double(lines) / Double(perProbe) * Double(probeSeconds)).rounded()))
        let configuration = Self.simulation(seconds: seconds)
        let start = ContinuousClock.now
        let summary = try SimulationWriter(directory: dir).writeAll(configuration)
        var lineCount = 0
        var byteCount = 0
        for (file, n) in summary.lines where file.fileName.hasSuffix(".log") {
            lineCount += n
            byteCount += summary.bytes[file] ?? 0
        }
        print("generated in \(format(self.seconds(ContinuousClock.now - start), 1)) s")
        try "target=\(lines) lines=\(lineCount) bytes=\(byteCount) duration=\(seconds)\n".write(
            toFile: meta, atomically: true, encoding: .utf8)
        return Input(logFiles: logFiles(), lines: lineCount, bytes: byteCount, durationSeconds: seconds)
    }

    /// A run of `seconds` with the incident in its middle third (the `simulate` default shape).
    static func simulation(seconds: Int64) -> SimulationConfiguration {
        let third = EventDuration.seconds(seconds / 3)
        return SimulationConfiguration(
            duration: .seconds(seconds), rate: rate, seed: seed, incident: IncidentWindow(start: third, length: third))
    }

    /// The simulated log files present in `dir` (other files there are ignored).
    private func logFiles() -> [String] {
        SimulatedFile.allCases.map(\.fileName).filter { $0.hasSuffix(".log") }.sorted().map { dir + "/" + $0 }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Every simulated file, CTA events included: what the replay reads.
    func allFiles() -> [String] {
        SimulatedFile.allCases.map { dir + "/" + $0.fileName }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    // MARK: Measurements

    struct Row {
        var label: String
        var lines: Int
        var bytes: Int
        var wall: Double
        var cpu: Double
        var note: String
    }

    /// One measurement: `body` does the work once and returns the lines it covered and a note,
    /// or nil when the tool is not available.
    struct Job {
        var label: String
        /// Whether the work runs in a child process (its CPU time is the children's).
        var children = false
        var body: () throws -> (lines: Int, note: String)?
    }

    /// Runs the jobs round-robin, `runs` rounds, and keeps each one's best wall and best CPU time.
    /// Interleaving matters on a shared machine: a slow minute then slows every row alike instead
    /// of whichever measurement happened to run in it.
    private func measure(_ jobs: [Job], input: Input) throws -> [Row] {
        var best = [(wall: Double, cpu: Double)](repeating: (.infinity, .infinity), count: jobs.count)
        var results = [(lines: Int, note: String)?](repeating: nil, count: jobs.count)
        var unavailable = Set<Int>()
        for _ in 0..<runs {
            for (i, job) in jobs.enumerated() where !unavailable.contains(i) {
                let who = job.children ? RUSAGE_CHILDREN : RUSAGE_SELF
                let start = ContinuousClock.now
                let cpuStart = cpuSeconds(who)
                guard let result = try job.body() else {
                    unavailable.insert(i)
                    continue
                }
                best[i].cpu = min(best[i].cpu, cpuSeconds(who) - cpuStart)
                best[i].wall = min(best[i].wall, seconds(ContinuousClock.now - start))
                results[i] = result
            }
        }
        return jobs.indices.compactMap { i in
            results[i].map {
                Row(
                    label: jobs[i].label, lines: $0.lines, bytes: input.bytes, wall: best[i].wall, cpu: best[i].cpu,
                    note: $0.note)
            }
        }
    }

    /// `pcre2grep -c` over the same files with the first oslo line rule, expanded, as its one regex.
    private func grepJob(_ input: Input, _ set: PatternSet) -> Job? {
        guard let rule = set.rules.first(where: { $0.kind == .line && $0.formats.contains("oslo") }) else { return nil }
        let pattern = "(?s)^" + rule.expandedPattern
        return Job(label: "pcre2grep -c (rule \(rule.name))", children: true) {
            guard let out = runPCRE2Grep(pattern: pattern, paths: input.logFiles) else {
                print("pcre2grep: not available (apt-get install pcre2-utils)")
                return nil
            }
            return (input.lines, "matched \(out)")
        }
    }

    /// The floor under `parse`: the reader and the same PCRE2 matches the parser runs (oslo line
    /// rules in order until one matches, then the message rules whose literal occurs in the
    /// `message` capture), with no field converted and no event built.
    private func regexJob(_ input: Input, _ set: PatternSet) -> Job {
        let lineRules = set.rules.filter {
            ($0.kind == .line || $0.kind == .continuation) && $0.formats.contains("oslo")
        }
        let messageRules = set.rules(format: "oslo", kind: .message)
        let messageGroups = lineRules.map { $0.capture(named: "message")?.groups.first ?? -1 }
        // Unmanaged, borrowed references: the loop must cost what the parser's costs, and copying
        // a `PatternRule` (strings, arrays) or retaining a regex per attempt would not.
        let lineRegexes = lineRules.map { Unmanaged.passUnretained($0.regex) }
        let messageRegexes = messageRules.map { Unmanaged.passUnretained($0.regex) }
        // Literals flattened into one buffer (offset, length per rule), so checking them costs no
        // array copy or retain per line.
        var literalBytes: [UInt8] = []
        var literalSpans: [(start: Int, count: Int)] = []
        for rule in messageRules {
            literalSpans.append((literalBytes.count, rule.literal?.count ?? 0))
            literalBytes += rule.literal ?? []
        }
        // The strong references that keep the unmanaged ones valid: the closure outlives this
        // function, and nothing else is guaranteed to hold the pattern set that long.
        let owners = (lineRules + messageRules).map(\.regex)
        let scratch = MatchScratch()
        return Job(label: "PCRE2 matches only (no fields)") {
            defer { withExtendedLifetime(owners) {} }
            var matched = 0
            for path in input.logFiles {
                let reader = try LineReader(path: path)
                var batch = LogTailer.LineBatch()
                while try reader.next(into: &batch) {
                    batch.bytes.withUnsafeBytes { chunk in
                        literalBytes.withUnsafeBytes { literals in
                            for line in batch.lines {
                                let raw = UnsafeRawBufferPointer(rebasing: chunk[line.range])
                                for index in 0..<lineRegexes.count {
                                    let outcome = lineRegexes[index]._withUnsafeGuaranteedRef {
                                        $0.match(raw, using: scratch)
                                    }
                                    guard case .matched(let captures) = outcome else { continue }
                                    matched += 1
                                    guard let message = captures[messageGroups[index]] else { break }
                                    let text = UnsafeRawBufferPointer(rebasing: raw[message])
                                    for m in 0..<messageRegexes.count {
                                        let span = literalSpans[m]
                                        let needle = UnsafeRawBufferPointer(
                                            rebasing: literals[span.start..<(span.start + span.count)])
                                        guard Self.contains(text, needle) else { continue }
                                        let hit = messageRegexes[m]._withUnsafeGuaranteedRef {
                                            $0.match(text, using: scratch)
                                        }
                                        if case .matched = hit { break }
                                    }
                                    break
                                }
                            }
                        }
                    }
                }
            }
            return (input.lines, "line rule matched \(matched)")
        }
    }

    /// Whether `needle` occurs in `haystack` (`memchr` for its first byte, then `memcmp`).
    private static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard let first = needle.first, let base = haystack.baseAddress, let np = needle.baseAddress,
            needle.count <= haystack.count
        else { return needle.isEmpty }
        var from = 0
        let last = haystack.count - needle.count
        while from <= last, let hit = memchr(base + from, Int32(first), last - from + 1) {
            let at = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + at, np, needle.count) == 0 { return true }
            from = at + 1
        }
        return false
    }

    /// Reader + `LineParser` over every log file: every field and the timestamp converted.
    private func parseJob(_ input: Input, _ set: PatternSet) -> Job {
        Job(label: "tracetail parse") {
            var checksum = 0
            let total = try Self.parseEach(input, set) { event in
                checksum &+= (event.http?.status ?? 0) &+ Int(truncatingIfNeeded: event.timestamp?.nanoseconds ?? 0)
            }
            precondition(checksum != 1)  // keeps the work observable
            return (
                total.lines,
                "matched \(total.matched), continuations \(total.continuations), unmatched \(total.unmatchedTotal)"
            )
        }
    }

    /// The parse stage plus every event written as its `parse --output jsonl` record into one
    /// reused `JSONWriter`, no I/O: beside the `parse` row, what the JSON itself costs.
    private func jsonJob(_ input: Input, _ set: PatternSet) -> Job {
        Job(label: "tracetail parse + JSON records") {
            var jsonBytes = 0
            var json = JSONWriter()
            let total = try Self.parseEach(input, set) { event in
                json.reset()
                event.writeParseRecord(into: &json)
                jsonBytes += json.bytes.count + 1
            }
            return (total.lines, "\(jsonBytes / 1_000_000) MB of JSON")
        }
    }

    /// Parses every line of the input's log files, one parser per file, handing each event to
    /// `body`; returns the parsers' counters added up.
    private static func parseEach(
        _ input: Input, _ set: PatternSet, _ body: (borrowing LogEvent) -> Void
    ) throws -> ParseCounters {
        var total = ParseCounters()
        for path in input.logFiles {
            var parser = try LineParser(format: .oslo, patterns: set)
            let reader = try LineReader(path: path)
            var batch = LineBatch()
            while try reader.next(into: &batch) {
                for i in 0..<batch.count {
                    body(parser.parse(batch[i], source: SourceID(0), lineID: batch.lines[i].number))
                }
            }
            total = total + parser.counters
        }
        return total
    }

    /// The whole replay (reader, merge, parser, correlator, aggregator) with every record discarded,
    /// as `replay --output none` runs it.
    private func replayJob(_ set: PatternSet) -> Job {
        let request = ReplayRequest(paths: allFiles(), patterns: set)
        return Job(label: "tracetail replay (in process, records discarded)") {
            let engine = try ReplayEngine(request)
            var records = 0
            let result = try engine.run(emit: { _ in records += 1 })
            precondition(records >= 0)
            return (result.totals.lines, "spans \(result.totals.spans), traces \(result.totals.traces)")
        }
    }

    private func runPCRE2Grep(pattern: String, paths: [String]) -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pcre2grep", "-c", pattern] + paths
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus <= 1 else { return nil }
        // One `path:count` line per file.
        return String(decoding: data, as: UTF8.self).split(separator: "\n").reduce(0) { sum, line in
            sum + (line.split(separator: ":").last.flatMap { Int($0) } ?? 0)
        }
    }

    // MARK: Output

    private func printTable(_ rows: [Row], input: Input) {
        let header = [
            "measurement", "lines", "wall s", "cpu s", "M lines/s", "M lines/s/core", "MB/s", "MB/s/core", "",
        ]
        var table = [header]
        for r in rows {
            table.append([
                r.label, String(r.lines), format(r.wall, 3), format(r.cpu, 3),
                format(Double(r.lines) / r.wall / 1e6, 2), format(Double(r.lines) / r.cpu / 1e6, 2),
                format(Double(r.bytes) / r.wall / 1e6, 0), format(Double(r.bytes) / r.cpu / 1e6, 0), r.note,
            ])
        }
        printAligned(table)
        if let json = rows.first(where: { $0.label == "tracetail parse + JSON records" }),
            let parse = rows.first(where: { $0.label == "tracetail parse" }), json.cpu > parse.cpu,
            let mb = Double(json.note.split(separator: " ").first ?? "")
        {
            print(
                "JSON records alone: \(format(mb / (json.cpu - parse.cpu), 0)) MB/s per core (the CPU time over parse's)"
            )
        }
        if let one = rows.first(where: { $0.label.hasPrefix("tracetail replay --output none, one core") }),
            let both = rows.first(where: { $0.label == "tracetail replay --output none" })
        {
            print(
                "replay --output none on \(ProcessInfo.processInfo.activeProcessorCount) cores: "
                    + "\(format(one.wall / both.wall, 2))× the one-core speed (wall time)")
        }
        if let grep = rows.first(where: { $0.label.hasPrefix("pcre2grep") }) {
            for r in rows where r.label != grep.label {
                print("\(r.label): \(format(r.cpu / grep.cpu, 2))× the CPU time of pcre2grep -c")
            }
        }
        print("(MB = bytes of the .log files; rates per core use CPU time, user + system)")
    }

    /// Prints rows with the first column left-aligned, the others right-aligned, a rule under
    /// the header.
    func printAligned(_ table: [[String]]) {
        var widths = [Int](repeating: 0, count: table.first?.count ?? 0)
        for row in table { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for (n, row) in table.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += i == row.count - 1 ? cell : i == 0 ? cell + pad : pad + cell
                if i < row.count - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            print(line)
            if n == 0 { print(String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))) }
        }
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

    func format(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
}
