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

    /// One service's records in start-time buckets, in ascending bucket order.
    struct ServiceRecords: Sendable {
        var service: String
        var indices: [Int64] = []
        var lists: [[Record]] = []
    }

    let grid: TimeGrid
    let limit: Int
    /// Found through `slots`, so a span costs no SipHash of its service name.
    private(set) var services: [ServiceRecords] = []
    private var slots = SlotIndex<String>()
    private(set) var count = 0
    /// Records dropped because of `limit` (not the ordinary age-based pruning).
    private(set) var droppedForLimit = 0

    init(grid: TimeGrid, limit: Int) {
        self.grid = grid
        self.limit = max(limit, 0)
    }

    /// The records by service and bucket index (for a checkpoint).
    var byService: [String: [Int64: [Record]]] {
        var result: [String: [Int64: [Record]]] = [:]
        for entry in services {
            result[entry.service] = Dictionary(uniqueKeysWithValues: zip(entry.indices, entry.lists))
        }
        return result
    }

    mutating func add(service: String, start: EventTime, durationNanoseconds: Int64, error: Bool, phase: Phase) {
        guard limit > 0 else {
            droppedForLimit += 1
            return
        }
        let record = Record(start: start.nanoseconds, duration: durationNanoseconds, error: error, phase: phase)
        let s: Int
        if let found = slots.slot(of: service) {
            s = found
        } else {
            s = services.count
            services.append(ServiceRecords(service: service))
            slots.insert(service, slot: s)
        }
        let index = grid.lastBoundary(atOrBefore: start)
        // Spans come roughly in time order: the bucket is almost always the last one.
        var i = services[s].indices.count
        while i > 0 && services[s].indices[i - 1] > index { i -= 1 }
        if i > 0 && services[s].indices[i - 1] == index {
            services[s].lists[i - 1].append(record)
        } else {
            services[s].indices.insert(index, at: i)
            services[s].lists.insert([record], at: i)
        }
        count += 1
        while count > limit, let (s, position) = oldestBucket() {
            let removed = services[s].lists.remove(at: position).count
            services[s].indices.remove(at: position)
            count -= removed
            droppedForLimit += removed
            if services[s].indices.isEmpty { removeEmptyServices() }
        }
    }

    /// Drops every bucket whose spans all start before `time`.
    mutating func prune(startingBefore time: EventTime) {
        // Bucket i holds starts in [i·interval, (i+1)·interval); it is entirely before `time`
        // when (i+1)·interval ≤ time.
        let keepFrom = grid.lastBoundary(atOrBefore: time)
        var emptied = false
        for s in services.indices {
            let keep = services[s].indices.firstIndex { $0 >= keepFrom } ?? services[s].indices.count
            guard keep > 0 else { continue }
            for list in services[s].lists[..<keep] { count -= list.count }
            services[s].indices.removeFirst(keep)
            services[s].lists.removeFirst(keep)
            if services[s].indices.isEmpty { emptied = true }
        }
        if emptied { removeEmptyServices() }
    }

    /// Per service (sorted): digests of `phase` spans starting in `[from, to)`.
    func digests(phase: Phase, from: EventTime, to: EventTime) -> [String: LatencyDigest] {
        var result: [String: LatencyDigest] = [:]
        guard from < to else { return result }
        let low = grid.lastBoundary(atOrBefore: from)
        let high = grid.lastBoundary(atOrBefore: to)
        for entry in services {
            var digest: LatencyDigest?
            for i in entry.indices.indices where entry.indices[i] >= low && entry.indices[i] <= high {
                for record in entry.lists[i]
                where record.phase == phase && record.start >= from.nanoseconds && record.start < to.nanoseconds {
                    if digest == nil { digest = LatencyDigest(exactLimit: .max) }
                    digest!.record(durationNanoseconds: record.duration, error: record.error)
                }
            }
            if let digest { result[entry.service] = digest }
        }
        return result
    }

    /// The service slot and position of the oldest bucket (ties: least service name).
    private func oldestBucket() -> (Int, Int)? {
        var best: Int?
        for s in services.indices {
            guard let index = services[s].indices.first else { continue }
            if let b = best {
                let current = services[b].indices[0]
                if index < current || (index == current && services[s].service < services[b].service) { best = s }
            } else {
                best = s
            }
        }
        return best.map { ($0, 0) }
    }

    private mutating func removeEmptyServices() {
        services.removeAll { $0.indices.isEmpty }
        slots.removeAll()
        for s in services.indices { slots.insert(services[s].service, slot: s) }
    }
}

extension ComparisonStore {
    /// A store holding `byService` (as `byService` was at a checkpoint), with the current settings.
    init(grid: TimeGrid, limit: Int, byService: [String: [Int64: [Record]]], droppedForLimit: Int) {
        self.init(grid: grid, limit: limit)
        for service in byService.keys.sorted() {
            let buckets = byService[service]!.sorted { $0.key < $1.key }
            guard !buckets.isEmpty else { continue }
            slots.insert(service, slot: services.count)
            services.append(
                ServiceRecords(service: service, indices: buckets.map(\.key), lists: buckets.map(\.value)))
            count += buckets.reduce(0) { $0 + $1.value.count }
        }
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
