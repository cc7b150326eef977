import ArgumentParser
import PatternParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `tracetail patterns check [DIR]`, `tracetail patterns show [RULE] [--dir DIR]`.
struct Patterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "Work with the *.grok pattern files.",
        subcommands: [Check.self, Show.self]
    )

    /// Compiles every pattern and runs every example.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Compile every pattern file, run every @example, and print each problem as file:line:col."
        )

        @Argument(help: "Directory of *.grok files (default: ./patterns, else the repository's patterns/).")
        var directory: String?

        func run() throws {
            let sources = try PatternDirectory.load(directory)
            let report = PatternSet.check(sources)
            guard report.errors.isEmpty else {
                for error in report.errors { printError(error.description) }
                printError("\(report.errors.count) problem\(report.errors.count == 1 ? "" : "s") found")
                throw ExitCode(2)
            }
            print(report.summary)
        }
    }

    /// Prints rules as PCRE2 sees them, every `%{…}` reference expanded: what to paste into
    /// `pcre2grep` or `pcre2test` when a rule does not match what it should.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print each rule's kind, formats, literal and fully expanded PCRE2 pattern."
        )

        @Argument(help: "Only the rule with this name (default: every rule).")
        var rule: String?

        @Option(help: "Directory of *.grok files (default: ./patterns, else the repository's patterns/).")
        var dir: String?

        func run() throws {
            let set = try PatternDirectory.compile(dir)
            let rules = set.rules.filter { rule == nil || $0.name == rule }
            guard !rules.isEmpty else {
                printError(
                    "tracetail: no rule named '\(rule ?? "")' (rules: \(set.rules.map(\.name).joined(separator: ", ")))"
                )
                throw ExitCode(2)
            }
            for r in rules {
                let literal = r.literal.map { " literal \"\(String(decoding: $0, as: UTF8.self))\"" } ?? ""
                print(
                    "\(r.kind.directive) \(r.name)  formats \(r.formats.joined(separator: ","))\(literal)  \(r.location)"
                )
                print("  \(r.expandedPattern)")
            }
        }
    }
}

/// Finds and loads the pattern directory for the CLI commands.
enum PatternDirectory {
    /// `explicit`, else `./patterns`, else `patterns/` in the repository the executable was built in.
    static func resolve(_ explicit: String?) -> String {
        if let explicit { return explicit }
        if isDirectory("patterns") { return "patterns" }
        // .build/<triple>/<config>/tracetail → walk up to the checkout that holds patterns/.
        var dir = executableDirectory()
        while dir.count > 1 {
            if isDirectory(dir + "/patterns") && isFile(dir + "/Package.swift") { return dir + "/patterns" }
            dir = parent(of: dir)
        }
        return "patterns"
    }

    /// Loads every `*.grok` of the resolved directory; exits 2 (usage) when it cannot.
    static func load(_ explicit: String?) throws -> [PatternSource] {
        let path = resolve(explicit)
        do {
            return try PatternSource.loadDirectory(path)
        } catch {
            printError("tracetail: cannot load patterns: \(error)")
            throw ExitCode(2)
        }
    }

    /// Compiles the resolved directory; prints every problem and exits 2 on failure.
    static func compile(_ explicit: String?) throws -> PatternSet {
        let sources = try load(explicit)
        do {
            return try PatternSet(sources: sources)
        } catch {
            for problem in error.errors { printError(problem.description) }
            throw ExitCode(2)
        }
    }

    private static func executableDirectory() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
        }
        let path = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : CommandLine.arguments[0]
        return parent(of: path)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
