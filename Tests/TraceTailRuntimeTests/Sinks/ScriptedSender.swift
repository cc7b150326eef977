import Logging
import Synchronization

@testable import TraceTailRuntime

/// An `HTTPSender` that answers from a script and records every request, for the sinks' tests.
final class ScriptedSender: HTTPSender {
    enum Answer: Sendable {
        case status(Int, retryAfter: String? = nil, body: String = "")
        case fail(String)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let state: Mutex<(script: [Answer], requests: [OutboundRequest])>
    /// Answer once the script is used up.
    let fallback: Answer

    init(_ script: [Answer], then fallback: Answer = .status(202)) {
        state = Mutex((script, []))
        self.fallback = fallback
    }

    func send(_ request: OutboundRequest, timeoutNanoseconds: Int64) async throws -> InboundResponse {
        let answer = state.withLock { s -> Answer in
            s.requests.append(request)
            return s.script.isEmpty ? fallback : s.script.removeFirst()
        }
        switch answer {
        case .status(let code, let retryAfter, let body):
            return InboundResponse(status: code, retryAfter: retryAfter, bodyPrefix: body)
        case .fail(let message):
            throw Failure(description: message)
        }
    }

    var requests: [OutboundRequest] { state.withLock { $0.requests } }
}

/// Keeps every log line (message and metadata) so tests can look for what must never appear.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "test") { _ in Handler(log: self) }
    }

    var all: [String] { lines.withLock { $0 } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: Logging.LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            log.lines.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
        }
    }
}

/// Recorded sleeps (nanoseconds) instead of waiting.
final class SleepRecorder: Sendable {
    let waits = Mutex<[Int64]>([])
    var sleep: @Sendable (Int64) async -> Void { { [self] n in waits.withLock { $0.append(n) } } }
    var all: [Int64] { waits.withLock { $0 } }
}
