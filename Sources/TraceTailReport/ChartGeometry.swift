import TraceTailCore

/// Maps event time onto the shared x axis of every chart, so all charts line up vertically.
struct TimeScale {
    var start: EventTime
    var end: EventTime
    /// Left edge of the plot area in px.
    var left: Double
    /// Width of the plot area in px.
    var width: Double

    init(range: ClosedRange<EventTime>, left: Double, width: Double) {
        start = range.lowerBound
        // A zero-length range (one record) still needs a non-zero axis.
        end =
            range.upperBound > range.lowerBound
            ? range.upperBound : range.lowerBound.advanced(byNanoseconds: 60_000_000_000)
        self.left = left
        self.width = width
    }

    func x(_ t: EventTime) -> Double {
        let f = Double(t.nanoseconds - start.nanoseconds) / Double(end.nanoseconds - start.nanoseconds)
        return left + min(max(f, 0), 1) * width
    }

    /// Tick times on multiples of a step chosen from 10 s … 1 day so there are at most ~10 ticks.
    func ticks() -> (times: [EventTime], withSeconds: Bool) {
        let steps: [Int64] = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400]
        let spanSeconds = Double(end.nanoseconds - start.nanoseconds) / 1e9
        let step = steps.first { spanSeconds / Double($0) <= 10 } ?? 172_800
        let stepNs = step * 1_000_000_000
        var t = (start.nanoseconds / stepNs + (start.nanoseconds % stepNs == 0 ? 0 : 1)) * stepNs
        var times: [EventTime] = []
        while t <= end.nanoseconds {
            times.append(EventTime(nanoseconds: t))
            t += stepNs
        }
        return (times, step < 60)
    }
}

/// Rounds a positive maximum up to 1, 2 or 5 × 10ⁿ so axis labels are round numbers.
func niceCeiling(_ value: Double) -> Double {
    guard value > 0, value.isFinite else { return 1 }
    var magnitude = 1.0
    while magnitude * 10 <= value { magnitude *= 10 }
    while magnitude > value { magnitude /= 10 }
    for m in [1.0, 2.0, 5.0, 10.0] where m * magnitude >= value { return m * magnitude }
    return 10 * magnitude
}

/// A labelled vertical line on a time chart.
struct ChartMarker {
    enum Kind {
        case incidentDetected
        case recovered
        case fix
        case rollback
        case workflow
    }

    var time: EventTime
    var label: String
    var kind: Kind
    /// Longer text for the hover tooltip (`<title>`).
    var detail: String

    var color: String {
        switch kind {
        case .incidentDetected, .rollback: "#c5221f"
        case .recovered: "#137333"
        case .fix: "#1a56db"
        case .workflow: "#5f6b7a"
        }
    }
}

/// Greedy row assignment for marker labels: each label goes in the first row where it does not
/// overlap the previous label, so labels never print over each other.
func labelRows(_ xs: [(x: Double, width: Double)], maxRows: Int) -> [Int] {
    var rowEnds = [Double](repeating: -.infinity, count: max(maxRows, 1))
    var rows: [Int] = []
    for item in xs {
        if let free = rowEnds.firstIndex(where: { $0 + 6 <= item.x }) {
            rows.append(free)
            rowEnds[free] = item.x + item.width
        } else {
            let least = rowEnds.indices.min { rowEnds[$0] < rowEnds[$1] }!
            rows.append(least)
            rowEnds[least] = item.x + item.width
        }
    }
    return rows
}
