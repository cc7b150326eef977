import ArgumentParser
import Foundation
import TraceTailCore
import TraceTailRuntime

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Talks to a running daemon's control API.
enum ControlClient {
    /// The base URL: `--url`, else `control.listen` of `--config`, else the default.
    static func baseURL(_ url: String?, config: String?) throws -> String {
        if let url { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        let configuration = try loadConfiguration(config)
        return "http://\(configuration.controlListen)"
    }

    struct Answer {
        var status: Int
        var body: String
    }

    /// Sends one request; nil when nothing listens there.
    static func send(_ method: String, _ url: String, body: String? = nil, token: String?) async throws -> Answer? {
        guard let target = URL(string: url) else { throw CommandFailure(message: "\(url): not a URL", code: 2) }
        var request = URLRequest(url: target, timeoutInterval: 5)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return Answer(status: status, body: String(decoding: data, as: UTF8.self))
        } catch let error as URLError where error.code == .cannotConnectToHost || error.code == .timedOut {
            return nil
        }
    }

    /// The token for requests: `TRACETAIL_CONTROL_TOKEN`, else `control.token` of `--config`.
    static func token(config: String?) -> String? {
        if let env = ProcessInfo.processInfo.environment["TRACETAIL_CONTROL_TOKEN"], !env.isEmpty { return env }
        return (try? loadConfiguration(config))?.controlToken
    }
}

extension Tracetail {
    /// `tracetail status`: the daemon's state, or the local configuration's when none runs.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the running daemon's state (files, spans, sinks, checkpoint), or the local config's status."
        )

        @Option(help: "Control API base URL (default: http://<control.listen>).")
        var url: String?

        @Option(help: "YAML configuration file.")
        var config: String?

        func run() async throws {
            let base = try ControlClient.baseURL(url, config: config)
            if let answer = try await ControlClient.send(
                "GET", base + "/status", token: ControlClient.token(config: config))
            {
                guard answer.status == 200 else {
                    throw CommandFailure(message: "\(base)/status answered \(answer.status): \(answer.body)", code: 1)
                }
                print(answer.body, terminator: "")
                return
            }
            // No daemon: what the seed's get_status() reported, from the local configuration.
            let configuration = try loadConfiguration(config)
            let env = ProcessInfo.processInfo.environment
            let key = env["DATADOG_API_KEY"] ?? env["DD_API_KEY"]
            let site = env["DATADOG_SITE"] ?? env["DD_SITE"] ?? "datadoghq.com"
            let sinks = configuration.sinks.map(\.type)
            print("daemon: not running (nothing answers at \(base))")
            print("config: \(config ?? "(defaults)")")
            print("sinks enabled: \(sinks.isEmpty ? "none" : sinks.joined(separator: ", "))")
            print("datadog enabled: \(sinks.contains { $0.hasPrefix("datadog") } ? "yes" : "no")")
            print("datadog site: \(site)")
            print("datadog api key: \(key?.isEmpty == false ? "present" : "absent")")
            print("state dir: \(configuration.stateDir)")
        }
    }

    /// `tracetail phase`: switch the running daemon's phase.
    struct PhaseCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "phase", abstract: "Switch the running daemon to before_fix or after_fix for a run.")

        @Argument(help: "before_fix or after_fix.")
        var phase: String

        @Option(name: .customLong("run-id"), help: "The remediation run.")
        var runID: String

        @Option(help: "Control API base URL (default: http://<control.listen>).")
        var url: String?

        @Option(help: "YAML configuration file.")
        var config: String?

        func validate() throws {
            guard ["before_fix", "after_fix"].contains(phase) else {
                throw ValidationError("phase must be before_fix or after_fix, not `\(phase)`")
            }
            guard !runID.isEmpty else { throw ValidationError("--run-id must not be empty") }
        }

        func run() async throws {
            let body = "{\"phase\":\(JSONWriter.quoted(phase)),\"run_id\":\(JSONWriter.quoted(runID))}"
            try await post("/v1/phase", body: body, url: url, config: config)
            print("phase \(phase) for \(runID) accepted")
        }
    }

    /// `tracetail event`: send a CTA workflow event to the running daemon.
    struct EventCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "event",
            abstract: "Send a CTA workflow event (patch_applied, canary_test, …) to the running daemon.",
            discussion: "Fields as key=value: numbers and true/false are sent as JSON numbers and booleans."
        )

        @Argument(help: "Event type (analysis_started, analysis_completed, patch_applied, canary_test, …).")
        var type: String

        @Option(name: .customLong("run-id"), help: "The remediation run.")
        var runID: String

        @Argument(help: "Extra fields, key=value.")
        var fields: [String] = []

        @Option(help: "Control API base URL (default: http://<control.listen>).")
        var url: String?

        @Option(help: "YAML configuration file.")
        var config: String?

        func run() async throws {
            let extra: String
            do {
                extra = try KeyValueJSON.object(fields)
            } catch {
                throw CommandFailure(message: error.description, code: 2)
            }
            // type and run_id stay strings whatever they look like; the fields follow.
            var body = "{\"type\":\(JSONWriter.quoted(type)),\"run_id\":\(JSONWriter.quoted(runID))"
            body += extra == "{}" ? "}" : "," + extra.dropFirst()
            try await post("/v1/events", body: body, url: url, config: config)
            print("event \(type) for \(runID) accepted")
        }
    }
}

/// Posts `body`; a 400's message and an absent daemon are failures with exit 1.
func post(_ path: String, body: String, url: String?, config: String?) async throws {
    let base = try ControlClient.baseURL(url, config: config)
    guard
        let answer = try await ControlClient.send(
            "POST", base + path, body: body, token: ControlClient.token(config: config))
    else {
        throw CommandFailure(message: "no tracetail daemon answers at \(base)", code: 1)
    }
    guard (200..<300).contains(answer.status) else {
        throw CommandFailure(
            message:
                "\(base)\(path) answered \(answer.status): \(answer.body.trimmingCharacters(in: .whitespacesAndNewlines))",
            code: answer.status == 400 ? 2 : 1)
    }
}
