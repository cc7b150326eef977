import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One HTTP request a sink sends. Headers may hold secrets (`DD-API-KEY`): nothing prints them.
struct OutboundRequest: Sendable {
    var method: String
    var url: String
    var headers: [(String, String)]
    var body: [UInt8]
}

/// What came back; the body is kept short (it only feeds error messages).
struct InboundResponse: Sendable, Equatable {
    var status: Int
    var retryAfter: String?
    var bodyPrefix: String
}

/// Sends one request. The sinks depend on this protocol so their retry and drop rules are
/// tested against a scripted fake; production uses `AsyncHTTPSender`.
protocol HTTPSender: Sendable {
    /// - Throws: on transport failure (refused, reset, timeout); HTTP error statuses are answers.
    func send(_ request: OutboundRequest, timeoutNanoseconds: Int64) async throws -> InboundResponse
}

/// `HTTPSender` over async-http-client, sharing NIO's singleton event loops with the control API.
struct AsyncHTTPSender: HTTPSender {
    let client: HTTPClient

    init(client: HTTPClient = AsyncHTTPSender.client) { self.client = client }

    /// One client for every sink of the process. async-http-client's own retrying of failed
    /// connects is off: it would hold a request to an agent that is down until the connect
    /// timeout, hiding every attempt from `RetryPolicy`, which counts, backs off and gives up
    /// itself. Never shut down: it lives as long as the process.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    func send(_ request: OutboundRequest, timeoutNanoseconds: Int64) async throws -> InboundResponse {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outbound.headers.add(name: name, value: value) }
        outbound.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await client.execute(outbound, timeout: .nanoseconds(timeoutNanoseconds))
        // Only a prefix of the answer is read: it names the error; the rest is discarded.
        var prefix = ""
        for try await var chunk in response.body where prefix.utf8.count < 512 {
            prefix += chunk.readString(length: min(chunk.readableBytes, 512 - prefix.utf8.count)) ?? ""
        }
        return InboundResponse(
            status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
            bodyPrefix: prefix)
    }
}
