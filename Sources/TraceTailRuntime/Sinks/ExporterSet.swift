import DatadogWire
import Dispatch
import Logging
import OTLPWire
import TraceTailCore

/// The network sinks of one configuration, driven alike by `replay` and `run`.
public final class ExporterSet: Sendable {
    let exporters: [any RecordExporter]
    /// Sink types configured but not built by this version (named in a warning).
    public let unsupported: [String]

    init(exporters: [any RecordExporter], unsupported: [String] = []) {
        self.exporters = exporters
        self.unsupported = unsupported
    }

    /// A sink entry that cannot work (e.g. `datadog_api` without an API key).
    public struct SetupError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Builds the network sinks of `configuration`; Datadog settings missing from an entry come
    /// from Datadog's usual environment variables.
    /// - Throws: `SetupError` naming the entry (`sinks[1]`) and the key or variable at fault.
    public static func make(
        configuration: TraceTailConfiguration, environment: [String: String], logger: Logger, serving: Bool = false
    ) throws(SetupError) -> ExporterSet {
        var exporters: [any RecordExporter] = []
        var unsupported: [String] = []
        let interval = max(1, configuration.metrics.interval.nanoseconds / 1_000_000_000)
        for (index, sink) in configuration.sinks.enumerated() {
            let name = "sinks[\(index)] (\(sink.type))"
            switch sink.type {
            case "jsonl": continue
            case "datadog_agent", "datadog_api":
                let resolved: DatadogEnvironment
                do {
                    resolved = try DatadogEnvironment(settings: sink.settings, environment: environment)
                } catch {
                    throw SetupError(description: "\(name): \(error)")
                }
                let settings = ExportSettings(sink.settings)
                var tags: [(String, String)] = []
                if let env = resolved.env { tags.append(("env", env)) }
                if let version = resolved.version { tags.append(("version", version)) }
                if sink.type == "datadog_agent" {
                    let statsd: DatagramTarget =
                        resolved.dogstatsdSocket.map { .unix(path: $0) }
                        ?? .udp(host: resolved.agentHost, port: resolved.dogstatsdPort)
                    let traceURL = "http://\(hostForURL(resolved.agentHost)):\(resolved.traceAgentPort)/v0.4/traces"
                    exporters.append(
                        DatadogAgentExporter(
                            traceURL: traceURL, statsd: statsd,
                            traceOptions: .init(
                                env: resolved.env, version: resolved.version, tracerVersion: TraceTailVersion.current),
                            statsdOptions: .init(
                                constantTags: tags, timestamps: true, maxPacketBytes: statsd.maxPacketBytes),
                            settings: settings, sender: AsyncHTTPSender(), logger: logger))
                } else {
                    guard let key = resolved.apiKey else {
                        throw SetupError(
                            description: "\(name): no API key: set DATADOG_API_KEY (or DD_API_KEY) or `api_key`")
                    }
                    exporters.append(
                        DatadogAPIExporter(
                            baseURL: resolved.apiBaseURL, apiKey: key, host: sink.settings["hostname"], tags: tags,
                            intervalSeconds: interval, settings: settings, sender: AsyncHTTPSender(), logger: logger))
                }
            case "otlp_http":
                let resolved: OTLPEnvironment
                do {
                    resolved = try OTLPEnvironment(settings: sink.settings, environment: environment)
                } catch {
                    throw SetupError(description: "\(name): \(error)")
                }
                exporters.append(
                    OTLPExporter(
                        environment: resolved, intervalNanoseconds: configuration.metrics.interval.nanoseconds,
                        settings: ExportSettings(sink.settings), sender: AsyncHTTPSender(), logger: logger))
            case "webhook":
                guard let url = sink.settings["url"] else {
                    throw SetupError(description: "\(name): `url` is required")
                }
                let format = WebhookPayload.Format(rawValue: sink.settings["format"] ?? "json") ?? .json
                let routingKey = sink.settings["routing_key"] ?? environment["PAGERDUTY_ROUTING_KEY"]
                if format == .pagerduty && (routingKey ?? "").isEmpty {
                    throw SetupError(
                        description: "\(name): format pagerduty needs `routing_key` or PAGERDUTY_ROUTING_KEY")
                }
                exporters.append(
                    WebhookExporter(
                        url: url, format: format, routingKey: routingKey, settings: ExportSettings(sink.settings),
                        sender: AsyncHTTPSender(), logger: logger))
            case "prometheus" where serving:
                exporters.append(PrometheusExporter(listen: sink.settings["listen"] ?? "127.0.0.1:9464"))
            case "prometheus":
                // A pull endpoint needs a process that stays: only `run` serves it.
                unsupported.append("prometheus (served by `run` only)")
            default:
                unsupported.append(sink.type)
            }
        }
        return ExporterSet(exporters: exporters, unsupported: unsupported)
    }

    /// No network sinks at all.
    public static var none: ExporterSet { ExporterSet(exporters: []) }

    /// No network sink configured.
    public var isEmpty: Bool { exporters.isEmpty }

    /// Queues records for every sink; `waiting` (replay) blocks the calling thread while a
    /// queue is full, instead of dropping.
    public func offer(_ records: [OutputRecord], waiting: Bool = false) {
        guard !records.isEmpty else { return }
        for exporter in exporters { exporter.offer(records, waiting: waiting) }
    }

    /// Sends until every sink is finished and drained.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for exporter in exporters { group.addTask { await exporter.run() } }
        }
    }

    /// No more records; queued ones are still sent, retries stop `giveUpAfterNanoseconds` from now.
    public func finish(giveUpAfterNanoseconds: Int64? = nil) {
        for exporter in exporters {
            exporter.finish(giveUpAfterNanoseconds: giveUpAfterNanoseconds ?? exporter.settings.flushTimeoutNanoseconds)
        }
    }

    /// The `prometheus` sinks (each served on its `listen` address by the daemon).
    var prometheus: [PrometheusExporter] { exporters.compactMap { $0 as? PrometheusExporter } }

    /// Every sink's rows for `/status` and replay's summary.
    public var statuses: [DaemonStatus.Sink] { exporters.flatMap(\.statuses) }

    /// For a synchronous caller (`replay`): starts sending on the cooperative pool and returns
    /// a handle whose `finishAndWait` blocks until the sinks are drained.
    public func startDetached() -> DetachedRun {
        let done = DispatchSemaphore(value: 0)
        Task.detached { [self] in
            await run()
            done.signal()
        }
        return DetachedRun(set: self, done: done)
    }

    /// A run started by `startDetached`.
    public struct DetachedRun: Sendable {
        let set: ExporterSet
        let done: DispatchSemaphore

        /// Finishes the sinks and blocks until what was queued is sent or given up.
        public func finishAndWait() {
            set.finish()
            done.wait()
        }
    }

    private static func hostForURL(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}

extension ExportSettings {
    /// Reads the shared keys of a validated `sinks:` entry.
    init(_ entry: [String: String]) {
        self.init()
        if let v = entry["queue_size"].flatMap(Int.init) { queueSize = v }
        if let v = entry["timeout"].flatMap(EventDuration.init(parsing:)) { timeoutNanoseconds = v.nanoseconds }
        if let v = entry["flush_timeout"].flatMap(EventDuration.init(parsing:)) {
            flushTimeoutNanoseconds = v.nanoseconds
        }
        if let v = entry["flush_interval"].flatMap(EventDuration.init(parsing:)) { lingerNanoseconds = v.nanoseconds }
        if let v = entry["max_attempts"].flatMap(Int.init) { retry.maxAttempts = v }
    }
}
