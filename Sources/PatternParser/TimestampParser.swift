import TraceTailCore

/// Log timestamps from bytes, with integer arithmetic only (NOTES: a date formatter per line
/// would cost more than the whole parse).
enum TimestampParser {
    /// The last date seen and its day number. Consecutive lines almost always share their date,
    /// so the calendar arithmetic and the day-of-month check run once per day per file, not per line.
    struct DateCache {
        var key: (UInt64, UInt16) = (0, 0)
        var days: Int64 = 0
        var valid = false
    }

    /// `HH:MM:SS` from its eight bytes loaded as one little-endian word: every digit checked and
    /// converted at once instead of six bounds-checked byte loops.
    @inline(__always)
    static func clock(_ word: UInt64) -> (Int, Int, Int)? {
        let v = UInt64(littleEndian: word)
        // Bytes 0,1 3,4 6,7 are digits; bytes 2 and 5 are ':'.
        let digits: UInt64 = 0xFFFF_00FF_FF00_FFFF
        let high = v & 0xF0F0_F0F0_F0F0_F0F0 & digits
        let low = v & 0x0F0F_0F0F_0F0F_0F0F & digits
        guard high == 0x3030_0030_3000_3030 & digits,
            (low &+ 0x0606_0606_0606_0606 & digits) & 0xF0F0_F0F0_F0F0_F0F0 == 0,
            v & ~digits == 0x0000_3A00_003A_0000
        else { return nil }
        @inline(__always) func pair(_ shift: UInt64) -> Int {
            Int((low >> shift) & 0xF) * 10 + Int((low >> (shift + 8)) & 0xF)
        }
        return (pair(0), pair(24), pair(48))
    }

    /// Parses a log timestamp: anything Core's `ISO8601` reader accepts, with a date cache the
    /// caller keeps between lines.
    /// - Returns: the time read as UTC (offset applied when present) and whether a zone was given;
    ///   nil for malformed text or impossible dates.
    ///
    /// The form oslo writes on every line, `YYYY-MM-DD[ T]HH:MM:SS[.fraction]` without a zone,
    /// is read here with the cached day and a word-wide clock; every other form (zones, no
    /// seconds, …) and every rejection goes to `ISO8601`, the project's one full reader.
    ///
    /// Times that start with a month or day name are the syslog forms: `Sep 05 09:02:08[.ffffff]`
    /// (no year: the latest year that puts it at most two days after `yearReference`) and
    /// asctime's `Thu Sep  5 09:02:08 2019`; both without a zone.
    static func parse(
        _ p: UnsafeRawBufferPointer, _ r: Range<Int>, cache: inout DateCache,
        yearReference: EventTime = EventTime(nanoseconds: 0)
    ) -> (time: EventTime, hasZone: Bool)? {
        if let time = zoneless(p, r, cache: &cache) { return (time, false) }
        if !r.isEmpty, p[r.lowerBound] >= UInt8(ascii: "A"), p[r.lowerBound] <= UInt8(ascii: "Z") {
            return named(p, r, yearReference: yearReference).map { ($0, false) }
        }
        guard let parsed = ISO8601.parse(bytes: UnsafeRawBufferPointer(rebasing: p[r])) else { return nil }
        return (parsed.time, parsed.hasZone)
    }

    /// The fast path: nil whenever the text is not exactly that form (the caller then asks the
    /// full reader, which also has the last word on invalid text).
    @inline(__always)
    private static func zoneless(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, cache: inout DateCache) -> EventTime? {
        let s = r.lowerBound
        guard r.count >= 19, let base = p.baseAddress else { return nil }
        @inline(__always) func num(_ at: Int, _ width: Int) -> Int? {
            var v = 0
            for i in (s + at)..<(s + at + width) {
                guard let d = ByteScan.digit(p[i]) else { return nil }
                v = v * 10 + d
            }
            return v
        }
        let key = (
            base.loadUnaligned(fromByteOffset: s, as: UInt64.self),
            base.loadUnaligned(fromByteOffset: s + 8, as: UInt16.self)
        )
        if !cache.valid || cache.key != key {
            guard let year = num(0, 4), p[s + 4] == UInt8(ascii: "-"), let month = num(5, 2),
                p[s + 7] == UInt8(ascii: "-"), let day = num(8, 2),
                CivilTime(year: year, month: month, day: day).isValid
            else { return nil }
            cache = DateCache(key: key, days: CivilTime.days(fromCivil: year, month, day), valid: true)
        }
        guard p[s + 10] == UInt8(ascii: " ") || p[s + 10] == UInt8(ascii: "T"),
            let (hour, minute, second) = clock(base.loadUnaligned(fromByteOffset: s + 11, as: UInt64.self)),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var i = s + 19
        var nanos = 0
        if i < r.upperBound, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") {
            i += 1
            var scale = 100_000_000
            let start = i
            while i < r.upperBound, let d = ByteScan.digit(p[i]) {
                nanos += d * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i == r.upperBound else { return nil }
        let seconds = cache.days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return EventTime(nanoseconds: seconds * 1_000_000_000 + Int64(nanos))
    }

    private static let months: [[UInt8]] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ].map { Array($0.utf8) }

    /// `Mmm dd HH:MM:SS[.fraction]` (the day space- or zero-padded) or
    /// `Www Mmm dd HH:MM:SS YYYY`; nil for anything else or an impossible date.
    static func named(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, yearReference: EventTime) -> EventTime? {
        var i = r.lowerBound
        let end = r.upperBound
        func month(at: Int) -> Int? {
            guard at + 3 <= end else { return nil }
            for (index, name) in months.enumerated()
            where p[at] == name[0] && p[at + 1] == name[1] && p[at + 2] == name[2] {
                return index + 1
            }
            return nil
        }
        func number(_ width: Int) -> Int? {
            guard i + width <= end else { return nil }
            var v = 0
            for k in i..<(i + width) {
                guard let d = ByteScan.digit(p[k]) else { return nil }
                v = v * 10 + d
            }
            i += width
            return v
        }
        func skip(_ byte: UInt8) -> Bool {
            guard i < end, p[i] == byte else { return false }
            i += 1
            return true
        }
        let space = UInt8(ascii: " ")
        var withYear = false
        var monthNumber = month(at: i)
        if monthNumber == nil {
            // asctime: a day name first, the year last.
            guard i + 4 <= end, p[i + 3] == space, let m = month(at: i + 4) else { return nil }
            monthNumber = m
            i += 4
            withYear = true
        }
        i += 3
        guard let monthNumber, skip(space) else { return nil }
        // The day: `05`, ` 5` or `5`.
        if i < end, p[i] == space { i += 1 }
        guard i < end, let first = ByteScan.digit(p[i]) else { return nil }
        i += 1
        var day = first
        if i < end, let second = ByteScan.digit(p[i]) {
            day = first * 10 + second
            i += 1
        }
        guard skip(space), let hour = number(2), skip(UInt8(ascii: ":")), let minute = number(2),
            skip(UInt8(ascii: ":")), let second = number(2), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var nanos = 0
        if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) {
            var scale = 100_000_000
            let start = i
            while i < end, let d = ByteScan.digit(p[i]) {
                nanos += d * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var year: Int
        if withYear {
            guard skip(space), let y = number(4) else { return nil }
            year = y
        } else {
            year = CivilTime(yearReference).year
        }
        guard i == end else { return nil }
        func time(_ year: Int) -> EventTime? {
            let civil = CivilTime(
                year: year, month: monthNumber, day: day, hour: hour, minute: minute, second: min(second, 59),
                nanosecond: nanos)
            return civil.isValid ? civil.eventTime : nil
        }
        if withYear { return time(year) }
        // A time more than two days after the reference is from the year before (a log of
        // December read in January); 29 February picks the latest leap year that fits.
        let latest = yearReference + .seconds(2 * 86_400)
        for _ in 0..<8 {
            if let t = time(year), t <= latest { return t }
            year -= 1
        }
        return nil
    }
}
