import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `cli` and `mallocs` measurements: the real `tracetail` binary run as a user runs it, one
/// child process per measurement, so each row has its own peak RSS (from `wait4`) and its own
/// allocation count (from an `LD_PRELOAD` counter), which in-process rows cannot give.
extension Bench {
    /// What one child process cost.
    struct ChildRun {
        var wall: Double
        var cpu: Double
        /// Peak resident set size in KiB (`VmHWM`, sampled).
        var maxRSSKiB: Int
        var status: Int32
    }

    /// One command of the `cli` rows: arguments after the binary, and the lines it reads.
    struct CommandRow {
        var label: String
        var arguments: [String]
        var lines: Int
        /// A program the command runs under (`taskset -c 0` for the one-core row).
        var prefix: [String] = []
    }

    /// The commands measured as child processes, on `directory` (the input or its half).
    func commandRows(_ directory: String, lines: Int, novaAPILines: Int) -> [CommandRow] {
        [
            CommandRow(
                label: "replay --output none", arguments: ["replay", directory, "--output", "none", "--no-progress"],
                lines: lines),
            CommandRow(
                label: "replay --output none, one core (taskset -c 0)",
                arguments: ["replay", directory, "--output", "none", "--no-progress"], lines: lines,
                prefix: ["/usr/bin/taskset", "-c", "0"]),
            CommandRow(
                label: "replay --output jsonl", arguments: ["replay", directory, "--output", "jsonl", "--no-progress"],
                lines: lines),
            CommandRow(
                label: "replay --output text", arguments: ["replay", directory, "--output", "text", "--no-progress"],
                lines: lines),
            CommandRow(
                label: "parse nova-api.log --output jsonl",
                arguments: ["parse", directory + "/nova-api.log", "--output", "jsonl"], lines: novaAPILines),
        ]
    }

    /// The running binary's own path, so the children are this build.
    static var executable: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0
            ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }

    /// Runs `executable arguments` with stdout and stderr to /dev/null and `environment` added,
    /// and measures it through `wait4` (its own CPU time and peak RSS, not all children's).
    static func spawn(
        _ arguments: [String], prefix: [String] = [], environment extra: [String: String] = [:]
    ) -> ChildRun? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = prefix + [executable] + arguments
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in extra { environment[k] = v }
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvp: [UnsafeMutablePointer<CChar>?] = envp.map { strdup($0) } + [nil]
        defer {
            for p in cArgv { free(p) }
            for p in cEnvp { free(p) }
        }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArgv, &cEnvp) == 0 else { return nil }
        var status: Int32 = 0
        var usage = rusage()
        var peakKiB = 0
        // `ru_maxrss` cannot be used: a spawned child starts from this process's memory map, whose
        // high-water mark the kernel carries over at exec (every row would report the bench's own
        // peak). `VmHWM` belongs to the child's new map; it only rises, so sampling it every 5 ms
        // misses at most what the last 5 ms before exit added.
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 {
                guard errno == EINTR else { return nil }
                continue
            }
            peakKiB = max(peakKiB, Self.highWaterKiB(pid) ?? 0)
            usleep(5_000)
        }
        let elapsed = ContinuousClock.now - start
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildRun(
            wall: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            cpu: s(usage.ru_utime) + s(usage.ru_stime), maxRSSKiB: peakKiB, status: exited)
    }

    /// The `cli` rows as jobs of the round-robin measurement; the note carries the peak RSS.
    func commandJobs(_ input: Input) -> [Job] {
        let novaAPI = Self.lineCount(dir + "/nova-api.log")
        let rows = commandRows(dir, lines: input.lines, novaAPILines: novaAPI).filter {
            $0.prefix.first.map { FileManager.default.isExecutableFile(atPath: $0) } ?? true
        }
        return rows.map { row in
            Job(label: "tracetail " + row.label, children: true) {
                guard let run = Self.spawn(row.arguments, prefix: row.prefix) else { return nil }
                guard run.status == 0 else { throw BenchError("tracetail \(row.label) exited \(run.status)") }
                return (row.lines, "peak RSS \(run.maxRSSKiB / 1024) MiB")
            }
        }
    }

    /// `VmHWM` of a running process, in KiB.
    static func highWaterKiB(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1])
    }

    static func lineCount(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}

/// A measurement that could not be made (a command failed); names the command.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
