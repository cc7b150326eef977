import Logging
import Testing

@testable import TraceTailRuntime

/// One payload's life under the retry rules, against a scripted peer.
@Suite struct HTTPDeliveryTests {
    func delivery(
        _ sender: ScriptedSender, stats: DeliveryStats, sleeps: SleepRecorder,
        deadline: GiveUpDeadline = GiveUpDeadline(),
        log: CapturedLog = CapturedLog()
    ) -> HTTPDelivery {
        HTTPDelivery(
            sender: sender,
            policy: RetryPolicy(initialBackoffNanoseconds: 1_000, maxBackoffNanoseconds: 8_000, maxAttempts: 4),
            timeoutNanoseconds: 1_000_000_000, stats: stats, deadline: deadline, logger: log.logger, label: "test sink",
            sleep: sleeps.sleep, jitter: { 1 })
    }

    let request = OutboundRequest(
        method: "POST", url: "http://127.0.0.1:1/api/v2/series", headers: [("DD-API-KEY", "secret-key-123")],
        body: Array("{}".utf8))

    @Test func retriesUntilDeliveredHonouringRetryAfter() async {
        let sender = ScriptedSender([.status(503), .status(429, retryAfter: "0.000002"), .fail("connection refused")])
        let stats = DeliveryStats()
        let sleeps = SleepRecorder()
        let ok = await delivery(sender, stats: stats, sleeps: sleeps).deliver(request, records: 7) != nil
        #expect(ok)
        #expect(sender.requests.count == 4)
        #expect(sleeps.all == [1_000, 2_000, 4_000])
        let s = stats.snapshot
        #expect(s.delivered == 7 && s.payloads == 1 && s.retries == 3 && s.droppedRecords == 0 && !s.failing)
    }

    @Test func permanentAnswerDropsAtOnceAndCounts() async {
        let sender = ScriptedSender([.status(400, body: "bad payload")])
        let stats = DeliveryStats()
        let ok = await delivery(sender, stats: stats, sleeps: SleepRecorder()).deliver(request, records: 5) != nil
        #expect(!ok)
        #expect(sender.requests.count == 1)
        #expect(stats.snapshot.droppedRecords == 5)
        #expect(stats.snapshot.lastError == "HTTP 400")
    }

    @Test func attemptsRunOutThenDrop() async {
        let sender = ScriptedSender([], then: .status(503))
        let stats = DeliveryStats()
        let sleeps = SleepRecorder()
        let ok = await delivery(sender, stats: stats, sleeps: sleeps).deliver(request, records: 3) != nil
        #expect(!ok)
        #expect(sender.requests.count == 4)
        #expect(sleeps.all.count == 3)
        #expect(stats.snapshot.droppedRecords == 3 && stats.snapshot.retries == 3)
    }

    @Test func shutdownDeadlineStopsRetrying() async {
        let sender = ScriptedSender([], then: .status(503, retryAfter: "5"))
        let stats = DeliveryStats()
        let deadline = GiveUpDeadline()
        deadline.set(Clock.monotonicNanoseconds())  // already due: no wait fits before it
        let sleeps = SleepRecorder()
        let ok =
            await delivery(sender, stats: stats, sleeps: sleeps, deadline: deadline).deliver(request, records: 2) != nil
        #expect(!ok)
        #expect(sender.requests.count == 1)
        #expect(sleeps.all.isEmpty)
        #expect(stats.snapshot.droppedRecords == 2)
        #expect(stats.snapshot.lastError?.contains("shutdown deadline") == true)
    }

    @Test func theKeyNeverReachesTheLog() async {
        let sender = ScriptedSender([.status(503), .status(403, body: "forbidden")])
        let log = CapturedLog()
        _ = await delivery(sender, stats: DeliveryStats(), sleeps: SleepRecorder(), log: log).deliver(
            request, records: 1)
        #expect(log.all.count >= 2, "the failure and the drop are logged")
        for line in log.all { #expect(!line.contains("secret-key-123")) }
    }
}
