import DequeModule

/// Hands out small source ids and takes them back when a file is released, so ids stay bounded by
/// the number of files tracked at once. Freed ids are reused oldest-first, so an id is not given to
/// a new file right after its old file went away.
struct SourceIDPool: Sendable {
    private var next: UInt32 = 0
    private var free: Deque<UInt32> = []

    /// Marks `ids` as in use (restored positions) and queues the gaps below them as free.
    init(reserving ids: [UInt32]) {
        let used = Set(ids)
        next = (ids.max().map { $0 + 1 }) ?? 0
        for id in 0..<next where !used.contains(id) { free.append(id) }
    }

    mutating func allocate() -> UInt32 {
        if let id = free.popFirst() { return id }
        defer { next += 1 }
        return next
    }

    mutating func release(_ id: UInt32) { free.append(id) }
}
