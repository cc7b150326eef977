import TraceTailCore

/// Lines of one simulated happening (a request, a periodic task run), collected before they join
/// the time-ordered output so a request that would end after the run can be dropped whole.
struct LineBatch: Sendable {
    var lines: [(time: EventTime, file: SimulatedFile, text: String)] = []

    /// Adds a line; times are whole milliseconds as printed.
    mutating func add(_ file: SimulatedFile, _ time: EventTime, _ text: String) {
        lines.append((time, file, text))
    }

    /// Adds one oslo.log record of `file`, printed at `time` (see `OsloFormat.line`).
    mutating func log(
        _ file: SimulatedFile, _ time: EventTime, pid: Int, _ level: String, _ logger: String,
        context: RequestContext?, instance: UUID128? = nil, _ message: String
    ) {
        add(file, time, OsloFormat.line(time, pid: pid, level, logger, context: context, instance: instance, message))
    }

    /// The latest time in the batch.
    var latest: EventTime? { lines.map(\.time).max() }
}

/// A position in time at microsecond resolution that a scenario walks forward.
struct Cursor: Sendable {
    /// Microseconds since the epoch.
    var micros: Int64
    /// Slow-down applied to every step (1 when healthy, several-fold during the incident).
    var factor: Double

    /// Moves forward by a uniform number of milliseconds in `range`, scaled by `factor`.
    mutating func advance(_ rng: inout SplitMix64, ms range: ClosedRange<Int>) {
        let step = rng.int64(in: Int64(range.lowerBound) * 1000...Int64(range.upperBound) * 1000)
        micros += Int64(Double(step) * factor)
    }

    /// The printed time: microseconds truncated to milliseconds (oslo's `%(msecs)03d`).
    var time: EventTime { EventTime(nanoseconds: micros / 1000 * 1_000_000) }
}
