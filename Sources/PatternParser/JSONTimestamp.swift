import TraceTailCore

/// Timestamp parsing for JSON events, from bytes, without a date formatter.
public enum JSONTimestamp {
    /// The result of reading a timestamp string.
    public struct Parsed: Hashable, Sendable {
        /// The instant (UTC when the text carries no zone).
        public var time: EventTime
        /// True when the text carried `Z` or a `±hh:mm` offset.
        public var hasZone: Bool
    }

    /// Parses ISO 8601 / RFC 3339 and Python-logging forms:
    /// `YYYY-MM-DD(T|t| )HH:MM[:SS][(.|,)fraction]` then optionally `Z`, `±hh:mm`, `±hhmm` or `±hh`.
    /// The fraction may have any number of digits (beyond nanoseconds they are dropped);
    /// the `,` form is what Python's `logging` writes for `asctime`. Nil for anything else,
    /// including dates that do not exist (February 30) and leap seconds.
    public static func parseISO8601<C: Collection>(_ text: C) -> Parsed? where C.Element == UInt8 {
        // Slices and arrays are read in place; other collections are copied once.
        if let parsed = text.withContiguousStorageIfAvailable({ parseISO8601(buffer: $0) }) { return parsed }
        return Array(text).withUnsafeBufferPointer { parseISO8601(buffer: $0) }
    }

    private static func parseISO8601(buffer: UnsafeBufferPointer<UInt8>) -> Parsed? {
        var reader = ByteReader(buffer)
        guard let year = reader.digits(4), reader.skip(UInt8(ascii: "-")),
            let month = reader.digits(2), reader.skip(UInt8(ascii: "-")),
            let day = reader.digits(2)
        else { return nil }
        guard let separator = reader.next(),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ")
        else { return nil }
        guard let hour = reader.digits(2), reader.skip(UInt8(ascii: ":")), let minute = reader.digits(2) else {
            return nil
        }
        var second = 0
        if reader.skip(UInt8(ascii: ":")) {
            guard let s = reader.digits(2) else { return nil }
            second = s
        }
        var nanosecond = 0
        if reader.skip(UInt8(ascii: ".")) || reader.skip(UInt8(ascii: ",")) {
            var count = 0
            while let d = reader.digit() {
                if count < 9 { nanosecond = nanosecond * 10 + d }
                count += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 9)..<9 { nanosecond *= 10 }
        }
        var offsetSeconds = 0
        var hasZone = false
        if reader.skip(UInt8(ascii: "Z")) || reader.skip(UInt8(ascii: "z")) {
            hasZone = true
        } else if let sign = reader.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            _ = reader.next()
            guard let oh = reader.digits(2), oh <= 23 else { return nil }
            var om = 0
            if reader.skip(UInt8(ascii: ":")) {
                guard let m = reader.digits(2) else { return nil }
                om = m
            } else if let m = reader.digits(2) {
                om = m
            }
            guard om <= 59 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            hasZone = true
        }
        guard reader.atEnd else { return nil }
        let civil = CivilTime(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanosecond)
        guard civil.isValid else { return nil }
        return Parsed(
            time: civil.eventTime.advanced(byNanoseconds: -Int64(offsetSeconds) * 1_000_000_000), hasZone: hasZone)
    }

    /// Reads an epoch number's text (`1700000000`, `1700000000.123456`, `1700000000123`) exactly,
    /// choosing the unit by magnitude: below 1e11 seconds, below 1e14 milliseconds, below 1e17
    /// microseconds, else nanoseconds. Exponent forms go through `Double`. Nil for negative,
    /// non-finite or out-of-range values.
    public static func parseEpoch<C: Collection>(number text: C) -> EventTime? where C.Element == UInt8 {
        if let time = text.withContiguousStorageIfAvailable({ parseEpoch(buffer: $0) }) { return time }
        return Array(text).withUnsafeBufferPointer { parseEpoch(buffer: $0) }
    }

    private static func parseEpoch(buffer bytes: UnsafeBufferPointer<UInt8>) -> EventTime? {
        guard !bytes.isEmpty, bytes[0] != UInt8(ascii: "-") else { return nil }
        if bytes.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let value = Double(String(decoding: bytes, as: UTF8.self)) else { return nil }
            return epoch(seconds: value)
        }
        let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
        guard let whole = JSONScalars.decimal(bytes[..<dot]) else { return nil }
        let unitNanos: UInt64
        switch whole {
        case ..<100_000_000_000: unitNanos = 1_000_000_000
        case ..<100_000_000_000_000: unitNanos = 1_000_000
        case ..<100_000_000_000_000_000: unitNanos = 1_000
        default: unitNanos = 1
        }
        let (wholeNanos, overflow) = whole.multipliedReportingOverflow(by: unitNanos)
        guard !overflow, wholeNanos <= UInt64(Int64.max) else { return nil }
        var fractionNanos: UInt64 = 0
        if dot < bytes.endIndex {
            var place = unitNanos
            for byte in bytes[(dot + 1)...] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                place /= 10
                fractionNanos += UInt64(byte - 0x30) * place
            }
        }
        let (total, overflow2) = wholeNanos.addingReportingOverflow(fractionNanos)
        guard !overflow2, total <= UInt64(Int64.max) else { return nil }
        return EventTime(nanoseconds: Int64(total))
    }

    /// An epoch number given as a `Double`, unit chosen by magnitude as in `parseEpoch(number:)`.
    public static func epoch(seconds value: Double) -> EventTime? {
        guard value.isFinite, value >= 0 else { return nil }
        let nanos: Double
        switch value {
        case ..<1e11: nanos = value * 1e9
        case ..<1e14: nanos = value * 1e6
        case ..<1e17: nanos = value * 1e3
        default: nanos = value
        }
        guard nanos < 9.2e18 else { return nil }
        return EventTime(nanoseconds: Int64(nanos.rounded()))
    }
}

/// A cursor over borrowed bytes (valid only inside the `withUnsafe…` call that made it).
private struct ByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func digit() -> Int? {
        guard let b = peek(), b >= 0x30, b <= 0x39 else { return nil }
        index += 1
        return Int(b - 0x30)
    }

    /// Exactly `count` decimal digits.
    mutating func digits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let d = digit() else { return nil }
            value = value * 10 + d
        }
        return value
    }
}
