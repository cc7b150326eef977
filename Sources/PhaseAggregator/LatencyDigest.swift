import Histogram
import TraceTailCore

/// Count, errors and latencies of a set of spans (one series in one interval bucket, or one
/// side of a before/after comparison).
///
/// Why exact values first and HdrHistogram second: a window is merged from `window/interval`
/// buckets at every boundary. Merging HdrHistograms costs a pass over their whole counts arrays
/// (~15 k slots each for latencies up to 10 s at 3 significant digits), which for a day of replay
/// at 20 series is tens of seconds of memory traffic; sorting the few hundred exact durations a
/// bucket usually holds is microseconds and gives *exact* nearest-rank percentiles. Memory must
/// still be bounded by configuration (DESIGN §7), so once a bucket holds more than `exactLimit`
/// values it moves them into an HdrHistogram (microseconds, 3 significant digits, ≤ 0.1 %
/// relative error, size bounded by the value range) and records there from then on. A window
/// is exact when all its buckets are, else it is answered from the merged histogram.
struct LatencyDigest: Sendable, Codable {
    /// Spans recorded.
    private(set) var count = 0
    /// Spans with `error == true`.
    private(set) var errors = 0
    /// Sum of durations, for an exact average.
    private(set) var sumNanoseconds: Double = 0
    /// Largest duration, exact.
    private(set) var maxNanoseconds: Int64 = 0
    /// Exact durations while `histogram == nil`.
    private(set) var exact: [Int64] = []
    /// Microsecond histogram once more than `exactLimit` values arrived.
    private(set) var histogram: Histogram<UInt64>?
    /// Values kept exactly before switching to the histogram.
    let exactLimit: Int
    /// True while `exact` is known to be in ascending order.
    private(set) var isSorted = true

    init(exactLimit: Int) { self.exactLimit = max(exactLimit, 0) }

    /// Adds one span.
    mutating func record(durationNanoseconds: Int64, error: Bool) {
        let duration = max(durationNanoseconds, 0)
        count += 1
        if error { errors += 1 }
        sumNanoseconds += Double(duration)
        maxNanoseconds = max(maxNanoseconds, duration)
        if histogram != nil {
            histogram!.record(Self.micros(duration))
        } else if exact.count < exactLimit {
            if let last = exact.last, duration < last { isSorted = false }
            exact.append(duration)
        } else {
            var h = Self.makeHistogram()
            for value in exact { h.record(Self.micros(value)) }
            h.record(Self.micros(duration))
            exact = []
            histogram = h
        }
    }

    /// Sorts the exact values in place (once), so a later merge concatenates sorted runs,
    /// which the standard library's run-detecting sort merges in near-linear time.
    mutating func sortExactValues() {
        guard !isSorted else { return }
        exact.sort()
        isSorted = true
    }

    /// A new empty histogram: auto-resizing, so its size follows the largest latency seen.
    static func makeHistogram() -> Histogram<UInt64> { Histogram<UInt64>(numberOfSignificantValueDigits: .three) }

    /// Microseconds, rounded, capped at 2^40 µs (~12.7 days) so a corrupt timestamp cannot grow
    /// the histogram without bound.
    static func micros(_ nanoseconds: Int64) -> UInt64 {
        let us = (max(nanoseconds, 0) &+ 500) / 1000
        return UInt64(min(us, 1 << 40))
    }
}

/// Statistics of a merged set of digests, in the units the metrics use.
struct LatencyStats: Sendable, Equatable {
    var count: Int
    var errors: Int
    /// Nearest-rank percentiles in milliseconds (exact, or HdrHistogram's when a part overflowed).
    var p50Ms: Double
    var p95Ms: Double
    var p99Ms: Double
    var avgMs: Double
    var maxMs: Double

    /// Errors / count; 0 for an empty set.
    var errorRate: Double { count == 0 ? 0 : Double(errors) / Double(count) }

    /// Merges `parts` (no copy of the parts themselves). Nil when they hold no span.
    init?(merging parts: [LatencyDigest]) {
        var count = 0
        var errors = 0
        var sum: Double = 0
        var maxNs: Int64 = 0
        var allExact = true
        for part in parts {
            count += part.count
            errors += part.errors
            sum += part.sumNanoseconds
            maxNs = max(maxNs, part.maxNanoseconds)
            if part.histogram != nil { allExact = false }
        }
        guard count > 0 else { return nil }
        self.count = count
        self.errors = errors
        self.avgMs = sum / Double(count) / 1e6
        self.maxMs = Double(maxNs) / 1e6
        if allExact {
            let values: [Int64]
            if parts.allSatisfy(\.isSorted) {
                // A window's buckets were sorted once each: merge the runs instead of sorting.
                values = Self.mergeSorted(parts.map(\.exact), count: count)
            } else {
                var all: [Int64] = []
                all.reserveCapacity(count)
                for part in parts { all.append(contentsOf: part.exact) }
                all.sort()
                values = all
            }
            self.p50Ms = Double(Self.nearestRank(values, percent: 50)) / 1e6
            self.p95Ms = Double(Self.nearestRank(values, percent: 95)) / 1e6
            self.p99Ms = Double(Self.nearestRank(values, percent: 99)) / 1e6
        } else {
            var merged = LatencyDigest.makeHistogram()
            for part in parts {
                if let h = part.histogram { merged.add(h) }
                for value in part.exact { merged.record(LatencyDigest.micros(value)) }
            }
            // HdrHistogram answers with the top of the bucket holding the value; the exact max
            // caps it so a single-valued window reports that value.
            self.p50Ms = min(Double(merged.valueAtPercentile(50)) / 1e3, maxMs)
            self.p95Ms = min(Double(merged.valueAtPercentile(95)) / 1e3, maxMs)
            self.p99Ms = min(Double(merged.valueAtPercentile(99)) / 1e3, maxMs)
        }
    }

    /// The ascending merge of ascending `runs` (`count` values in all), pairwise: n·log(runs).
    static func mergeSorted(_ runs: [[Int64]], count: Int) -> [Int64] {
        var runs = runs.filter { !$0.isEmpty }
        guard !runs.isEmpty else { return [] }
        while runs.count > 1 {
            var next: [[Int64]] = []
            next.reserveCapacity((runs.count + 1) / 2)
            var i = 0
            while i + 1 < runs.count {
                next.append(mergeTwo(runs[i], runs[i + 1]))
                i += 2
            }
            if i < runs.count { next.append(runs[i]) }
            runs = next
        }
        return runs[0]
    }

    private static func mergeTwo(_ a: [Int64], _ b: [Int64]) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: a.count + b.count) { out, initialized in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    var i = 0
                    var j = 0
                    var n = 0
                    while i < a.count && j < b.count {
                        if b[j] < a[i] {
                            out[n] = b[j]
                            j += 1
                        } else {
                            out[n] = a[i]
                            i += 1
                        }
                        n += 1
                    }
                    while i < a.count {
                        out[n] = a[i]
                        i += 1
                        n += 1
                    }
                    while j < b.count {
                        out[n] = b[j]
                        j += 1
                        n += 1
                    }
                }
            }
            initialized = a.count + b.count
        }
    }

    /// The value of rank ⌈percent·n/100⌉ (at least 1) in sorted `values`: the same definition
    /// HdrHistogram's `valueAtPercentile` uses, computed in integers so 95 % of 20 is rank 19.
    static func nearestRank(_ sorted: [Int64], percent: Int) -> Int64 {
        let n = sorted.count
        let rank = min(max((percent * n + 99) / 100, 1), n)
        return sorted[rank - 1]
    }
}
