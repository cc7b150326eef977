import Foundation
import Logging
import TraceTailCore
import TraceTailRuntime

/// The network sinks of a replay: records are handed over in chunks as the replay emits them
/// (waiting, never dropping, when a sink is behind), and the sinks are drained before exit.
final class ReplayExport {
    let set: ExporterSet
    private let run: ExporterSet.DetachedRun?
    private var pending: [OutputRecord] = []

    /// Builds the sinks named by `configuration` (none: a no-op).
    /// - Throws: `CommandFailure` (exit 2) naming the sink entry at fault.
    init(configuration: TraceTailConfiguration) throws {
        set = try Self.exporters(configuration, label: "tracetail.replay")
        run = set.isEmpty ? nil : set.startDetached()
    }

    /// The network sinks of `configuration`, unsupported ones named in a warning.
    /// - Throws: `CommandFailure` (exit 2) naming the sink entry at fault.
    static func exporters(_ configuration: TraceTailConfiguration, label: String) throws -> ExporterSet {
        let set: ExporterSet
        do {
            set = try ExporterSet.make(
                configuration: configuration, environment: ProcessInfo.processInfo.environment,
                logger: Logger(label: label))
        } catch {
            throw CommandFailure(message: error.description, code: 2)
        }
        for type in set.unsupported {
            printError("tracetail: warning: sink `\(type)` is not supported by this version; ignored")
        }
        return set
    }

    /// Takes one record (cheap: chunks of 1,000 cross to the sinks).
    func take(_ record: OutputRecord) {
        guard run != nil else { return }
        pending.append(record)
        if pending.count >= 1_000 { flushPending() }
    }

    /// Sends what is left, waits for the sinks (bounded by each one's `flush_timeout`) and
    /// reports each on stderr.
    /// - Returns: false when a sink dropped records.
    func finish() -> Bool {
        guard let run else { return true }
        flushPending()
        run.finishAndWait()
        return Self.report(set.statuses)
    }

    /// One stderr line per sink: delivered, retried, dropped. Returns false when a sink dropped records.
    static func report(_ statuses: [DaemonStatus.Sink]) -> Bool {
        var clean = true
        for status in statuses {
            let d = status.delivery
            let dropped = (d?.droppedQueueFull ?? 0) + (d?.droppedUndeliverable ?? 0)
            if dropped > 0 { clean = false }
            printError(
                "tracetail: sink \(status.type) → \(status.target): \(status.recordsWritten) delivered in "
                    + "\(d?.payloads ?? 0) payloads, \(d?.retries ?? 0) retries, \(dropped) dropped"
                    + ((d?.unencodable ?? 0) > 0 ? ", \(d?.unencodable ?? 0) not encodable" : "")
                    + (dropped > 0 ? " (last error: \(status.lastError ?? "?"))" : ""))
        }
        return clean
    }

    private func flushPending() {
        set.offer(pending, waiting: true)
        pending.removeAll(keepingCapacity: true)
    }
}
