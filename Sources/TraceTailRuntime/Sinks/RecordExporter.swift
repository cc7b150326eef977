import TraceTailCore

/// A sink that sends records somewhere else (the trace agent, DogStatsD, the Datadog API).
///
/// The pipeline offers records and never waits for the network; the exporter's `run` task
/// drains its bounded queue in batches, retries what may succeed later and drops (counting)
/// what never will. `finish` starts the end: what is queued is still sent, retries included,
/// until the give-up deadline.
protocol RecordExporter: Sendable {
    /// `datadog_agent`, `datadog_api`, …
    var type: String { get }
    /// Where it sends (no secrets).
    var target: String { get }
    /// Its queue and delivery limits.
    var settings: ExportSettings { get }
    /// Queues records; `waiting` (replay only) blocks the calling thread instead of dropping.
    func offer(_ records: [OutputRecord], waiting: Bool)
    /// Sends until finished and drained.
    func run() async
    /// No more records; stop retrying `giveUpAfterNanoseconds` from now.
    func finish(giveUpAfterNanoseconds: Int64)
    /// Its rows of `/status` (and of replay's summary).
    var statuses: [DaemonStatus.Sink] { get }
}

/// Settings every network sink reads from its `sinks:` entry.
struct ExportSettings: Sendable, Equatable {
    /// Records held while the peer is slow or down (`queue_size`); beyond it the oldest go.
    var queueSize = 10_000
    /// One request's time limit (`timeout`).
    var timeoutNanoseconds: Int64 = 10_000_000_000
    /// How long shutdown or the end of a replay waits for queued records (`flush_timeout`).
    var flushTimeoutNanoseconds: Int64 = 10_000_000_000
    /// How long a batch waits to fill before it is sent (`flush_interval`).
    var lingerNanoseconds: Int64 = 200_000_000
    var retry = RetryPolicy()
}

extension DaemonStatus.Sink {
    /// The row of a network sink.
    init(type: String, target: String, queue: Int, dropped queueDrops: Int, stats: DeliveryStats.Values) {
        self.init(
            type: type, target: target, healthy: !stats.failing, recordsWritten: stats.delivered,
            queueBatches: queue, errors: stats.droppedRecords + queueDrops, lastError: stats.lastError)
        delivery = .init(
            accepted: stats.accepted, queued: queue, delivered: stats.delivered, payloads: stats.payloads,
            retries: stats.retries, droppedQueueFull: queueDrops, droppedUndeliverable: stats.droppedRecords,
            unencodable: stats.unencodable, lastErrorAt: stats.lastErrorAt)
    }
}
