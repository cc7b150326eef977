import DequeModule
import Foundation
import Synchronization

extension ReplayEngine {
    /// Parses one file on a thread of its own, a few small batches ahead of the merge that
    /// consumes them (issue 11: both cores). Bounded: at most `depth` batches of `batchSize`
    /// items wait, so memory does not grow with the file; the worker sleeps while they do.
    ///
    /// `@unchecked Sendable`: `cursor` belongs to the worker thread from `init` until it sets
    /// `finished` (under the lock); the consumer touches it only after seeing that flag
    /// (`waitUntilFinished`). Everything else shared is guarded by `condition`.
    final class ParseAhead: @unchecked Sendable {
        /// Items per handover: large enough that locking is rare, small enough to stay in cache.
        static let batchSize = 512
        /// Batches that may wait.
        static let depth = 4
        /// Parsing ahead pays only when there is a second core to do it on;
        /// `TRACETAIL_PARSE_AHEAD=0` turns it off (to compare, or to keep a replay on one thread).
        static var useful: Bool {
            ProcessInfo.processInfo.activeProcessorCount > 1
                && ProcessInfo.processInfo.environment["TRACETAIL_PARSE_AHEAD"] != "0"
        }

        private let cursor: SequentialCursor
        private let condition = NSCondition()
        private var ready: Deque<(items: [ParsedItem], times: [Int64])> = []
        private var finished = false
        private var cancelled = false
        private var failure: ReplayError?
        private let progress = Atomic<Int64>(0)

        init(_ cursor: SequentialCursor) {
            self.cursor = cursor
            let thread = Thread { [self] in work() }
            thread.name = "tracetail-parse"
            thread.start()
        }

        /// Compressed or plain bytes the worker has read so far.
        var bytesRead: Int64 { progress.load(ordering: .relaxed) }

        /// Replaces `items` and `times` with the next batch; false at the end of the file.
        /// - Throws: the read error the worker met, at the point where its lines end.
        func next(items: inout [ParsedItem], times: inout [Int64]) throws(ReplayError) -> Bool {
            condition.lock()
            while ready.isEmpty && !finished { condition.wait() }
            if let batch = ready.popFirst() {
                condition.signal()
                condition.unlock()
                items = batch.items
                times = batch.times
                return true
            }
            let failure = self.failure
            condition.unlock()
            if let failure { throw failure }
            return false
        }

        /// Blocks until the worker has stopped (it has, once `next` returned false).
        func waitUntilFinished() {
            condition.lock()
            while !finished { condition.wait() }
            condition.unlock()
        }

        /// Stops the worker at its next handover and drops what it parsed.
        func cancel() {
            condition.lock()
            cancelled = true
            ready.removeAll()
            condition.broadcast()
            condition.unlock()
        }

        private func work() {
            var items: [ParsedItem] = []
            var times: [Int64] = []
            items.reserveCapacity(Self.batchSize)
            times.reserveCapacity(Self.batchSize)
            var error: ReplayError?
            do {
                while let time = try cursor.headTime() {
                    times.append(time)
                    items.append(cursor.pop())
                    if items.count == Self.batchSize {
                        guard hand(&items, &times) else { break }
                    }
                }
                if !items.isEmpty { _ = hand(&items, &times) }
            } catch let e {
                if !items.isEmpty { _ = hand(&items, &times) }
                error = e
            }
            condition.lock()
            failure = error
            finished = true
            condition.broadcast()
            condition.unlock()
        }

        /// Queues a batch, waiting while `depth` batches wait; false once cancelled.
        private func hand(_ items: inout [ParsedItem], _ times: inout [Int64]) -> Bool {
            progress.store(cursor.bytesRead, ordering: .relaxed)
            condition.lock()
            while ready.count >= Self.depth && !cancelled { condition.wait() }
            if cancelled {
                condition.unlock()
                return false
            }
            ready.append((items, times))
            condition.signal()
            condition.unlock()
            items = []
            times = []
            items.reserveCapacity(Self.batchSize)
            times.reserveCapacity(Self.batchSize)
            return true
        }
    }
}
