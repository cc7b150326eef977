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
struct WindowStore: Sendable {
    let grid: TimeGrid
    /// `window / interval`, rounded up.
    let windowBuckets: Int64
    let exactLimit: Int
    /// One series: its tag dictionary (built once, shared by every record of the series) and
    /// its buckets by index.
    struct Series: Sendable {
        var tags: [String: String]
        var buckets: [Int64: LatencyDigest] = [:]
    }
    private(set) var series: [SeriesKey: Series] = [:]
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
        let keep = index >= floorIndex
        let limit = exactLimit
        // The defaulted subscript's modify accessor updates in place: one hash of the key. A
        // too-late span leaves an empty series behind; the next `dropBuckets` removes it.
        return Self.update(&series[key, default: Series(tags: key.tags)]) { entry in
            if keep {
                entry.buckets[index, default: LatencyDigest(exactLimit: limit)]
                    .record(durationNanoseconds: durationNanoseconds, error: error)
            }
            return entry.tags
        }
    }

    private static func update<R>(_ entry: inout Series, _ body: (inout Series) -> R) -> R { body(&entry) }

    /// The smallest bucket index held, if any.
    var minimumBucket: Int64? {
        var result: Int64?
        for entry in series.values {
            for index in entry.buckets.keys where result == nil || index < result! { result = index }
        }
        return result
    }

    /// Per series (sorted), the digests of the window ending at boundary `index`. Mutating only
    /// to sort each bucket's exact values once, so merging a window sorts pre-sorted runs.
    mutating func window(at index: Int64) -> [(key: SeriesKey, parts: [LatencyDigest])] {
        let low = index - windowBuckets + 1
        var result: [(key: SeriesKey, parts: [LatencyDigest])] = []
        for key in series.keys.sorted() {
            // Bucket indices in order, so merging is deterministic.
            let indices = series[key]!.buckets.keys.filter { $0 >= low && $0 <= index }.sorted()
            guard !indices.isEmpty else { continue }
            var parts: [LatencyDigest] = []
            parts.reserveCapacity(indices.count)
            for bucket in indices {
                series[key]!.buckets[bucket]!.sortExactValues()
                parts.append(series[key]!.buckets[bucket]!)
            }
            result.append((key, parts))
        }
        return result
    }

    /// Drops the buckets no window after boundary `index` can include, and series left empty.
    mutating func dropBuckets(afterEvaluating index: Int64) {
        let newFloor = index + 1 - windowBuckets + 1
        guard newFloor > floorIndex else { return }
        floorIndex = newFloor
        for key in Array(series.keys) {
            for bucket in series[key]!.buckets.keys where bucket < newFloor {
                series[key]!.buckets.removeValue(forKey: bucket)
            }
            if series[key]!.buckets.isEmpty { series[key] = nil }
        }
    }
}

extension SeriesKey {
    /// The window gauges' exact tag set.
    var tags: [String: String] { ["phase": phase.rawValue, "service": service, "run_id": runID] }
}

extension WindowStore {
    /// The buckets of every series, for a checkpoint (tags are rebuilt from the key).
    var checkpointBuckets: [SeriesKey: [Int64: LatencyDigest]] { series.mapValues(\.buckets) }

    /// A store holding `buckets` above `floorIndex`, with the current settings.
    init(
        grid: TimeGrid, window: EventDuration, exactLimit: Int, buckets: [SeriesKey: [Int64: LatencyDigest]],
        floorIndex: Int64
    ) {
        self.init(grid: grid, window: window, exactLimit: exactLimit)
        for (key, byIndex) in buckets { series[key] = Series(tags: key.tags, buckets: byIndex) }
        self.floorIndex = floorIndex
    }
}
