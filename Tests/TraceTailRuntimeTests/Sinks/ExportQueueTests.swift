import Dispatch
import Synchronization
import Testing

@testable import TraceTailRuntime

/// The bounded queue between the pipeline and a network sink.
@Suite struct ExportQueueTests {
    @Test func fullQueueDropsOldestAndCounts() async {
        let queue = ExportQueue<Int>(capacity: 3)
        queue.offer([1, 2])
        queue.offer([3, 4, 5])
        #expect(queue.count == 3)
        #expect(queue.dropped == 2)
        #expect(await queue.take(limit: 10) == [3, 4, 5])
    }

    @Test func takeWaitsForElementsAndEndsAfterFinish() async {
        let queue = ExportQueue<Int>(capacity: 10)
        async let first = queue.take(limit: 5)
        try? await Task.sleep(for: .milliseconds(20))
        queue.offer([7, 8])
        #expect(await first == [7, 8])
        queue.offer([9])
        queue.finish()
        #expect(await queue.take(limit: 5) == [9])
        #expect(await queue.take(limit: 5) == nil)
    }

    @Test func waitingOfferIsHeldBackInsteadOfDropping() async {
        let queue = ExportQueue<Int>(capacity: 2)
        let done = DispatchSemaphore(value: 0)
        // A replay thread offering more than fits.
        onOwnThread {
            queue.offer(Array(0..<10), waiting: true)
            done.signal()
        }
        var seen: [Int] = []
        while seen.count < 10, let batch = await queue.take(limit: 1) { seen += batch }
        done.wait()
        #expect(seen == Array(0..<10))
        #expect(queue.dropped == 0)
    }

    @Test func takeAvailableNeverWaits() {
        let queue = ExportQueue<Int>(capacity: 5)
        #expect(queue.takeAvailable(limit: 3).isEmpty)
        queue.offer([1, 2, 3, 4])
        #expect(queue.takeAvailable(limit: 3) == [1, 2, 3])
        #expect(queue.count == 1)
    }
}

/// Runs `body` on a thread of its own (the way `replay` offers from its main thread).
func onOwnThread(_ body: @escaping @Sendable () -> Void) {
    DispatchQueue.global().async(execute: body)
}
