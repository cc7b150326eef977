/// The one ISO 8601 / RFC 3339 reader of the project (configs, CLI flags, JSON logs, CTA
/// events), from bytes and without Foundation or a copy of the input.
public enum ISO8601 {
    /// A parsed instant and whether its text named a zone.
    public struct Parsed: Hashable, Sendable {
        /// The instant (the text read as UTC when it carries no zone).
        public var time: EventTime
        /// True when the text carried `Z` or a `±hh[:mm]` offset.
        public var hasZone: Bool

        public init(time: EventTime, hasZone: Bool) {
            self.time = time
            self.hasZone = hasZone
        }
    }

    /// `2026-11-27T10:00:00Z`, `2026-11-27 10:00:00.123456`, `2026-11-27T10:00:00+01:00`,
    /// `2026-11-27T10:00`, `2026-11-27` … A missing zone means UTC (DESIGN §2). Nil when not a
    /// real time.
    public static func parse(_ text: some StringProtocol) -> EventTime? {
        var text = String(text)
        return text.withUTF8 { parse(buffer: $0, allowingDateOnly: true)?.time }
    }

    /// Parses `YYYY-MM-DD(T|t| )HH:MM[:SS][(.|,)fraction]` then optionally `Z`, `±hh:mm`,
    /// `±hhmm` or `±hh` (and, with `allowingDateOnly`, a bare date). The fraction may have any
    /// number of digits (beyond nanoseconds they are dropped); `,` is what Python's `logging`
    /// writes. Nil for anything else, including dates that do not exist and leap seconds.
    public static func parse<C: Collection>(bytes: C, allowingDateOnly: Bool = false) -> Parsed?
    where C.Element == UInt8 {
        if let parsed = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0, allowingDateOnly: allowingDateOnly) }
        ) {
            return parsed
        }
        return Array(bytes).withUnsafeBufferPointer { parse(buffer: $0, allowingDateOnly: allowingDateOnly) }
    }

    private static func parse(buffer b: UnsafeBufferPointer<UInt8>, allowingDateOnly: Bool) -> Parsed? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            i += n
            return v
        }
        func skip(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), skip("-"), let month = digits(2), skip("-"), let day = digits(2) else {
            return nil
        }
        var civil = CivilTime(year: year, month: month, day: day)
        var offsetSeconds = 0
        var hasZone = false
        if i == b.count {
            guard allowingDateOnly else { return nil }
        } else {
            guard skip("T") || skip("t") || skip(" "), let hour = digits(2), skip(":"), let minute = digits(2) else {
                return nil
            }
            civil.hour = hour
            civil.minute = minute
            if skip(":") {
                guard let second = digits(2) else { return nil }
                civil.second = second
            }
            if skip(".") || skip(",") {
                var count = 0
                var nanos = 0
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                    if count < 9 { nanos = nanos * 10 + Int(b[i] - 0x30) }
                    count += 1
                    i += 1
                }
                guard count > 0 else { return nil }
                for _ in min(count, 9)..<9 { nanos *= 10 }
                civil.nanosecond = nanos
            }
            if skip("Z") || skip("z") {
                hasZone = true
            } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = digits(2), oh <= 23 else { return nil }
                var om = 0
                if skip(":") {
                    guard let m = digits(2) else { return nil }
                    om = m
                } else if let m = digits(2) {
                    om = m
                }
                guard om <= 59 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
                hasZone = true
            }
        }
        guard i == b.count, civil.isValid else { return nil }
        return Parsed(
            time: civil.eventTime.advanced(byNanoseconds: -Int64(offsetSeconds) * 1_000_000_000), hasZone: hasZone)
    }
}
