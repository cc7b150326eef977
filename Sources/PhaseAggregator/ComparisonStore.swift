import TraceTailCore

/// Recent spans kept by *start* time for the before/after comparison.
///
/// A fix usually becomes known after the spans that form its "before" side were consumed (the
/// CTA event at `f` is read when the logs reach `f`), and `f` is not aligned to the grid, so
/// per-interval aggregates cannot answer `[f − compare_window, f)` exactly. Instead the last
/// `compare_window` (+ settle delay) of spans is kept as 24-byte records in start-time buckets;
/// whole buckets are dropped once no pending or future fix can reach them, and the total is
/// capped by `retainedSpanLimit` (oldest bucket dropped first, counted) so memory stays bounded.
struct ComparisonStore: Sendable {
    struct Record: Sendable, Codable {
        var start: Int64
        var duration: Int64
        var error: Bool
        var phase: Phase
    }

    let grid: TimeGrid
    let limit: Int
    private(set) var byService: [String: [Int64: [Record]]] = [:]
    private(set) var count = 0
    /// Records dropped because of `limit` (not the ordinary age-based pruning).
    private(set) var droppedForLimit = 0

    init(grid: TimeGrid, limit: Int) {
        self.grid = grid
        self.limit = max(limit, 0)
    }

    mutating func add(service: String, start: EventTime, durationNanoseconds: Int64, error: Bool, phase: Phase) {
        guard limit > 0 else {
            droppedForLimit += 1
            return
        }
        let record = Record(start: start.nanoseconds, duration: durationNanoseconds, error: error, phase: phase)
        byService[service, default: [:]][grid.lastBoundary(atOrBefore: start), default: []].append(record)
        count += 1
        while count > limit, let (service, index) = oldestBucket() {
            let removed = byService[service]!.removeValue(forKey: index)!.count
            count -= removed
            droppedForLimit += removed
            if byService[service]!.isEmpty { byService[service] = nil }
        }
    }

    /// Drops every bucket whose spans all start before `time`.
    mutating func prune(startingBefore time: EventTime) {
        // Bucket i holds starts in [i·interval, (i+1)·interval); it is entirely before `time`
        // when (i+1)·interval ≤ time.
        let keepFrom = grid.lastBoundary(atOrBefore: time)
        for service in Array(byService.keys) {
            guard byService[service]!.keys.contains(where: { $0 < keepFrom }) else { continue }
            var kept: [Int64: [Record]] = [:]
            for (index, records) in byService[service]! {
                if index >= keepFrom { kept[index] = records } else { count -= records.count }
            }
            byService[service] = kept.isEmpty ? nil : kept
        }
    }

    /// Per service (sorted): digests of `phase` spans starting in `[from, to)`.
    func digests(phase: Phase, from: EventTime, to: EventTime) -> [String: LatencyDigest] {
        var result: [String: LatencyDigest] = [:]
        guard from < to else { return result }
        let low = grid.lastBoundary(atOrBefore: from)
        let high = grid.lastBoundary(atOrBefore: to)
        for (service, buckets) in byService {
            for index in buckets.keys.sorted() where index >= low && index <= high {
                for record in buckets[index]!
                where record.phase == phase && record.start >= from.nanoseconds && record.start < to.nanoseconds {
                    result[service, default: LatencyDigest(exactLimit: .max)]
                        .record(durationNanoseconds: record.duration, error: record.error)
                }
            }
        }
        return result
    }

    private func oldestBucket() -> (String, Int64)? {
        var best: (String, Int64)?
        for service in byService.keys.sorted() {
            if let index = byService[service]!.keys.min(), best == nil || index < best!.1 { best = (service, index) }
        }
        return best
    }
}

extension ComparisonStore {
    /// A store holding `byService` (as `byService` was at a checkpoint), with the current settings.
    init(grid: TimeGrid, limit: Int, byService: [String: [Int64: [Record]]], droppedForLimit: Int) {
        self.init(grid: grid, limit: limit)
        self.byService = byService
        self.count = byService.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }
        self.droppedForLimit = droppedForLimit
    }
}

// Written as `[start, duration, error, phase]`: a checkpoint holds every span of the comparison
// windows (up to `retainedSpanLimit`).
extension ComparisonStore.Record {
    init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        start = try c.decode(Int64.self)
        duration = try c.decode(Int64.self)
        error = try c.decode(Bool.self)
        phase = try c.decode(Phase.self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(start)
        try c.encode(duration)
        try c.encode(error)
        try c.encode(phase)
    }
}
