import TraceTailCore

/// Identity of one gauge series: the exact tag set of the window gauges.
struct SeriesKey: Hashable, Comparable, Sendable, Codable {
    var service: String
    var phase: Phase
    var runID: String

    /// Output order: service, then phase, then run id (DESIGN: deterministic output).
    static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
        (lhs.service, lhs.phase.rawValue, lhs.runID) < (rhs.service, rhs.phase.rawValue, rhs.runID)
    }
}

/// Per-interval partial aggregates of every series. Only buckets that can still fall inside a
/// future window are kept, so memory is bounded by `window/interval` buckets per live series,
/// each bounded by `LatencyDigest`'s exact limit.
///
/// Series live in an array found through a `SlotIndex` (no SipHash of the service and run id
/// per span), and each series keeps its buckets as a short array in index order: spans arrive
/// in end-time order, so recording is almost always into the last bucket or a new one appended.
struct WindowStore: Sendable {
    let grid: TimeGrid
    /// `window / interval`, rounded up.
    let windowBuckets: Int64
    let exactLimit: Int
    /// One series: its tag dictionary (built once, shared by every record of the series) and
    /// its buckets in ascending index order.
    struct Series: Sendable {
        var key: SeriesKey
        var tags: [String: String]
        var indices: [Int64] = []
        var digests: [LatencyDigest] = []

        /// The position of bucket `index` in `indices`, or where it would go.
        func position(of index: Int64) -> (at: Int, found: Bool) {
            var i = indices.count
            while i > 0 && indices[i - 1] > index { i -= 1 }
            if i > 0 && indices[i - 1] == index { return (i - 1, true) }
            return (i, false)
        }
    }
    private(set) var series: [Series] = []
    private var slots = SlotIndex<SeriesKey>()
    /// Buckets below this index were dropped; spans landing there are too late to count.
    private(set) var floorIndex: Int64 = .min

    init(grid: TimeGrid, window: EventDuration, exactLimit: Int) {
        self.grid = grid
        self.windowBuckets = grid.buckets(covering: window)
        self.exactLimit = exactLimit
    }

    /// Adds a span to bucket `index` (unless that bucket was already dropped: too late to
    /// count) and returns the series' tags.
    mutating func record(_ key: SeriesKey, bucket index: Int64, durationNanoseconds: Int64, error: Bool)
        -> [String: String]
    {
        let s: Int
        if let found = slots.slot(of: key) {
            s = found
        } else {
            // A too-late span leaves an empty series behind; the next `dropBuckets` removes it.
            s = series.count
            series.append(Series(key: key, tags: key.tags))
            slots.insert(key, slot: s)
        }
        if index >= floorIndex {
            let (at, found) = series[s].position(of: index)
            if !found {
                series[s].indices.insert(index, at: at)
                series[s].digests.insert(LatencyDigest(exactLimit: exactLimit), at: at)
            }
            series[s].digests[at].record(durationNanoseconds: durationNanoseconds, error: error)
        }
        return series[s].tags
    }

    /// The smallest bucket index held, if any.
    var minimumBucket: Int64? {
        var result: Int64?
        for entry in series {
            if let first = entry.indices.first, result == nil || first < result! { result = first }
        }
        return result
    }

    /// Per series (sorted), the digests of the window ending at boundary `index`. Mutating only
    /// to sort each bucket's exact values once, so merging a window sorts pre-sorted runs.
    mutating func window(at index: Int64) -> [(key: SeriesKey, parts: [LatencyDigest])] {
        let low = index - windowBuckets + 1
        var result: [(key: SeriesKey, parts: [LatencyDigest])] = []
        let order = series.indices.sorted { series[$0].key < series[$1].key }
        for s in order {
            // Bucket indices in order, so merging is deterministic.
            var parts: [LatencyDigest] = []
            for i in series[s].indices.indices where series[s].indices[i] >= low && series[s].indices[i] <= index {
                series[s].digests[i].sortExactValues()
                parts.append(series[s].digests[i])
            }
            guard !parts.isEmpty else { continue }
            result.append((series[s].key, parts))
        }
        return result
    }

    /// Drops the buckets no window after boundary `index` can include, and series left empty.
    mutating func dropBuckets(afterEvaluating index: Int64) {
        let newFloor = index + 1 - windowBuckets + 1
        guard newFloor > floorIndex else { return }
        floorIndex = newFloor
        var emptied = false
        for s in series.indices {
            let keep = series[s].indices.firstIndex { $0 >= newFloor } ?? series[s].indices.count
            if keep > 0 {
                series[s].indices.removeFirst(keep)
                series[s].digests.removeFirst(keep)
            }
            if series[s].indices.isEmpty { emptied = true }
        }
        guard emptied else { return }
        series.removeAll { $0.indices.isEmpty }
        slots.removeAll()
        for s in series.indices { slots.insert(series[s].key, slot: s) }
    }
}

extension SeriesKey {
    /// The window gauges' exact tag set.
    var tags: [String: String] { ["phase": phase.rawValue, "service": service, "run_id": runID] }
}

extension WindowStore {
    /// The buckets of every series, for a checkpoint (tags are rebuilt from the key).
    var checkpointBuckets: [SeriesKey: [Int64: LatencyDigest]] {
        var result: [SeriesKey: [Int64: LatencyDigest]] = [:]
        for entry in series {
            result[entry.key] = Dictionary(uniqueKeysWithValues: zip(entry.indices, entry.digests))
        }
        return result
    }

    /// A store holding `buckets` above `floorIndex`, with the current settings.
    init(
        grid: TimeGrid, window: EventDuration, exactLimit: Int, buckets: [SeriesKey: [Int64: LatencyDigest]],
        floorIndex: Int64
    ) {
        self.init(grid: grid, window: window, exactLimit: exactLimit)
        for key in buckets.keys.sorted() {
            let byIndex = buckets[key]!.sorted { $0.key < $1.key }
            slots.insert(key, slot: series.count)
            series.append(
                Series(key: key, tags: key.tags, indices: byIndex.map(\.key), digests: byIndex.map(\.value)))
        }
        self.floorIndex = floorIndex
    }
}
