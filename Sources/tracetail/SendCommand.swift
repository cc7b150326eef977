import ArgumentParser
import Foundation
import TraceTailCore
import TraceTailRuntime

extension Tracetail {
    /// `tracetail send`: the seed's `integrations.datadog` calls, for agents that shell out.
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract:
                "Send one of the seed's metric calls (error_rate, latency, mttr, incident, canary, comparison, event_span).",
            discussion: """
                Arguments as key=value, named like the seed's Python keyword arguments \
                (phase=before_fix error_rate=1.0 run_id=r1); dotted keys build objects \
                (before_metrics.error_rate=0.3). The seed's function names work as CALL too \
                (send_error_rate_metric). By default the call goes to the running daemon's control \
                API; with --direct it is sent through the sinks of --config from this process.
                """
        )

        @Argument(help: "The call: error_rate, latency, mttr, incident, canary, comparison or event_span.")
        var call: String

        @Argument(help: "Arguments, key=value.")
        var arguments: [String] = []

        @Option(help: "The arguments as one JSON object instead of key=value.")
        var json: String?

        @Flag(help: "Send through the sinks of --config from this process instead of the daemon.")
        var direct = false

        @Option(help: "Control API base URL (default: http://<control.listen>).")
        var url: String?

        @Option(help: "YAML configuration file.")
        var config: String?

        func validate() throws {
            guard SeedCall.shortName(call) != nil else {
                throw ValidationError(
                    "unknown call `\(call)`: one of \(SeedCall.names.map(\.short).joined(separator: ", "))")
            }
            if json != nil && !arguments.isEmpty {
                throw ValidationError("give key=value arguments or --json, not both")
            }
        }

        func run() async throws {
            var body = json ?? "{}"
            if json == nil {
                do {
                    body = try KeyValueJSON.object(arguments)
                } catch {
                    throw CommandFailure(message: error.description, code: 2)
                }
            }
            let short = SeedCall.shortName(call) ?? call
            if !direct {
                try await post("/v1/send/\(short)", body: body, url: url, config: config)
                print("\(short) accepted")
                return
            }
            let seedCall: SeedCall
            switch SeedCall.decode(name: short, body: Array(body.utf8)) {
            case .success(let decoded): seedCall = decoded
            case .failure(let problem): throw CommandFailure(message: problem.message, code: 2)
            }
            let configuration = try loadConfiguration(config)
            let exporters = try ReplayExport.exporters(configuration, label: "tracetail.send")
            if exporters.isEmpty {
                throw CommandFailure(
                    message: "--direct: the configuration has no network sink to send through", code: 2)
            }
            let now = EventTime(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
            exporters.offer(seedCall.records(at: now))
            // Finished before it runs: the sinks send what is queued (retries bounded by each
            // one's flush_timeout) and return.
            exporters.finish()
            await exporters.run()
            let clean = ReplayExport.report(exporters.statuses)
            if !clean { throw CommandFailure(message: "\(short) did not reach every sink (see above)", code: 1) }
        }
    }

    /// `tracetail enabled`: the seed's `is_enabled()`.
    struct Enabled: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enabled",
            abstract: "Exit 0 when the daemon has a network sink configured (the seed's is_enabled()), else 1."
        )

        @Option(help: "Control API base URL (default: http://<control.listen>).")
        var url: String?

        @Option(help: "YAML configuration file.")
        var config: String?

        func run() async throws {
            let base = try ControlClient.baseURL(url, config: config)
            guard
                let answer = try await ControlClient.send(
                    "GET", base + "/v1/enabled", token: ControlClient.token(config: config))
            else { throw CommandFailure(message: "no tracetail daemon answers at \(base)", code: 1) }
            print(answer.body.trimmingCharacters(in: .whitespacesAndNewlines))
            guard answer.status == 200, answer.body.contains("\"enabled\":true") else { throw ExitCode(1) }
        }
    }
}
