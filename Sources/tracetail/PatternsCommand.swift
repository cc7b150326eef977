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

        @Argument(help: "Directory of *.grok files laid over the built-in ones (default: the built-in files alone).")
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

        @Option(help: "Directory of *.grok files laid over the built-in ones (default: the built-in files alone).")
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

/// The pattern files the CLI commands use: the ones built into the binary, with `patterns_dir`
/// (or `--patterns`) laid over them. Nothing is read from the working directory, so the binary
/// behaves the same wherever it is started.
enum PatternDirectory {
    /// Loads the shipped files overlaid with `directory`; exits 2 (usage) when it cannot be read.
    static func load(_ directory: String?) throws -> [PatternSource] {
        do {
            return try PatternSource.shipped(overlaidWith: directory)
        } catch {
            printError("tracetail: cannot load patterns: \(error)")
            throw ExitCode(2)
        }
    }

    /// Compiles what `load` returns; prints every problem and exits 2 on failure.
    static func compile(_ directory: String?) throws -> PatternSet {
        let sources = try load(directory)
        do {
            return try PatternSet(sources: sources)
        } catch {
            for problem in error.errors { printError(problem.description) }
            throw ExitCode(2)
        }
    }
}
