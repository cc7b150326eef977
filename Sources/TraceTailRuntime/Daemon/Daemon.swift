import Foundation
import Logging
import PatternParser
import ServiceLifecycle
import TraceTailCore
import UnixSignals

/// Builds and runs the services of `tracetail run`: the sink first (it stops last and drains),
/// the control API, then the tail service (the only one that honours graceful shutdown itself).
/// SIGTERM and SIGINT drain, flush the sink and write a final checkpoint.
public enum Daemon {
    /// Why the daemon could not start; the command layer turns it into exit code 2 (bad
    /// configuration) or 1 (runtime).
    public struct StartError: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// True when the configuration is at fault (exit 2).
        public var isConfiguration: Bool
    }

    /// Runs until SIGTERM/SIGINT.
    /// - Throws: `StartError` for a bad control address, an unreadable checkpoint or an
    ///   unsupported sink; whatever a service throws that it cannot recover from.
    public static func run(
        configuration: TraceTailConfiguration, configFile: String?, patterns: PatternSet, paths: [String],
        logger: Logger, reloadConfiguration: @escaping @Sendable () throws -> TraceTailConfiguration
    ) async throws {
        let bind: (host: String, port: Int)
        do {
            bind = try ControlServer.bindAddress(listen: configuration.controlListen, token: configuration.controlToken)
        } catch {
            throw StartError(description: error.description, isConfiguration: true)
        }
        let store = CheckpointStore(directory: configuration.stateDir)
        let checkpoint: Checkpoint?
        do {
            try store.prepare()
        } catch {
            throw StartError(description: "state_dir: \(error.description)", isConfiguration: true)
        }
        do {
            checkpoint = try store.load()
        } catch {
            throw StartError(description: error.description, isConfiguration: false)
        }
        let exporters: ExporterSet
        do {
            exporters = try ExporterSet.make(
                configuration: configuration, environment: ProcessInfo.processInfo.environment, logger: logger,
                serving: true)
        } catch {
            throw StartError(description: error.description, isConfiguration: true)
        }
        if !exporters.unsupported.isEmpty {
            logger.warning(
                "sinks not supported by this version are ignored",
                metadata: ["sinks": "\(exporters.unsupported.joined(separator: ","))"])
        }
        // With no sink configured, records go to stdout as jsonl; with only network sinks, the
        // jsonl service still runs (it writes the checkpoints) but writes no records.
        let jsonl = configuration.sinks.filter { $0.type == "jsonl" }
        let sinkPath: String? = jsonl.first?.settings["path"] ?? (configuration.sinks.isEmpty ? "-" : nil)
        let sink = JSONLinesSink(path: sinkPath, store: store, logger: logger)
        let inbox = ControlInbox()
        let board = StatusBoard()
        let tail = TailService(
            setup: .init(
                configuration: configuration, configFile: configFile, patterns: patterns, paths: paths,
                checkpoint: checkpoint),
            sink: sink, exporters: exporters, inbox: inbox, board: board, logger: logger,
            reloadConfiguration: reloadConfiguration)
        let control = ControlServer.makeApplication(
            host: bind.host, port: bind.port, inbox: inbox, board: board, token: configuration.controlToken,
            exporters: exporters, logger: logger)
        var metricsServers: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for exporter in exporters.prometheus {
            guard let colon = exporter.target.lastIndex(of: ":"),
                let port = Int(exporter.target[exporter.target.index(after: colon)...])
            else {
                throw StartError(
                    description: "prometheus listen: `\(exporter.target)` is not host:port", isConfiguration: true)
            }
            var host = String(exporter.target[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            metricsServers.append(
                .init(
                    service: ControlServer.makeMetricsApplication(
                        host: host, port: port, board: board, exporter: exporter, logger: logger)))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: sink),
                    .init(service: ExportService(exporters: exporters)),
                    .init(service: control),
                ] + metricsServers + [
                    .init(service: tail, successTerminationBehavior: .gracefullyShutdownGroup)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
