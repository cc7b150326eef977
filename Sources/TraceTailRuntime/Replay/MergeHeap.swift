import TraceTailCore

/// A binary min-heap keyed by (event time, source order, sequence) — the k-way merge that
/// turns many files into one timeline. Ties keep file order then line order, so equal
/// timestamps are deterministic (DESIGN §4: events at equal timestamps keep file order).
struct MergeHeap {
    struct Key: Comparable {
        var time: Int64
        var source: Int
        var sequence: Int
        static func < (a: Key, b: Key) -> Bool {
            (a.time, a.source, a.sequence) < (b.time, b.source, b.sequence)
        }
    }

    private var keys: [Key] = []

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }
    var min: Key? { keys.first }

    mutating func push(_ key: Key) {
        keys.append(key)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard keys[i] < keys[parent] else { break }
            keys.swapAt(i, parent)
            i = parent
        }
    }

    mutating func popMin() -> Key? {
        guard !keys.isEmpty else { return nil }
        let top = keys[0]
        let last = keys.removeLast()
        if !keys.isEmpty {
            keys[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < keys.count, keys[l] < keys[m] { m = l }
                if r < keys.count, keys[r] < keys[m] { m = r }
                if m == i { break }
                keys.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
