import TraceTailCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Field conversions straight from line bytes: no `String`, no allocation. Core has generic
/// equivalents, but generic code called across a module boundary is not specialised, and
/// these run several times per line.
enum ByteScan {
    @inline(__always)
    static func digit(_ b: UInt8) -> Int? {
        let d = Int(b) &- 48
        return d >= 0 && d <= 9 ? d : nil
    }

    /// Non-negative decimal integer of at most 18 digits (so it cannot overflow).
    static func int(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int? {
        guard !r.isEmpty, r.count <= 18, let base = p.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return nil
        }
        // At most 18 digits cannot overflow, so the arithmetic is unchecked; a non-digit is
        // caught by one test of the accumulated bits after the loop.
        var v = 0
        var bad: UInt8 = 0
        var i = r.lowerBound
        while i < r.upperBound {
            let d = base[i] &- 48
            bad |= d > 9 ? 1 : 0
            v = v &* 10 &+ Int(d)
            i &+= 1
        }
        return bad == 0 ? v : nil
    }

    /// Unsigned 64-bit decimal (Datadog ids), overflow-checked.
    static func uint64(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> UInt64? {
        guard !r.isEmpty, r.count <= 20 else { return nil }
        var v: UInt64 = 0
        for i in r {
            guard let d = digit(p[i]) else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            v = a
        }
        return v
    }

    /// 1–16 hex digits.
    static func hex64(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> UInt64? {
        guard !r.isEmpty, r.count <= 16 else { return nil }
        var v: UInt64 = 0
        for i in r {
            guard let n = Hex.nibble(p[i]) else { return nil }
            v = v << 4 | UInt64(n)
        }
        return v
    }

    /// 1–32 hex digits as a trace id (nil when all zero).
    static func traceIDHex(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> TraceID? {
        guard !r.isEmpty, r.count <= 32 else { return nil }
        let split = max(r.lowerBound, r.upperBound - 16)
        let low = hex64(p, split..<r.upperBound)
        let high = split > r.lowerBound ? hex64(p, r.lowerBound..<split) : 0
        guard let low, let high, low != 0 || high != 0 else { return nil }
        return TraceID(high: high, low: low)
    }

    /// Eight hex digits (as one little-endian word, first digit in the low byte) to their
    /// 32-bit value; nil when any byte is not a hex digit. Eight digits are checked and converted
    /// with a handful of word operations instead of eight table lookups.
    @inline(__always)
    static func hex8(_ word: UInt64) -> UInt64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let v = UInt64(littleEndian: word)
        guard v & high == 0 else { return nil }
        // Per byte x < 0x80: x + (0x80 - lo) has its top bit set iff x >= lo; no carries
        // cross bytes. Digit: 0x30...0x39; letter (case folded): 0x61...0x66.
        let digit = (v &+ ones &* 0x50) & ~(v &+ ones &* 0x46)
        let folded = v | ones &* 0x20
        let letter = (folded &+ ones &* 0x1F) & ~(folded &+ ones &* 0x19)
        guard (digit | letter) & high == high else { return nil }
        // Nibble value: low four bits, plus 9 for letters (bit 6 set).
        let nibbles = (v & 0x0F0F_0F0F_0F0F_0F0F) &+ ((v >> 6) & ones) &* 9
        // Pack: byte i holds digit i, most significant first.
        let pairs = ((nibbles & 0x000F_000F_000F_000F) << 4) | ((nibbles >> 8) & 0x000F_000F_000F_000F)
        return (pairs & 0xFF) << 24 | ((pairs >> 16) & 0xFF) << 16 | ((pairs >> 32) & 0xFF) << 8 | (pairs >> 48) & 0xFF
    }

    /// `8-4-4-4-12` hex UUID.
    static func uuid(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> UUID128? {
        guard r.count == 36, let base = p.baseAddress else { return nil }
        let s = r.lowerBound
        let dash = UInt8(ascii: "-")
        guard p[s + 8] == dash, p[s + 13] == dash, p[s + 18] == dash, p[s + 23] == dash else { return nil }
        @inline(__always) func word(_ at: Int) -> UInt64 { base.loadUnaligned(fromByteOffset: s + at, as: UInt64.self) }
        @inline(__always) func half(_ at: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: s + at, as: UInt32.self)))
        }
        // Digits 0-7, 8-15 (two groups of four), 16-23 (two groups of four), 24-31.
        guard let a = hex8(word(0)),
            let b = hex8(UInt64(littleEndian: half(9) | half(14) << 32)),
            let c = hex8(UInt64(littleEndian: half(19) | half(24) << 32)),
            let d = hex8(word(28))
        else { return nil }
        return UUID128(high: a << 32 | b, low: c << 32 | d)
    }

    /// `req-<uuid>`.
    static func requestID(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> RequestID? {
        guard r.count == 40, p[r.lowerBound] == UInt8(ascii: "r"), p[r.lowerBound + 1] == UInt8(ascii: "e"),
            p[r.lowerBound + 2] == UInt8(ascii: "q"), p[r.lowerBound + 3] == UInt8(ascii: "-"),
            let uuid = uuid(p, (r.lowerBound + 4)..<r.upperBound)
        else { return nil }
        return RequestID(uuid: uuid)
    }

    /// True for the placeholders oslo writes for an absent value: `-`, `None`, empty.
    static func isAbsent(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        switch r.count {
        case 0: return true
        case 1: return p[r.lowerBound] == UInt8(ascii: "-")
        case 4:
            return p[r.lowerBound] == UInt8(ascii: "N") && p[r.lowerBound + 1] == UInt8(ascii: "o")
                && p[r.lowerBound + 2] == UInt8(ascii: "n") && p[r.lowerBound + 3] == UInt8(ascii: "e")
        default: return false
        }
    }

    /// A decimal number scaled by 10^`scale` (seconds → ms is scale 3). Computed as one
    /// integer divided by one power of ten, so `0.2477829` s becomes exactly `247.7829` ms.
    static func decimal(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, scale: Int) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = -1
        var i = r.lowerBound
        var negative = false
        if i < r.upperBound, p[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        while i < r.upperBound {
            let b = p[i]
            if b == UInt8(ascii: ".") {
                guard fraction < 0 else { return nil }
                fraction = 0
            } else if let d = digit(b) {
                guard digits < 18 else { return slowDecimal(p, r, scale: scale) }
                mantissa = mantissa * 10 + UInt64(d)
                digits += 1
                if fraction >= 0 { fraction += 1 }
            } else {
                return slowDecimal(p, r, scale: scale)
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        let exponent = scale - max(fraction, 0)
        let value =
            exponent >= 0 ? Double(mantissa) * pow10(exponent) : Double(mantissa) / pow10(-exponent)
        return negative ? -value : value
    }

    private static func pow10(_ n: Int) -> Double {
        var v = 1.0
        for _ in 0..<n { v *= 10 }
        return v
    }

    /// Exponents and other rare spellings.
    private static func slowDecimal(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, scale: Int) -> Double? {
        guard let v = Double(String(decoding: UnsafeRawBufferPointer(rebasing: p[r]), as: UTF8.self)) else {
            return nil
        }
        return v * pow10(scale)
    }

    /// Log level without building a `String` (oslo writes upper case; other cases fall back).
    static func level(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> LogLevel? {
        let s = r.lowerBound
        switch (r.count, r.isEmpty ? 0 : p[s]) {
        case (4, UInt8(ascii: "I")) where p[s + 3] == UInt8(ascii: "O"): return .info
        case (5, UInt8(ascii: "D")) where p[s + 4] == UInt8(ascii: "G"): return .debug
        case (5, UInt8(ascii: "E")) where p[s + 4] == UInt8(ascii: "R"): return .error
        case (7, UInt8(ascii: "W")) where p[s + 6] == UInt8(ascii: "G"): return .warning
        case (8, UInt8(ascii: "C")) where p[s + 7] == UInt8(ascii: "L"): return .critical
        default: return LogLevel(bytes: UnsafeRawBufferPointer(rebasing: p[r]))
        }
    }

    /// Offset of `needle` in `haystack`: `memchr` for the needle's anchor byte, `memcmp` for the
    /// whole (glibc's `memmem` is a GNU extension Swift does not import).
    @inline(__always)
    static func find(_ needle: ByteLiteral, in haystack: UnsafeRawBufferPointer) -> Int? {
        find(needle.bytes, anchor: needle.anchor, in: haystack)
    }

    /// `find` on a `LiteralView`.
    @inline(__always)
    static func find(_ needle: LiteralView, in haystack: UnsafeRawBufferPointer) -> Int? {
        find(needle.bytes, anchor: needle.anchor, in: haystack)
    }

    @inline(__always)
    private static func find(_ n: UnsafeRawBufferPointer, anchor: Int, in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let h = haystack.baseAddress, let np = n.baseAddress, !n.isEmpty, n.count <= haystack.count else {
            return nil
        }
        let byte = Int32(n[anchor])
        let first = n[0]
        let final = n[n.count - 1]
        // Candidate starts are 0...last; the anchor byte sits `anchor` bytes after a start.
        let last = haystack.count - n.count
        var start = 0
        while start <= last {
            guard let hit = memchr(h + start + anchor, byte, last - start + 1) else { return nil }
            let at = h.distance(to: UnsafeRawPointer(hit)) - anchor
            // First and last byte inline before the call: most false candidates end here
            // (the `/` of every path segment for `HTTP/1.`).
            if haystack[at] == first, haystack[at + n.count - 1] == final, memcmp(h + at, np, n.count) == 0 {
                return at
            }
            start = at + 1
        }
        return nil
    }

    /// The line without its ANSI control sequences (`ESC [ params final`, as coloured log
    /// formats write them), or nil when it holds no ESC byte (the common case: one `memchr`).
    /// A lone ESC, or one whose sequence never ends, is kept.
    static func removingANSISequences(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let esc: UInt8 = 0x1B
        let first: Int? = line.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base, Int32(esc), raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        guard let first else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = line.startIndex
        out.append(contentsOf: line[i..<(i + first)])
        i += first
        while i < line.endIndex {
            let b = line[i]
            if b == esc, i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: "[") {
                // Parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E.
                var j = i + 2
                while j < line.endIndex, line[j] >= 0x30 && line[j] <= 0x3F { j += 1 }
                while j < line.endIndex, line[j] >= 0x20 && line[j] <= 0x2F { j += 1 }
                if j < line.endIndex, line[j] >= 0x40 && line[j] <= 0x7E {
                    i = j + 1
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return out[...]
    }
}
