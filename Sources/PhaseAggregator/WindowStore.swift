import TraceTailCore

/// Identity of one gauge series: the exact tag set of the window gauges.
struct SeriesKey: Hashable, Comparable, Sendable {
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
struct WindowStore: Sendable {
    let grid: TimeGrid
    /// `window / interval`, rounded up.
    let windowBuckets: Int64
    let exactLimit: Int
    private(set) var buckets: [SeriesKey: [Int64: LatencyDigest]] = [:]
    /// Buckets below this index were dropped; spans landing there are too late to count.
    private(set) var floorIndex: Int64 = .min

    init(grid: TimeGrid, window: EventDuration, exactLimit: Int) {
        self.grid = grid
        self.windowBuckets = grid.buckets(covering: window)
        self.exactLimit = exactLimit
    }

    /// Adds a span to bucket `index`. Returns false when that bucket was already dropped.
    mutating func record(_ key: SeriesKey, bucket index: Int64, durationNanoseconds: Int64, error: Bool) -> Bool {
        guard index >= floorIndex else { return false }
        buckets[key, default: [:]][index, default: LatencyDigest(exactLimit: exactLimit)]
            .record(durationNanoseconds: durationNanoseconds, error: error)
        return true
    }

    /// The smallest bucket index held, if any.
    var minimumBucket: Int64? {
        var result: Int64?
        for series in buckets.values {
            for index in series.keys where result == nil || index < result! { result = index }
        }
        return result
    }

    /// Per series (sorted), the digests of the window ending at boundary `index`.
    func window(at index: Int64) -> [(key: SeriesKey, parts: [LatencyDigest])] {
        let low = index - windowBuckets + 1
        var result: [(key: SeriesKey, parts: [LatencyDigest])] = []
        for key in buckets.keys.sorted() {
            let series = buckets[key]!
            // Iterate bucket indices in order so merging is deterministic.
            let parts = series.keys.filter { $0 >= low && $0 <= index }.sorted().map { series[$0]! }
            if !parts.isEmpty { result.append((key, parts)) }
        }
        return result
    }

    /// Drops the buckets no window after boundary `index` can include, and series left empty.
    mutating func dropBuckets(afterEvaluating index: Int64) {
        let newFloor = index + 1 - windowBuckets + 1
        guard newFloor > floorIndex else { return }
        floorIndex = newFloor
        for key in Array(buckets.keys) {
            buckets[key] = buckets[key]!.filter { $0.key >= newFloor }
            if buckets[key]!.isEmpty { buckets[key] = nil }
        }
    }
}
