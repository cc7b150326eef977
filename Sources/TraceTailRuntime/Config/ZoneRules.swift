import Foundation
import TraceTailCore

/// Converts zone-less local log times to UTC for one IANA zone (DESIGN §2: `timezone`).
///
/// Built once from the system tz database into a table of offset periods, so the per-line
/// conversion is a binary search over plain integers with no Foundation call and no lock.
public struct ZoneRules: Sendable {
    /// Periods sorted by UTC start: from `utcStart` (seconds) on, local = UTC + `offset`.
    private let periods: [(utcStart: Int64, offset: Int64)]

    /// Loads `name` (e.g. `Europe/Berlin`, `UTC`); nil when the zone is unknown.
    public static func load(name: String) -> ZoneRules? {
        guard let zone = TimeZone(identifier: name) else { return nil }
        var periods: [(Int64, Int64)] = []
        var date = Date(timeIntervalSince1970: 0)
        periods.append((Int64.min / 2, Int64(zone.secondsFromGMT(for: date))))
        let end = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01
        while let next = zone.nextDaylightSavingTimeTransition(after: date), next < end {
            periods.append((Int64(next.timeIntervalSince1970), Int64(zone.secondsFromGMT(for: next))))
            date = next
        }
        return ZoneRules(periods: periods)
    }

    private init(periods: [(Int64, Int64)]) { self.periods = periods.map { (utcStart: $0.0, offset: $0.1) } }

    /// The UTC instant of a wall-clock time read in this zone. In the repeated hour of a
    /// fall-back transition the earlier instant wins; in a spring-forward gap the offset
    /// before the gap is used.
    public func utc(fromLocal local: EventTime) -> EventTime {
        let localSeconds = floorDiv(local.nanoseconds, 1_000_000_000)
        // Last period whose local start is ≤ the local time.
        var lo = 0
        var hi = periods.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if periods[mid].utcStart + periods[mid].offset <= localSeconds { lo = mid } else { hi = mid - 1 }
        }
        var offset = periods[lo].offset
        // Fall-back overlap: the previous period also covers this local time; prefer it (earlier instant).
        if lo > 0, localSeconds - periods[lo - 1].offset < periods[lo].utcStart {
            offset = periods[lo - 1].offset
        }
        return local.advanced(byNanoseconds: -offset * 1_000_000_000)
    }

    /// A `@Sendable` converter for the parser.
    public var converter: @Sendable (EventTime) -> EventTime {
        let rules = self
        return { rules.utc(fromLocal: $0) }
    }

    private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
