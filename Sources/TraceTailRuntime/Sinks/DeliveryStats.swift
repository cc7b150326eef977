import Synchronization

/// A network sink's counters, shared by its task (writer) and `/status` (reader).
final class DeliveryStats: Sendable {
    struct Values: Sendable, Equatable {
        /// Records handed to the sink's queue.
        var accepted = 0
        /// Records delivered (acknowledged by the peer, or sent for datagrams).
        var delivered = 0
        /// Payloads (requests or datagrams) delivered.
        var payloads = 0
        /// Attempts that were retried.
        var retries = 0
        /// Records given up on: permanent answers, attempts exhausted, shutdown deadline.
        var droppedRecords = 0
        /// Records that could not be encoded (non-finite values, oversized datagrams).
        var unencodable = 0
        var lastError: String?
        var lastErrorAt: Int64?
        /// True while the last attempt failed.
        var failing = false
    }

    private let values = Mutex(Values())

    func update(_ body: (inout Values) -> Void) { values.withLock { body(&$0) } }

    var snapshot: Values { values.withLock { $0 } }
}
