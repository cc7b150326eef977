import ArgumentParser
import Foundation
import PatternParser
import TraceTailCore
import TraceTailReport
import TraceTailRuntime

extension Tracetail {
    /// `tracetail replay`: read files once as one timeline, print or write the result, exit.
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay log files once as one timeline: traces, phase-tagged metrics, incidents, report.",
            discussion: """
                Files, directories (every *.log and *.jsonl) and globs are merged by event time. \
                The format of each file is detected from its first lines unless --format or the \
                config names it. Output: text (trace trees and the before/after report), jsonl \
                (DESIGN §5 schema), html (one self-contained report file) or none (counters only).
                """
        )

        enum Output: String, ExpressibleByArgument, CaseIterable {
            case text, jsonl, html, none
        }

        @Argument(help: "Files, directories or globs to read.")
        var paths: [String]

        @Option(help: "YAML configuration file.")
        var config: String?

        @Option(help: "Force one format for every file: oslo, json or cta_events.")
        var format: String?

        @Option(name: .customLong("fix-at"), help: "ISO 8601 time the fix landed (switches to after_fix).")
        var fixAt: String?

        @Option(name: .customLong("run-id"), help: "run_id tag of metrics and spans (default: config, else run-1).")
        var runID: String?

        @Option(help: "Output kind: text, jsonl, html or none.")
        var output: Output = .text

        @Option(help: "Write the output to this file instead of stdout (jsonl appends; html/text replace).")
        var out: String?

        @Option(help: "Directory of *.grok files laid over the built-in ones (default: config patterns_dir).")
        var patterns: String?

        @Flag(help: "Colour the text output even when stdout is not a terminal.")
        var color = false

        @Flag(name: .customLong("no-progress"), help: "Never draw the progress bar on stderr.")
        var noProgress = false

        func validate() throws {
            if let format, LogFormat(rawValue: format) == nil {
                throw ValidationError("--format must be oslo, json or cta_events, not '\(format)'")
            }
            if let fixAt, ISO8601.parse(fixAt) == nil {
                throw ValidationError("--fix-at '\(fixAt)' is not an ISO 8601 time (e.g. 2026-11-27T10:16:00Z)")
            }
            if let runID, runID.isEmpty { throw ValidationError("--run-id must not be empty") }
        }

        func run() throws {
            var configuration = try loadConfiguration(config)
            if let fixAt { configuration.phase.fixAt = ISO8601.parse(fixAt) }
            if let runID {
                configuration.phase.runID = runID
                configuration.phase.runIDPinned = true
            }
            let request = ReplayRequest(
                paths: paths, configuration: configuration, formatOverride: format.flatMap(LogFormat.init),
                patterns: try PatternDirectory.compile(patterns ?? configuration.patternsDir))
            let engine: ReplayEngine
            do {
                engine = try ReplayEngine(request)
            } catch {
                throw CommandFailure(message: error.description, code: 1)
            }
            let export = try ReplayExport(configuration: configuration)
            let isTerminal = isatty(2) == 1
            let bar = ProgressBar(enabled: isTerminal && !noProgress)
            do {
                switch output {
                case .jsonl:
                    let stream = try OutputStream.open(path: out ?? "-")
                    let result = try engine.run(
                        emit: {
                            export.take($0)
                            try stream.writeJSONLine($0)
                        }, progress: bar.update)
                    try stream.flush()
                    bar.finish()
                    // The records carry no counters; bad CTA lines are reported here, once each.
                    for problem in result.totals.ctaEventProblems { printError("tracetail: warning: \(problem)") }
                case .none:
                    let result = try engine.run(emit: export.take, progress: bar.update)
                    bar.finish()
                    let stream = try OutputStream.open(path: out ?? "-", truncate: true)
                    try stream.write(TextReport.renderTotals(result.totals))
                    try stream.flush()
                case .text, .html:
                    var records: [OutputRecord] = []
                    let result = try engine.run(
                        emit: {
                            export.take($0)
                            records.append($0.forReport)
                        }, progress: bar.update)
                    bar.finish()
                    let text: String
                    if output == .html {
                        text = HTMLReport.render(records: records, totals: result.totals, title: "TraceTail replay")
                    } else {
                        let colour = color || (out == nil && isatty(1) == 1)
                        text = TextReport.render(records: records, totals: result.totals, color: colour)
                    }
                    let stream = try OutputStream.open(path: out ?? "-", truncate: true)
                    try stream.write(text)
                    try stream.flush()
                    if let out, output == .html { printError("wrote \(out)") }
                }
                if !export.finish() {
                    throw CommandFailure(message: "some records did not reach their sink (see above)", code: 1)
                }
            } catch let e as ReplayError {
                throw CommandFailure(message: e.description, code: 1)
            } catch let e as TraceTailRuntime.OutputStream.Failure {
                throw CommandFailure(message: e.description, code: 1)
            }
        }
    }
}
