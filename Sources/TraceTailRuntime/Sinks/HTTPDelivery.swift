import Logging
import Synchronization
import TraceTailCore

/// When a sink must stop trying: unset while running; set by `finish` so a shutdown or the end
/// of a replay waits for retries at most that long (monotonic nanoseconds).
final class GiveUpDeadline: Sendable {
    private let value = Mutex<Int64?>(nil)
    func set(_ deadline: Int64) { value.withLock { $0 = deadline } }
    var current: Int64? { value.withLock { $0 } }
}

/// Delivers one payload over HTTP under `RetryPolicy`, counting in `DeliveryStats`.
///
/// Logs name the sink and its endpoint, the status and the peer's short answer; never a header
/// (the Datadog API key travels in one) nor the payload.
struct HTTPDelivery: Sendable {
    let sender: any HTTPSender
    let policy: RetryPolicy
    let timeoutNanoseconds: Int64
    let stats: DeliveryStats
    let deadline: GiveUpDeadline
    let logger: Logger
    /// `datadog_agent traces → http://127.0.0.1:8126/v0.4/traces`, for logs.
    let label: String
    /// Sleeps this long (real `Task.sleep` in production; tests record the waits).
    let sleep: @Sendable (Int64) async -> Void
    /// A uniform draw in [0, 1) for backoff jitter.
    let jitter: @Sendable () -> Double

    /// Sends `request`, retrying as the policy says. Returns the peer's answer once delivered
    /// (OTLP reads its partial success from it); nil when dropped (counted as `records` dropped).
    @discardableResult
    func deliver(_ request: OutboundRequest, records: Int) async -> InboundResponse? {
        var attempt = 0
        while true {
            attempt += 1
            let outcome: RetryPolicy.Outcome
            var answer = ""
            var received: InboundResponse?
            do {
                let response = try await sender.send(request, timeoutNanoseconds: timeoutNanoseconds)
                outcome = .status(
                    response.status, retryAfterSeconds: RetryPolicy.retryAfterSeconds(response.retryAfter))
                answer = response.bodyPrefix
                received = response
            } catch {
                outcome = .transportError("\(error)")
            }
            let decision = policy.decide(outcome, attempt: attempt, jitter: jitter())
            switch decision {
            case .delivered:
                let recovered = stats.snapshot.failing
                stats.update {
                    $0.delivered += records
                    $0.payloads += 1
                    $0.failing = false
                }
                if recovered { logger.info("sink recovered", metadata: ["sink": "\(label)"]) }
                return received
            case .retry(let wait):
                let now = Clock.monotonicNanoseconds()
                if let giveUp = deadline.current, now + wait > giveUp {
                    drop(records: records, reason: "\(describe(outcome)); shutdown deadline reached", answer: answer)
                    return nil
                }
                let first = !stats.snapshot.failing
                stats.update {
                    $0.retries += 1
                    $0.failing = true
                    $0.lastError = describe(outcome)
                    $0.lastErrorAt = Clock.wallNanoseconds()
                }
                if first {
                    logger.warning(
                        "sink failing; retrying with backoff",
                        metadata: ["sink": "\(label)", "error": "\(describe(outcome))", "answer": "\(answer)"])
                }
                await sleep(wait)
            case .drop(let reason):
                drop(records: records, reason: reason, answer: answer)
                return nil
            }
        }
    }

    private func drop(records: Int, reason: String, answer: String) {
        stats.update {
            $0.droppedRecords += records
            $0.lastError = reason
            $0.lastErrorAt = Clock.wallNanoseconds()
        }
        logger.error(
            "sink dropped a payload",
            metadata: ["sink": "\(label)", "records": "\(records)", "reason": "\(reason)", "answer": "\(answer)"])
    }

    private func describe(_ outcome: RetryPolicy.Outcome) -> String {
        switch outcome {
        case .status(let code, _): "HTTP \(code)"
        case .transportError(let message): message
        }
    }
}
