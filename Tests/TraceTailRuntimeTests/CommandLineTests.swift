import Foundation
import Testing

/// The built `tracetail` binary, run as a user would: exit codes (DESIGN §5: 0 ok, 1 runtime,
/// 2 usage/config) and the text a person reads.
@Suite struct CommandLineTests {
    /// `swift build --build-tests` puts the executable beside the test bundle.
    static var binary: String {
        let dir = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [dir, Bundle.main.bundleURL] {
            let path = candidate.appendingPathComponent("tracetail").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return Repo.path(".build/debug/tracetail")
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with `arguments` in `directory` (default: the checkout).
    static func run(
        _ arguments: [String], in directory: URL = Repo.root, environment: [String: String] = [:]
    ) throws -> Outcome {
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `script` with /bin/sh (staging gzip files) and requires it to succeed.
    static func shell(_ script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sh -c \(script)")
    }

    @Test func binaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first: \(Self.binary)")
    }

    @Test func replayOfSamplesTellsTheStory() throws {
        let r = try Self.run(["replay", "samples/", "--no-progress"])
        #expect(r.status == 0, "\(r.stderr)")
        // The cross-service boot: nova-api at the root with conductor, scheduler, compute, glance, neutron below.
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let root = try #require(lines.firstIndex { $0.contains("nova-api  POST /v2.1/servers ") })
        let tree = lines[(root + 1)...].prefix { $0.hasPrefix("  ├─") || $0.hasPrefix("  └─") || $0.hasPrefix("  │") }
        for service in ["nova-conductor", "nova-scheduler", "nova-compute", "glance-api", "neutron-server"] {
            #expect(tree.contains { $0.contains(service) }, "\(service) missing under the boot root")
        }
        #expect(r.stdout.contains("✖ nova-api"))
        #expect(r.stdout.contains("== Before / after fix"))
        #expect(r.stdout.contains("MTTR"))
        #expect(!r.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func jsonlOutputIsTheDesignSchema() throws {
        let r = try Self.run(["replay", "samples/nova-api.log", "--output", "jsonl"])
        #expect(r.status == 0)
        var kinds = Set<String>()
        for line in r.stdout.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            kinds.insert(object?["kind"] as? String ?? "?")
        }
        #expect(kinds == ["span", "metric", "event"])
    }

    @Test func parseReadsGzipByItsMagicBytesAndSaysWhenItIsCutShort() throws {
        let dir = try Repo.temporaryDirectory("parse-gzip")
        let plain = Repo.path("samples/nova-api.log")
        try Self.shell(
            "gzip -c '\(plain)' > '\(dir)/nova-api.log.2' && head -c 2000 '\(dir)/nova-api.log.2' > '\(dir)/cut.gz'")
        let expected = try Self.run(["parse", plain])
        // Named like a rotated generation, not `.gz`: recognised by its magic bytes.
        let decompressed = try Self.run(["parse", dir + "/nova-api.log.2"])
        #expect(decompressed.status == 0, "\(decompressed.stderr)")
        #expect(decompressed.stdout == expected.stdout)
        #expect(!expected.stdout.isEmpty)
        let cut = try Self.run(["parse", dir + "/cut.gz"])
        #expect(cut.status == 1)
        #expect(cut.stderr.contains("cut.gz: gzip data ends early (truncated)"), "\(cut.stderr)")
        // What was read before the cut is printed (the last line may be a fragment).
        let complete = cut.stdout.split(separator: "\n").dropLast()
        #expect(complete.count > 3)
        #expect(expected.stdout.hasPrefix(complete.joined(separator: "\n")))
    }

    @Test func parsingAheadOnOtherThreadsChangesNoByteOfTheOutput() throws {
        // Several files (one of them gzip data, one cut short) so the merge interleaves workers.
        let dir = try Repo.temporaryDirectory("parse-ahead")
        let files = try FileManager.default.contentsOfDirectory(atPath: Repo.path("samples"))
        for name in files where name.hasSuffix(".log") || name.hasSuffix(".jsonl") {
            try FileManager.default.copyItem(atPath: Repo.path("samples/" + name), toPath: dir + "/" + name)
        }
        try Self.shell(
            "cd '\(dir)' && gzip nova-compute.log && head -c 3000 nova-conductor.log | gzip > nova-conductor.log.1.gz")
        for output in ["jsonl", "text"] {
            let ahead = try Self.run(["replay", dir, "--output", output, "--no-progress"])
            let sequential = try Self.run(
                ["replay", dir, "--output", output, "--no-progress"], environment: ["TRACETAIL_PARSE_AHEAD": "0"])
            #expect(ahead.status == sequential.status)
            #expect(ahead.stdout.count > 1000)
            #expect(ahead.stdout == sequential.stdout, "--output \(output) differs with parsing ahead")
            #expect(ahead.stderr == sequential.stderr)
        }
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Self.run(["replay"]).status == 2)
        #expect(try Self.run(["replay", "samples/", "--output", "pdf"]).status == 2)
        #expect(try Self.run(["replay", "samples/", "--fix-at", "soon"]).status == 2)
        #expect(try Self.run(["parse"]).status == 2)
        #expect(try Self.run(["simulate"]).status == 2)
    }

    @Test func badConfigExitsTwoNamingFileLineAndKey() throws {
        let dir = try Repo.temporaryDirectory("cli-config")
        let config = dir + "/bad.yaml"
        try "metrics:\n  window: 61s\ncorrelation:\n  idle: 3s\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let r = try Self.run(["replay", "samples/", "--config", config])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(config):4:3: correlation.idle: unknown key"))
        #expect(r.stderr.contains("metrics.window: must be a multiple of metrics.interval"))
    }

    @Test func unreadableInputExitsOne() throws {
        let r = try Self.run(["replay", "/nonexistent/nova.log"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("/nonexistent/nova.log"))
        #expect(try Self.run(["parse", "/nonexistent/nova.log"]).status == 1)
    }

    @Test func brokenPatternFileExitsTwoWithPosition() throws {
        let dir = try Repo.temporaryDirectory("cli-patterns")
        try "GOOD [a-z]+\n@rule r %{GOOD} %{MISSING:x}\n".write(
            toFile: dir + "/bad.grok", atomically: true, encoding: .utf8)
        let r = try Self.run(["patterns", "check", dir])
        #expect(r.status == 2)
        #expect(r.stderr.contains(dir + "/bad.grok:2:"))
        #expect(r.stderr.contains("MISSING"))
        #expect(try Self.run(["patterns", "check", "patterns"]).status == 0)
    }

    /// Every measurement of `bench` runs to the end on a small input and reports the same line
    /// count (timings are not checked: numbers belong to the benchmark, not to tests).
    @Test func benchRunsEveryMeasurement() throws {
        let dir = try Repo.temporaryDirectory("cli-bench")
        let r = try Self.run(["bench", "--lines", "3000", "--runs", "1", "--dir", dir, "--patterns", "patterns"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").filter {
            $0.hasPrefix("PCRE2 matches only") || $0.hasPrefix("tracetail parse ") || $0.hasPrefix("tracetail replay")
                || $0.hasPrefix("pcre2grep -c")
        }
        let labels = ["PCRE2 matches only", "tracetail parse ", "tracetail replay"]
        for label in labels { #expect(rows.contains { $0.hasPrefix(label) }, "no row \(label) in:\n\(r.stdout)") }
        // The parse row and the matches-only row cover the same lines.
        func lines(_ label: String) -> Int? {
            rows.first { $0.hasPrefix(label) }?.split(separator: " ").compactMap { Int($0) }.first
        }
        #expect(lines("PCRE2 matches only") != nil)
        #expect(lines("PCRE2 matches only") == lines("tracetail parse "))
        // Each command as a child process, with a peak RSS sampled from that child (not the
        // bench's own, which exec would carry over).
        for command in ["replay --output none", "replay --output jsonl", "replay --output text"] {
            let row = try #require(rows.first { $0.hasPrefix("tracetail " + command) }, "no row \(command)")
            let mib = row.split(separator: "peak RSS ").last.flatMap { Int($0.split(separator: " ")[0]) }
            #expect((mib ?? 0) > 1, "\(row)")
        }
        #expect(r.stdout.contains("JSON records alone: "))
        // Allocations per line: a count from the interposer for every command.
        let mallocs = r.stdout.split(separator: "\n").drop { !$0.hasPrefix("allocations") }.dropFirst(3)
        #expect(mallocs.count == 4, "\(r.stdout)")
        for row in mallocs {
            let numbers = row.split(separator: " ").compactMap { Double($0) }
            #expect(numbers.count == 4 && numbers[1] > 0, "\(row)")
        }
        #expect(try Self.run(["bench", "--only", "nope"]).status == 2)
    }

    @Test func patternsShowPrintsTheExpandedRule() throws {
        let dir = try Repo.temporaryDirectory("cli-patterns-show")
        try "MYWORD [a-z]+\n@format oslo\n@rule r %{MYWORD:first} %{MYWORD}\n".write(
            toFile: dir + "/one.grok", atomically: true, encoding: .utf8)
        let r = try Self.run(["patterns", "show", "r", "--dir", dir])
        #expect(r.status == 0)
        #expect(r.stdout.contains("rule r  formats oslo  " + dir + "/one.grok:3:1"))
        #expect(r.stdout.contains("(?<first>[a-z]+) (?:[a-z]+)"))
        let missing = try Self.run(["patterns", "show", "nope", "--dir", dir])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no rule named 'nope'"))
    }
}

/// The binary needs nothing from its working directory: the patterns are built in (a systemd
/// unit starts it in `/`).
@Suite struct RunsFromAnywhereTests {
    static func run(_ arguments: [String], in directory: String) throws -> CommandLineTests.Outcome {
        try CommandLineTests.run(arguments, in: URL(fileURLWithPath: directory))
    }

    @Test func replayParseAndCheckFromAnEmptyDirectory() throws {
        let empty = try Repo.temporaryDirectory("empty-cwd")
        let replay = try Self.run(["replay", Repo.path("samples"), "--no-progress", "--output", "none"], in: empty)
        #expect(replay.status == 0, "\(replay.stderr)")
        let parse = try Self.run(["parse", Repo.path("samples/nova-api.log"), "--output", "jsonl"], in: empty)
        #expect(parse.status == 0, "\(parse.stderr)")
        #expect(parse.stdout.contains("\"matched\":\"oslo\""))
        let check = try Self.run(["patterns", "check"], in: empty)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty, "nothing written to the cwd")
    }
}
