import DequeModule
import Dispatch
import Synchronization

/// The bounded queue between the pipeline and one network exporter.
///
/// `run` offers without ever waiting: when the exporter falls behind (agent down, slow
/// network) the oldest records are dropped and counted, so tailing never stalls (DESIGN §6).
/// `replay` has no wall clock to keep up with, so it offers with `waiting: true` and is held
/// back instead of losing history.
final class ExportQueue<Element: Sendable>: Sendable {
    private struct State {
        var items = Deque<Element>()
        var dropped = 0
        var finished = false
        /// The exporter's task, parked until something arrives.
        var consumer: CheckedContinuation<Void, Never>?
        /// A replay thread parked until there is room.
        var producer: DispatchSemaphore?
    }

    /// Largest number of elements held.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Appends `elements`. Without `waiting`, the oldest elements beyond `capacity` are
    /// dropped (and counted); with it, the calling thread blocks until there is room. Never
    /// call with `waiting` from the cooperative pool: it blocks a thread.
    func offer(_ elements: some Collection<Element>, waiting: Bool = false) {
        guard !elements.isEmpty else { return }
        var rest = elements[...]
        while !rest.isEmpty {
            let parked: DispatchSemaphore? = state.withLock { s in
                if s.finished { return nil }
                let room = max(0, capacity - s.items.count)
                if waiting && room == 0 {
                    let semaphore = DispatchSemaphore(value: 0)
                    s.producer = semaphore
                    return semaphore
                }
                let take = waiting ? min(room, rest.count) : rest.count
                s.items.append(contentsOf: rest.prefix(take))
                rest = rest.dropFirst(take)
                let over = s.items.count - capacity
                if over > 0 {
                    s.items.removeFirst(over)
                    s.dropped += over
                }
                if let consumer = s.consumer {
                    s.consumer = nil
                    consumer.resume()
                }
                return nil
            }
            if let parked { parked.wait() } else if state.withLock({ $0.finished }) { return }
        }
    }

    /// Waits until elements are queued, then takes up to `limit` of them, oldest first; nil
    /// once the queue is finished and empty.
    func take(limit: Int) async -> [Element]? {
        while true {
            let taken: [Element]?? = state.withLock { s in
                if !s.items.isEmpty {
                    let batch = Array(s.items.prefix(limit))
                    s.items.removeFirst(batch.count)
                    if let producer = s.producer {
                        s.producer = nil
                        producer.signal()
                    }
                    return .some(batch)
                }
                return s.finished ? .some(nil) : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { s -> Bool in
                    if !s.items.isEmpty || s.finished { return true }
                    s.consumer = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Takes up to `limit` queued elements without waiting (possibly none).
    func takeAvailable(limit: Int) -> [Element] {
        state.withLock { s in
            let batch = Array(s.items.prefix(limit))
            s.items.removeFirst(batch.count)
            if !batch.isEmpty, let producer = s.producer {
                s.producer = nil
                producer.signal()
            }
            return batch
        }
    }

    /// Whether `finish` was called.
    var isFinished: Bool { state.withLock { $0.finished } }

    /// No more elements: `take` returns what is left, then nil. Wakes a parked producer.
    func finish() {
        state.withLock { s in
            s.finished = true
            s.consumer?.resume()
            s.consumer = nil
            s.producer?.signal()
            s.producer = nil
        }
    }

    /// Elements waiting now.
    var count: Int { state.withLock { $0.items.count } }

    /// Elements dropped because the queue was full.
    var dropped: Int { state.withLock { $0.dropped } }
}
