import ArgumentParser
import Foundation
import Logging
import PatternParser
import TraceTailRuntime

extension Tracetail {
    /// `tracetail run`: the daemon.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow log files, correlate traces and export them until stopped (the daemon).",
            discussion: """
                Follows the config's sources and any PATH|GLOB given here through rotation, \
                truncation and restarts, writing checkpoints to state_dir. SIGTERM/SIGINT drain, \
                flush the sinks and write a final checkpoint; SIGHUP reloads the config (kept when \
                the new one is invalid). The control API listens on control.listen.
                """
        )

        @Option(help: "YAML configuration file.")
        var config: String?

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: String = "info"

        @Argument(help: "Files, directories or globs to follow besides the config's sources.")
        var paths: [String] = []

        func validate() throws {
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError(
                    "--log-level: `\(logLevel)` is not one of trace, debug, info, notice, warning, error, critical")
            }
        }

        func run() async throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "tracetail.run")
            let configuration = try loadConfiguration(config)
            if configuration.sources.isEmpty && paths.isEmpty {
                throw CommandFailure(
                    message: "nothing to follow: give PATH|GLOB arguments or sources: in --config", code: 2)
            }
            let patterns = try PatternDirectory.compile(configuration.patternsDir)
            let configFile = config
            do {
                try await Daemon.run(
                    configuration: configuration, configFile: config, patterns: patterns, paths: paths, logger: logger,
                    reloadConfiguration: {
                        guard let configFile else { return configuration }
                        let text = try String(contentsOfFile: configFile, encoding: .utf8)
                        return try TraceTailConfiguration.parse(yaml: text, file: configFile)
                    })
            } catch let error as Daemon.StartError {
                throw CommandFailure(message: error.description, code: error.isConfiguration ? 2 : 1)
            }
        }
    }
}
