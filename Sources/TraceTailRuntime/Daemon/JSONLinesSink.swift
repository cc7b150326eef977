import AsyncAlgorithms
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TraceTailCore

/// The `jsonl` sink as a service: writes records (DESIGN §5 schema) to a file, appending, or
/// to stdout, and persists each checkpoint it receives once every record before it is
/// written and synced. It runs until the pipeline finishes the channel, so it is the last to
/// stop and nothing the pipeline produced is left unwritten.
public final class JSONLinesSink: Service, Sendable {
    /// The batches the pipeline hands over (one in flight: slow output holds the pipeline back
    /// rather than growing a queue without bound).
    public let channel = AsyncChannel<SinkBatch>()
    /// Where records go; nil when only network sinks are configured (checkpoints still are).
    let path: String?
    let store: CheckpointStore
    let logger: Logger
    private let state = Mutex(Health())

    struct Health {
        var written = 0
        var errors = 0
        var lastError: String?
        var checkpointWrites = 0
        var checkpointFailures = 0
        var lastCheckpointAt: Int64?
        var lastCheckpointError: String?
        var lastSaveNanoseconds: Int64 = 0
        var pending = 0
    }

    /// A sink writing to `path` (`-` = stdout; nil = no records) and checkpoints to `store`.
    public init(path: String?, store: CheckpointStore, logger: Logger) {
        self.path = path
        self.store = store
        self.logger = logger
    }

    /// Hands a batch over; suspends while the previous one is still being written.
    public func send(_ batch: SinkBatch) async {
        state.withLock { $0.pending += 1 }
        await channel.send(batch)
    }

    /// No more batches: the service writes what it has and returns.
    public func finish() { channel.finish() }

    public func run() async throws {
        let stream: OutputStream?
        do {
            stream = try path.map { try OutputStream.open(path: $0) }
        } catch {
            logger.critical(
                "cannot open jsonl sink", metadata: ["sink.path": "\(path ?? "none")", "error": "\(error)"])
            throw error
        }
        // Checkpoints are encoded and saved by a task of their own, so a large state never
        // holds up the records behind it. Only the newest waiting checkpoint matters (each one
        // supersedes the last), so the hand-over keeps one.
        let (checkpoints, handOver) = AsyncStream.makeStream(of: Checkpoint.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await checkpoint in checkpoints { save(checkpoint) }
            }
            // Consumed to the end even during graceful shutdown: the pipeline finishes the
            // channel after its final checkpoint.
            for await batch in channel {
                state.withLock { $0.pending -= 1 }
                switch batch {
                case .records(let records):
                    do {
                        guard let stream else { break }
                        for record in records { try stream.writeJSONLine(record) }
                        try stream.flush()
                        state.withLock { $0.written += records.count }
                    } catch {
                        state.withLock {
                            $0.errors += 1
                            $0.lastError = "\(error)"
                        }
                        logger.error(
                            "jsonl sink write failed",
                            metadata: ["sink.path": "\(path ?? "none")", "error": "\(error)"])
                    }
                case .checkpoint(let checkpoint):
                    // Everything before the checkpoint is durable before it may be saved.
                    do {
                        try stream?.flush()
                        stream?.sync()
                        handOver.yield(checkpoint)
                    } catch {
                        state.withLock {
                            $0.checkpointFailures += 1
                            $0.lastCheckpointError = "\(error)"
                        }
                        logger.error("checkpoint held back: output not flushed", metadata: ["error": "\(error)"])
                    }
                }
            }
            // The last checkpoint handed over (the final one at shutdown) is saved before return.
            handOver.finish()
        }
        try? stream?.flush()
        logger.debug("jsonl sink drained", metadata: ["sink.path": "\(path ?? "none")"])
        // The channel ends when the tail service has stopped, which can be before the group
        // reaches this service in shutdown order; returning then would count as a failure.
        try? await gracefulShutdown()
    }

    private func save(_ checkpoint: Checkpoint) {
        let started = Clock.monotonicNanoseconds()
        do {
            try store.save(checkpoint)
            let took = Clock.monotonicNanoseconds() - started
            state.withLock {
                $0.lastSaveNanoseconds = took
                $0.checkpointWrites += 1
                $0.lastCheckpointAt = checkpoint.takenAt
                $0.lastCheckpointError = nil
            }
        } catch {
            state.withLock {
                $0.checkpointFailures += 1
                $0.lastCheckpointError = "\(error)"
            }
            logger.error("checkpoint not written", metadata: ["error": "\(error)"])
        }
    }

    /// How long writing the last checkpoint took (encoding included).
    public var lastCheckpointSaveNanoseconds: Int64 { state.withLock { $0.lastSaveNanoseconds } }

    /// The sink's row of `/status`.
    public var status: DaemonStatus.Sink {
        state.withLock { h in
            DaemonStatus.Sink(
                type: "jsonl", target: path ?? "(checkpoints only)", healthy: h.lastError == nil,
                recordsWritten: h.written,
                queueBatches: max(0, h.pending), errors: h.errors, lastError: h.lastError)
        }
    }

    /// The checkpoint part of `/status`.
    public func checkpointStatus(now: Int64) -> DaemonStatus.CheckpointInfo {
        state.withLock { h in
            DaemonStatus.CheckpointInfo(
                path: store.path, writes: h.checkpointWrites, failures: h.checkpointFailures,
                lastWrittenAt: h.lastCheckpointAt,
                ageSeconds: h.lastCheckpointAt.map { Double(now - $0) / 1e9 }, lastError: h.lastCheckpointError)
        }
    }
}
