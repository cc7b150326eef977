import TraceTailCore

/// Non-generic readers for the small values of a JSON line.
///
/// Core's `LogLevel(bytes:)`, `RequestID(bytes:)`, `Decimal64.parse` … are generic across a
/// module boundary, so every call goes through witness tables (and `LogLevel` builds a
/// `String`); on the per-line path these concrete versions cost a fraction of that.
enum JSONScalars {
    /// `LogLevel` of a name in any case (`INFO`, `warn`, `Fatal`, …).
    static func level(_ bytes: ArraySlice<UInt8>) -> LogLevel? {
        func equals(_ name: StaticString) -> Bool {
            guard bytes.count == name.utf8CodeUnitCount else { return false }
            let wanted = name.utf8Start
            var i = 0
            for b in bytes {
                guard b & 0xDF == wanted[i] else { return false }  // ASCII upper-case fold
                i += 1
            }
            return true
        }
        switch bytes.count {
        case 4: return equals("INFO") ? .info : equals("WARN") ? .warning : nil
        case 5:
            return equals("DEBUG")
                ? .debug
                : equals("ERROR")
                    ? .error
                    : equals("TRACE")
                        ? .trace
                        : equals("AUDIT") ? .audit : equals("FATAL") ? .critical : nil
        case 7: return equals("WARNING") ? .warning : nil
        case 8: return equals("CRITICAL") ? .critical : nil
        default: return nil
        }
    }

    /// A canonical 8-4-4-4-12 UUID, either case.
    static func uuid(_ bytes: ArraySlice<UInt8>) -> UUID128? { UUID128(canonical: bytes) }

    /// `req-<uuid>`, or a bare UUID (some services log the id without its prefix).
    static func requestID(_ bytes: ArraySlice<UInt8>) -> RequestID? {
        if bytes.count == 40, bytes.starts(with: "req-".utf8) { return uuid(bytes.dropFirst(4)).map(RequestID.init) }
        return uuid(bytes).map(RequestID.init)
    }

    /// An unsigned decimal that fits 64 bits; nil on any other byte, overflow or empty input.
    static func decimal<C: Collection<UInt8>>(_ bytes: C) -> UInt64? { Decimal64.parse(bytes) }

    /// 1…`maxDigits` hex digits (≤ 32) as a 128-bit value; nil for other input.
    static func hex(_ bytes: ArraySlice<UInt8>, maxDigits: Int) -> (high: UInt64, low: UInt64)? {
        guard (1...maxDigits).contains(bytes.count) else { return nil }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for byte in bytes {
            guard let v = Hex.nibble(byte) else { return nil }
            hi = hi << 4 | lo >> 60
            lo = lo << 4 | UInt64(v)
        }
        return (hi, lo)
    }
}
