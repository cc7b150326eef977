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
    static func parse(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, cache: inout DateCache) -> (
        time: EventTime, hasZone: Bool
    )? {
        if let time = zoneless(p, r, cache: &cache) { return (time, false) }
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
}
