import TraceTailCore

/// Fast UUID text in and out for the emission path (Core's `description` builds several
/// intermediate arrays; at one request id per span that was the largest single cost).
enum UUIDText {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `req-<lowercase canonical uuid>`, the same text as `RequestID.description`.
    static func requestID(_ id: RequestID) -> String { render(id.uuid, prefix: true) }

    /// Lowercase canonical 8-4-4-4-12 text, the same as `UUID128.description`.
    static func canonical(_ uuid: UUID128) -> String { render(uuid, prefix: false) }

    private static func render(_ uuid: UUID128, prefix: Bool) -> String {
        let count = prefix ? 40 : 36
        return String(unsafeUninitializedCapacity: count) { buffer in
            var i = 0
            if prefix {
                for b in "req-".utf8 {
                    buffer[i] = b
                    i += 1
                }
            }
            func put(_ value: UInt64, _ n: Int) {
                var shift = (n - 1) * 4
                while shift >= 0 {
                    buffer[i] = digits[Int((value >> UInt64(shift)) & 0xf)]
                    i += 1
                    shift -= 4
                }
            }
            func dash() {
                buffer[i] = UInt8(ascii: "-")
                i += 1
            }
            put(uuid.high >> 32, 8)
            dash()
            put((uuid.high >> 16) & 0xffff, 4)
            dash()
            put(uuid.high & 0xffff, 4)
            dash()
            put(uuid.low >> 48, 4)
            dash()
            put(uuid.low & 0xffff_ffff_ffff, 12)
            return i
        }
    }

    /// Parses the canonical form from log bytes (either case); nil for anything else.
    static func parse(_ bytes: ArraySlice<UInt8>) -> UUID128? {
        guard bytes.count == 36 else { return nil }
        return bytes.withUnsafeBufferPointer { b -> UUID128? in
            var hi: UInt64 = 0
            var lo: UInt64 = 0
            var nibbles = 0
            for i in 0..<36 {
                let byte = b[i]
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                    continue
                }
                let v: UInt8
                switch byte {
                case 0x30...0x39: v = byte &- 0x30
                case 0x61...0x66: v = byte &- 0x61 &+ 10
                case 0x41...0x46: v = byte &- 0x41 &+ 10
                default: return nil
                }
                if nibbles < 16 { hi = hi << 4 | UInt64(v) } else { lo = lo << 4 | UInt64(v) }
                nibbles += 1
            }
            return UUID128(high: hi, low: lo)
        }
    }
}
