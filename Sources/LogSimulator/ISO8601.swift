import TraceTailCore

/// Parses the ISO 8601 instants the CLI accepts: `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (a space
/// may replace the `T`; no zone means UTC, as for log times).
enum ISO8601 {
    static func parse(_ text: String) -> EventTime? {
        let b = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<from + count {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"),
            b[16] == UInt8(ascii: ":"), let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2)
        else { return nil }
        var index = 19
        var nanos = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100_000_000
            let first = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                nanos += Int(b[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > first, index - first <= 9 else { return nil }
        }
        var offsetSeconds = 0
        if index < b.count {
            if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
                index += 1
            } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
                guard let h = digits(index + 1, 2), index + 3 < b.count, b[index + 3] == UInt8(ascii: ":"),
                    let m = digits(index + 4, 2)
                else { return nil }
                offsetSeconds = (h * 3600 + m * 60) * (b[index] == UInt8(ascii: "+") ? 1 : -1)
                index += 6
            }
        }
        guard index == b.count else { return nil }
        let civil = CivilTime(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanos)
        guard civil.isValid else { return nil }
        return civil.eventTime - .seconds(Int64(offsetSeconds))
    }
}
