import TraceTailCore

/// Holds lines for `allowedLateness` of event time and releases them in `LineOrder`
/// (time, source, line number), so the correlator sees the same sequence whatever order
/// lines arrived in within the allowed lateness — the property that makes its spans
/// independent of file interleaving.
///
/// Lines arriving in order (the common case: one file, or files merged by time) go to a
/// FIFO queue in O(1); the rest to a binary min-heap. Release takes the smaller head of the two.
/// Events live in a slab; the queue and heap move only 24-byte entries.
struct ReorderBuffer {
    struct Entry {
        var order: LineOrder
        var slot: Int32
    }

    private var events: [LogEvent?] = []
    private var freeSlots: [Int32] = []
    private var queue: [Entry] = []
    private var queueHead = 0
    private var heap: [Entry] = []

    /// Lines held.
    var count: Int { queue.count - queueHead + heap.count }

    mutating func push(_ event: consuming LogEvent, order: LineOrder) {
        let slot: Int32
        var incoming: LogEvent? = consume event
        if let reused = freeSlots.popLast() {
            slot = reused
            // Move the event into its slot (which holds `nil`, its last event moved out by
            // `popMin`) and leave `nil` behind: an assignment copied it and destroyed both.
            events.withUnsafeMutableBufferPointer { buffer in
                withUnsafeMutablePointer(to: &incoming) { source in
                    let target = buffer.baseAddress! + Int(reused)
                    target.moveUpdate(from: source, count: 1)
                    source.initialize(to: nil)
                }
            }
        } else {
            slot = Int32(events.count)
            events.append(incoming.take())
        }
        let entry = Entry(order: order, slot: slot)
        if queueHead == queue.count || !(order < queue[queue.count - 1].order) {
            queue.append(entry)
        } else {
            heapPush(entry)
        }
    }

    /// Order of the least line held.
    var minOrder: LineOrder? {
        let q = queueHead < queue.count ? queue[queueHead].order : nil
        let h = heap.first?.order
        switch (q, h) {
        case (nil, nil): return nil
        case (let q?, nil): return q
        case (nil, let h?): return h
        case (let q?, let h?): return h < q ? h : q
        }
    }

    /// Removes and returns the least line held.
    mutating func popMin() -> LogEvent? {
        let fromQueue: Bool
        if queueHead < queue.count {
            fromQueue = heap.isEmpty || !(heap[0].order < queue[queueHead].order)
        } else if !heap.isEmpty {
            fromQueue = false
        } else {
            return nil
        }
        let entry: Entry
        if fromQueue {
            entry = queue[queueHead]
            queueHead += 1
            if queueHead == queue.count {
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
            } else if queueHead >= 4_096 && queueHead * 2 >= queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
        } else {
            entry = heapPop()
        }
        freeSlots.append(entry.slot)
        // Move the event out through the buffer (one copy, no retain/release of its storage)
        // and leave `nil` behind; `Optional.take()` on an array element copies it four times.
        let slot = Int(entry.slot)
        return events.withUnsafeMutableBufferPointer { buffer in
            let pointer = buffer.baseAddress! + slot
            let event = pointer.move()
            pointer.initialize(to: nil)
            return event
        }
    }

    private mutating func heapPush(_ entry: Entry) {
        heap.append(entry)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].order < heap[parent].order else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func heapPop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var m = i
            if l < heap.count && heap[l].order < heap[m].order { m = l }
            if r < heap.count && heap[r].order < heap[m].order { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }
}
