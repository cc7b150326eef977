import TraceTailCore

/// Timestamp parsing for JSON events, from bytes, without a date formatter.
public enum JSONTimestamp {
    /// The result of reading a timestamp string (Core's `ISO8601.Parsed`).
    public typealias Parsed = ISO8601.Parsed

    /// ISO 8601 / RFC 3339 and Python-logging forms with a time of day (see `ISO8601.parse(bytes:)`).
    public static func parseISO8601<C: Collection>(_ text: C) -> Parsed? where C.Element == UInt8 {
        ISO8601.parse(bytes: text)
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
