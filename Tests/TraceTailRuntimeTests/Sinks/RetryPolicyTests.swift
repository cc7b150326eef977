import Testing

@testable import TraceTailRuntime

/// The retry rules every network sink shares: which answers are retried, how long it waits,
/// when it gives up.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(initialBackoffNanoseconds: 100, maxBackoffNanoseconds: 1_000, maxAttempts: 4)

    @Test func successIsDelivered() {
        for code in [200, 202, 204] {
            #expect(policy.decide(.status(code, retryAfterSeconds: nil), attempt: 1, jitter: 0.5) == .delivered)
        }
    }

    @Test func retryableStatusesRetryAndOthersDrop() {
        for code in [408, 429, 500, 502, 503, 504] {
            guard case .retry = policy.decide(.status(code, retryAfterSeconds: nil), attempt: 1, jitter: 0.5) else {
                Issue.record("HTTP \(code) should be retried")
                continue
            }
        }
        for code in [400, 401, 403, 404, 413, 415, 422] {
            #expect(
                policy.decide(.status(code, retryAfterSeconds: nil), attempt: 1, jitter: 0.5)
                    == .drop(reason: "HTTP \(code)"))
        }
    }

    @Test func retryAfterIsHonouredUpToTheCeiling() {
        #expect(
            policy.decide(.status(429, retryAfterSeconds: 0.0000005), attempt: 1, jitter: 0.9)
                == .retry(afterNanoseconds: 500))
        #expect(
            policy.decide(.status(503, retryAfterSeconds: 120), attempt: 1, jitter: 0.9)
                == .retry(afterNanoseconds: 1_000))
    }

    @Test func backoffDoublesWithFullJitterAndIsCapped() {
        #expect(policy.backoff(attempt: 1, jitter: 1) == 100)
        #expect(policy.backoff(attempt: 2, jitter: 1) == 200)
        #expect(policy.backoff(attempt: 3, jitter: 1) == 400)
        #expect(policy.backoff(attempt: 5, jitter: 1) == 1_000)
        #expect(policy.backoff(attempt: 40, jitter: 1) == 1_000)
        #expect(policy.backoff(attempt: 3, jitter: 0.5) == 200)
        #expect(policy.backoff(attempt: 3, jitter: 0) == 0)
    }

    @Test func attemptsRunOut() {
        #expect(policy.decide(.transportError("refused"), attempt: 3, jitter: 1) == .retry(afterNanoseconds: 400))
        #expect(
            policy.decide(.transportError("refused"), attempt: 4, jitter: 1)
                == .drop(reason: "refused after 4 attempts"))
        #expect(
            policy.decide(.status(503, retryAfterSeconds: 1), attempt: 4, jitter: 1)
                == .drop(reason: "HTTP 503 after 4 attempts"))
    }

    @Test func retryAfterHeaderParsing() {
        #expect(RetryPolicy.retryAfterSeconds("1") == 1)
        #expect(RetryPolicy.retryAfterSeconds(" 2.5 ") == 2.5)
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.retryAfterSeconds("-1") == nil)
        #expect(RetryPolicy.retryAfterSeconds(nil) == nil)
    }
}
