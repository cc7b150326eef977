import Logging

/// One queue of a network sink with everything that goes with it: its counters, the give-up
/// deadline `finish` sets, batching with a short linger, HTTP delivery under the sink's retry
/// rules, and its `/status` row. Each sink holds one lane per stream it sends (the Datadog
/// Agent sink two: traces and DogStatsD), so the rules live in one place.
final class ExportLane<Element: Sendable>: Sendable {
    let settings: ExportSettings
    let queue: ExportQueue<Element>
    let stats = DeliveryStats()
    let deadline = GiveUpDeadline()

    init(settings: ExportSettings) {
        self.settings = settings
        queue = ExportQueue(capacity: settings.queueSize)
    }

    /// Queues `elements` (counted as accepted); `waiting` blocks instead of dropping (replay).
    func offer(_ elements: [Element], waiting: Bool) {
        stats.update { $0.accepted += elements.count }
        queue.offer(elements, waiting: waiting)
    }

    /// No more elements; retries stop `giveUpAfterNanoseconds` from now.
    func finish(giveUpAfterNanoseconds: Int64) {
        deadline.set(Clock.monotonicNanoseconds() + giveUpAfterNanoseconds)
        queue.finish()
    }

    /// The next batch of up to `limit`, nil once finished and drained. A batch smaller than
    /// `limit` waits `flush_interval` once for more, so a burst becomes one request.
    func nextBatch(limit: Int) async -> [Element]? {
        guard var batch = await queue.take(limit: limit) else { return nil }
        if batch.count < limit, !queue.isFinished {
            try? await Task.sleep(nanoseconds: UInt64(max(0, settings.lingerNanoseconds)))
            batch += queue.takeAvailable(limit: limit - batch.count)
        }
        return batch
    }

    /// HTTP delivery under the lane's retry rules, counting into its stats.
    func delivery(sender: any HTTPSender, logger: Logger, label: String) -> HTTPDelivery {
        HTTPDelivery(
            sender: sender, policy: settings.retry, timeoutNanoseconds: settings.timeoutNanoseconds, stats: stats,
            deadline: deadline, logger: logger, label: label,
            sleep: { try? await Task.sleep(nanoseconds: UInt64(max(0, $0))) }, jitter: { Double.random(in: 0..<1) })
    }

    /// The lane's `/status` row.
    func status(type: String, target: String) -> DaemonStatus.Sink {
        DaemonStatus.Sink(type: type, target: target, queue: queue.count, dropped: queue.dropped, stats: stats.snapshot)
    }
}
