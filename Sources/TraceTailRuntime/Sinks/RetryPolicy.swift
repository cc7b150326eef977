import TraceTailCore

/// What a network sink does after one attempt to deliver a payload: pure, so every rule is
/// tested without a network.
///
/// Retryable: transport failures (refused, reset, timed out) and the answers that mean "later"
/// — 408, 429, 500, 502, 503, 504 — honouring `Retry-After` (OTLP and Datadog both ask for it).
/// Everything else in 4xx is permanent: the same payload would be refused again, so it is
/// dropped and counted instead of blocking the queue behind it.
struct RetryPolicy: Sendable, Equatable {
    /// First backoff; doubled per attempt, with full jitter.
    var initialBackoffNanoseconds: Int64 = 500_000_000
    /// Backoff ceiling (and the ceiling applied to `Retry-After`).
    var maxBackoffNanoseconds: Int64 = 30_000_000_000
    /// Attempts per payload before it is dropped (the first one included).
    var maxAttempts = 8

    /// The verdict on one attempt.
    enum Decision: Equatable, Sendable {
        case delivered
        /// Try again after this long.
        case retry(afterNanoseconds: Int64)
        /// Give up on this payload; the reason is counted and logged (never the payload).
        case drop(reason: String)
    }

    /// How one attempt ended.
    enum Outcome: Equatable, Sendable {
        case status(Int, retryAfterSeconds: Double?)
        case transportError(String)
    }

    static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]

    /// The decision after attempt number `attempt` (1-based) ended with `outcome`; `jitter`
    /// is a uniform draw in [0, 1).
    func decide(_ outcome: Outcome, attempt: Int, jitter: Double) -> Decision {
        switch outcome {
        case .status(let code, _) where (200..<300).contains(code):
            return .delivered
        case .status(let code, let retryAfter):
            guard Self.retryableStatuses.contains(code) else { return .drop(reason: "HTTP \(code)") }
            guard attempt < maxAttempts else { return .drop(reason: "HTTP \(code) after \(attempt) attempts") }
            if let retryAfter, retryAfter.isFinite, retryAfter >= 0 {
                return .retry(afterNanoseconds: min(maxBackoffNanoseconds, Int64(retryAfter * 1e9)))
            }
            return .retry(afterNanoseconds: backoff(attempt: attempt, jitter: jitter))
        case .transportError(let message):
            guard attempt < maxAttempts else { return .drop(reason: "\(message) after \(attempt) attempts") }
            return .retry(afterNanoseconds: backoff(attempt: attempt, jitter: jitter))
        }
    }

    /// Full jitter (AWS's "exponential backoff and jitter"): uniform in [0, min(cap, base·2^(n−1))],
    /// so many hosts retrying after one outage do not arrive in lockstep.
    func backoff(attempt: Int, jitter: Double) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxBackoffNanoseconds, initialBackoffNanoseconds << Int64(exponent))
        return Int64(Double(ceiling) * min(max(jitter, 0), 1))
    }

    /// Parses `Retry-After` as delay-seconds (RFC 9110 §10.2.3); HTTP-dates are answered by
    /// the default backoff instead.
    static func retryAfterSeconds(_ header: String?) -> Double? {
        guard let header, let seconds = Double(header.trimmingSpaces()), seconds >= 0, seconds.isFinite else {
            return nil
        }
        return seconds
    }
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self[...]
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
