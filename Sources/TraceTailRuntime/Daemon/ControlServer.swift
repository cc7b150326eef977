import Foundation
import Hummingbird
import Logging
import PatternParser
import TraceTailCore

/// The control API of `tracetail run` (DESIGN §5) on `control.listen`, loopback by default:
/// `GET /status`, `GET /healthz`, `POST /v1/phase`, `POST /v1/events`. With `control.token`
/// set, every endpoint but `/healthz` needs `Authorization: Bearer <token>`. A bad request gets
/// 400 with a message and changes nothing.
public enum ControlServer {
    /// Why the control API cannot start as configured.
    public struct ConfigurationProblem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Splits `host:port`, refusing a non-loopback host without a token.
    public static func bindAddress(
        listen: String, token: String?
    ) throws(ConfigurationProblem) -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ConfigurationProblem(description: "control.listen: `\(listen)` is not host:port")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "::1"
        if !loopback && token == nil {
            throw ConfigurationProblem(
                description:
                    "control.listen: `\(listen)` is not a loopback address; set control.token to expose the control API"
            )
        }
        return (host, port)
    }

    /// The router, separate from the server so tests can drive it.
    static func makeRouter(
        inbox: ControlInbox, board: StatusBoard, token: String?, exporters: ExporterSet = .none
    ) -> Router<BasicRequestContext> {
        let router = Router()
        // TraceTail's own counters, plus the `prometheus` sinks' series when configured.
        router.get("/metrics") { request, _ -> Response in
            if let denied = authorize(request, token: token) { return denied }
            return metricsResponse(board: board, exporters: exporters.prometheus)
        }
        router.get("/healthz") { _, _ -> Response in
            json(.ok, #"{"status":"ok"}"#)
        }
        router.get("/status") { request, _ -> Response in
            if let denied = authorize(request, token: token) { return denied }
            guard let status = board.latest else { return json(.serviceUnavailable, #"{"error":"starting"}"#) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let data = (try? encoder.encode(status)) ?? Data("{}".utf8)
            return json(.ok, String(decoding: data, as: UTF8.self))
        }
        router.post("/v1/phase") { request, _ -> Response in
            if let denied = authorize(request, token: token) { return denied }
            let body = try await request.body.collect(upTo: 64 * 1024)
            switch ControlRequests.phase(Array(body.readableBytesView)) {
            case .success(let command):
                inbox.post(command)
                return json(.accepted, #"{"accepted":true}"#)
            case .failure(let problem): return badRequest(problem.message)
            }
        }
        router.post("/v1/events") { request, _ -> Response in
            if let denied = authorize(request, token: token) { return denied }
            let body = try await request.body.collect(upTo: 1024 * 1024)
            switch ControlRequests.event(Array(body.readableBytesView), now: Clock.wallTime()) {
            case .success(let command):
                inbox.post(command)
                return json(.accepted, #"{"accepted":true}"#)
            case .failure(let problem): return badRequest(problem.message)
            }
        }
        router.post("/v1/send/{call}") { request, context -> Response in
            if let denied = authorize(request, token: token) { return denied }
            let call = context.parameters.get("call") ?? ""
            let body = try await request.body.collect(upTo: 1024 * 1024)
            switch SeedCall.decode(name: call, body: Array(body.readableBytesView)) {
            case .success(let seedCall):
                let records = seedCall.records(at: Clock.wallTime())
                inbox.post(.emit(records))
                return json(.accepted, "{\"accepted\":true,\"records\":\(records.count)}")
            case .failure(let problem): return badRequest(problem.message)
            }
        }
        // The seed's `is_enabled()` (true when metrics can leave: here, a network sink is
        // configured), with whether every sink is healthy now.
        router.get("/v1/enabled") { request, _ -> Response in
            if let denied = authorize(request, token: token) { return denied }
            guard let status = board.latest else { return json(.serviceUnavailable, #"{"error":"starting"}"#) }
            let enabled = status.configured.sinks.contains { $0 != "jsonl" }
            let healthy = status.sinks.allSatisfy(\.healthy)
            let names = status.sinks.map { JSONWriter.quoted($0.type) }.joined(separator: ",")
            return json(.ok, "{\"enabled\":\(enabled),\"healthy\":\(healthy),\"sinks\":[\(names)]}")
        }
        return router
    }

    /// The HTTP application (a `Service`) serving the control API.
    public static func makeApplication(
        host: String, port: Int, inbox: ControlInbox, board: StatusBoard, token: String?,
        exporters: ExporterSet = .none,
        logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(inbox: inbox, board: board, token: token, exporters: exporters),
            configuration: .init(address: .hostname(host, port: port), serverName: "tracetail"), logger: logger)
    }

    /// The `prometheus` sink's own listener: `GET /metrics` only (the sink's series, then
    /// TraceTail's counters), no token, as Prometheus scrapes expect.
    static func makeMetricsApplication(
        host: String, port: Int, board: StatusBoard, exporter: PrometheusExporter, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in metricsResponse(board: board, exporters: [exporter]) }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "tracetail"),
            logger: logger)
    }

    /// Text exposition 0.0.4: every family once, the last line ending in a newline.
    static func metricsResponse(board: StatusBoard, exporters: [PrometheusExporter]) -> Response {
        var text = exporters.map { $0.exposition() }.joined()
        if let status = board.latest { text += SelfMetrics.render(status) }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func authorize(_ request: Request, token: String?) -> Response? {
        guard let token else { return nil }
        if request.headers[.authorization] == "Bearer \(token)" { return nil }
        return json(.unauthorized, #"{"error":"missing or wrong bearer token"}"#)
    }

    private static func badRequest(_ message: String) -> Response {
        json(.badRequest, "{\"error\":\(JSONWriter.quoted(message))}")
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
