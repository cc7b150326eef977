/// Parses the ISO 8601 forms found in configs, CLI flags and JSON logs, without Foundation.
public enum ISO8601 {
    /// `2026-11-27T10:00:00Z`, `2026-11-27 10:00:00.123456`, `2026-11-27T10:00:00+01:00`,
    /// `2026-11-27T10:00` … A missing zone means UTC (DESIGN §2). Returns nil when not a real time.
    public static func parse(_ text: some StringProtocol) -> EventTime? {
        parse(bytes: Array(text.utf8))
    }

    /// Byte form of `parse(_:)`.
    public static func parse<C: Collection>(bytes input: C) -> EventTime? where C.Element == UInt8 {
        let b = Array(input)
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
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2d), let month = digits(2), expect(0x2d), let day = digits(2) else {
            return nil
        }
        var civil = CivilTime(year: year, month: month, day: day)
        if i < b.count {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 else { return nil }
            i += 1
            guard let hour = digits(2), expect(0x3a), let minute = digits(2) else { return nil }
            civil.hour = hour
            civil.minute = minute
            if expect(0x3a) {
                guard let second = digits(2) else { return nil }
                civil.second = second
                if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    var scale = 100_000_000
                    var nanos = 0
                    let start = i
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                        nanos += Int(b[i] - 0x30) * scale
                        scale /= 10
                        i += 1
                    }
                    guard i > start else { return nil }
                    civil.nanosecond = nanos
                }
            }
        }
        var offsetSeconds = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(0x3a)
                let om = digits(2) ?? 0
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == b.count, civil.isValid else { return nil }
        return civil.eventTime.advanced(byNanoseconds: -Int64(offsetSeconds) * 1_000_000_000)
    }
}
