/// A 128-bit UUID, packed into two integers so it hashes and compares without allocating.
///
/// OpenStack request ids (`req-<uuid>`) and instance ids are UUIDs; a 36-byte `String` key
/// costs an allocation and a 36-byte SipHash per lookup (NOTES.md: −39 % throughput).
public struct UUID128: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The first 8 bytes, big-endian.
    public var high: UInt64
    /// The last 8 bytes, big-endian.
    public var low: UInt64

    /// Creates a UUID from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses the canonical 8-4-4-4-12 form (either case). Returns nil for anything else.
    public init?<C: Collection>(canonical bytes: C) where C.Element == UInt8 {
        guard bytes.count == 36 else { return nil }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        var nibbles = 0
        var index = 0
        for byte in bytes {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard let v = Hex.nibble(byte) else { return nil }
                if nibbles < 16 { hi = hi << 4 | UInt64(v) } else { lo = lo << 4 | UInt64(v) }
                nibbles += 1
            }
            index += 1
        }
        self.init(high: hi, low: lo)
    }

    /// Parses the canonical form from a string.
    public init?(_ text: some StringProtocol) { self.init(canonical: Array(text.utf8)) }

    public static func < (lhs: UUID128, rhs: UUID128) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// Lowercase canonical form, `0f6a1c2e-…`.
    public var description: String {
        let h = Hex.string(high, digits: 16)
        let l = Hex.string(low, digits: 16)
        let hc = Array(h)
        let lc = Array(l)
        return String(hc[0..<8]) + "-" + String(hc[8..<12]) + "-" + String(hc[12..<16]) + "-" + String(lc[0..<4])
            + "-" + String(lc[4..<16])
    }
}

/// An OpenStack request id, `req-<uuid>`: local (`request_id`) or global (`global_request_id`).
public struct RequestID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The UUID after `req-`.
    public var uuid: UUID128

    /// Wraps a UUID.
    public init(uuid: UUID128) { self.uuid = uuid }

    /// Parses `req-<uuid>` (exactly 40 bytes). Returns nil for anything else.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 40 else { return nil }
        var it = bytes.makeIterator()
        for expected in "req-".utf8 {
            guard it.next() == expected else { return nil }
        }
        guard let uuid = UUID128(canonical: bytes.dropFirst(4)) else { return nil }
        self.uuid = uuid
    }

    /// Parses `req-<uuid>` from a string.
    public init?(_ text: some StringProtocol) { self.init(bytes: Array(text.utf8)) }

    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.uuid < rhs.uuid }

    /// `req-<lowercase uuid>`.
    public var description: String { "req-\(uuid)" }
}

/// A 128-bit trace id (W3C / OTLP). Datadog's 64-bit ids are zero-extended (`high == 0`).
public struct TraceID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    /// Creates a trace id from its halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The trace id whose bits are a UUID's.
    public init(_ uuid: UUID128) { self.init(high: uuid.high, low: uuid.low) }

    /// Parses 1–32 hex digits (either case), zero-extended. Returns nil for other input or all zeros.
    public init?<C: Collection>(hex bytes: C) where C.Element == UInt8 {
        guard (1...32).contains(bytes.count) else { return nil }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for byte in bytes {
            guard let v = Hex.nibble(byte) else { return nil }
            hi = hi << 4 | lo >> 60
            lo = lo << 4 | UInt64(v)
        }
        guard hi != 0 || lo != 0 else { return nil }
        self.init(high: hi, low: lo)
    }

    /// Parses a decimal unsigned 64-bit id (Datadog), zero-extended. Nil for 0, overflow or non-digits.
    public init?<C: Collection>(decimal bytes: C) where C.Element == UInt8 {
        guard let v = Decimal64.parse(bytes), v != 0 else { return nil }
        self.init(high: 0, low: v)
    }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    /// 32 lowercase hex digits.
    public var description: String { Hex.string(high, digits: 16) + Hex.string(low, digits: 16) }
}

/// A 64-bit span id.
public struct SpanID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    /// Wraps a raw id.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// Parses 1–16 hex digits. Nil for other input or zero.
    public init?<C: Collection>(hex bytes: C) where C.Element == UInt8 {
        guard (1...16).contains(bytes.count) else { return nil }
        var v: UInt64 = 0
        for byte in bytes {
            guard let n = Hex.nibble(byte) else { return nil }
            v = v << 4 | UInt64(n)
        }
        guard v != 0 else { return nil }
        self.rawValue = v
    }

    /// Parses a decimal unsigned 64-bit id. Nil for zero, overflow or non-digits.
    public init?<C: Collection>(decimal bytes: C) where C.Element == UInt8 {
        guard let v = Decimal64.parse(bytes), v != 0 else { return nil }
        self.rawValue = v
    }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// 16 lowercase hex digits.
    public var description: String { Hex.string(rawValue, digits: 16) }
}

/// Parses unsigned decimal integers from bytes with overflow checks.
public enum Decimal64 {
    /// The value of a non-empty run of ASCII digits, or nil on any other byte or overflow.
    public static func parse<C: Collection>(_ bytes: C) -> UInt64? where C.Element == UInt8 {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var v: UInt64 = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(byte - 0x30))
            guard !o1, !o2 else { return nil }
            v = a
        }
        return v
    }
}

/// Hex digits in and out.
public enum Hex {
    /// The value of one hex digit, or nil.
    @inlinable
    public static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x61...0x66: return byte - 0x61 + 10
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil
        }
    }

    /// `value` as exactly `digits` lowercase hex digits (zero-padded, high digits dropped).
    public static func string(_ value: UInt64, digits: Int) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0x30, count: digits)
        var v = value
        var i = digits - 1
        while i >= 0 {
            out[i] = table[Int(v & 0xf)]
            v >>= 4
            i -= 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// 64-bit FNV-1a, the hash DESIGN §3 fixes for derived span ids.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a 64 of some bytes.
    public static func hash64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = offsetBasis
        for b in bytes {
            h ^= UInt64(b)
            h = h &* prime
        }
        return h
    }

    /// FNV-1a 64 of a string's UTF-8 bytes.
    public static func hash64(_ text: String) -> UInt64 { hash64(text.utf8) }
}
