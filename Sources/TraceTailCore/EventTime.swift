/// A point in event time: nanoseconds since the Unix epoch, UTC.
///
/// Event time comes from log timestamps, never from a clock, so every stage that reads it is
/// deterministic: replaying a file and following it live give the same results.
public struct EventTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanoseconds: Int64

    /// Creates an event time from nanoseconds since the epoch.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Creates an event time from whole milliseconds since the epoch.
    public init(milliseconds: Int64) { self.nanoseconds = milliseconds * 1_000_000 }

    /// Creates an event time from seconds since the epoch.
    public init(seconds: Int64) { self.nanoseconds = seconds * 1_000_000_000 }

    public static func < (lhs: EventTime, rhs: EventTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// This time moved by `delta` nanoseconds.
    public func advanced(byNanoseconds delta: Int64) -> EventTime {
        EventTime(nanoseconds: nanoseconds &+ delta)
    }

    /// ISO 8601 in UTC with milliseconds, e.g. `2017-05-16T00:00:00.008Z`.
    public var iso8601: String { CivilTime(self).iso8601Milliseconds }

    public var description: String { iso8601 }
}

/// A length of event time in nanoseconds. Config durations (`30s`, `5m`) parse into this.
public struct EventDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Length in nanoseconds.
    public var nanoseconds: Int64
    /// Creates a duration of `nanoseconds`.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    /// A duration of whole seconds.
    public static func seconds(_ s: Int64) -> EventDuration { .init(nanoseconds: s * 1_000_000_000) }
    /// A duration of whole milliseconds.
    public static func milliseconds(_ ms: Int64) -> EventDuration { .init(nanoseconds: ms * 1_000_000) }
    /// A duration of whole minutes.
    public static func minutes(_ m: Int64) -> EventDuration { .seconds(m * 60) }
    public static func < (lhs: EventDuration, rhs: EventDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Parses a human duration: an integer or decimal followed by `ns`, `us`, `ms`, `s`, `m` or
    /// `h` (`250ms`, `1.5s`, `5m`). Returns nil for anything else.
    public init?(parsing text: String) {
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            // "5ms" also ends in "s": only accept when the remainder is a plain number.
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
                let value = Double(number), value >= 0
            else { continue }
            self.nanoseconds = Int64((value * scale).rounded())
            return
        }
        return nil
    }

    public var description: String {
        if nanoseconds % 60_000_000_000 == 0 && nanoseconds != 0 { return "\(nanoseconds / 60_000_000_000)m" }
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
        return "\(nanoseconds)ns"
    }
}

extension EventTime {
    /// `self + duration`.
    public static func + (lhs: EventTime, rhs: EventDuration) -> EventTime {
        lhs.advanced(byNanoseconds: rhs.nanoseconds)
    }
    /// `self - duration`.
    public static func - (lhs: EventTime, rhs: EventDuration) -> EventTime {
        lhs.advanced(byNanoseconds: -rhs.nanoseconds)
    }
    /// The duration from `rhs` to `lhs`.
    public static func - (lhs: EventTime, rhs: EventTime) -> EventDuration {
        EventDuration(nanoseconds: lhs.nanoseconds - rhs.nanoseconds)
    }
}
