import TraceTailCore

/// Boundary arithmetic on the event-time grid: boundaries are the multiples of `interval` since
/// the Unix epoch, so two processes (or a replay and a live run) agree on them without talking.
///
/// Bucket `k` holds the spans whose end lies in `((k−1)·interval, k·interval]`; boundary `k` is the
/// instant `k·interval`, and its window `(t − window, t]` is exactly buckets `k − windowBuckets + 1 … k`.
struct TimeGrid: Sendable, Equatable {
    /// Interval length in nanoseconds (> 0).
    let interval: Int64

    init(interval: EventDuration) {
        // A zero or negative interval would make every boundary the same instant; one second is
        // the smallest grid that still means something for request metrics.
        self.interval = max(interval.nanoseconds, 1)
    }

    /// The bucket holding a span that ends at `time`: the first boundary at or after it.
    func bucket(endingAt time: EventTime) -> Int64 { Self.ceilDiv(time.nanoseconds, interval) }

    /// The last boundary index at or before `time`.
    func lastBoundary(atOrBefore time: EventTime) -> Int64 { Self.floorDiv(time.nanoseconds, interval) }

    /// The instant of boundary `index`.
    func time(ofBoundary index: Int64) -> EventTime {
        let (product, overflow) = index.multipliedReportingOverflow(by: interval)
        return EventTime(nanoseconds: overflow ? (index < 0 ? .min : .max) : product)
    }

    /// Whole buckets needed to cover `duration` (rounded up, at least one).
    func buckets(covering duration: EventDuration) -> Int64 { max(1, Self.ceilDiv(duration.nanoseconds, interval)) }

    /// Floor division that also rounds toward −∞ for times before 1970.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Ceiling division (toward +∞).
    static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) == (b < 0)) ? q + 1 : q
    }
}
