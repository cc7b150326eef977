import TraceTailCore

/// Resumable 64-bit FNV-1a: the same function as Core's `FNV1a.hash64`, fed piece by piece.
///
/// DESIGN §3 derives span ids from strings such as `nova-compute/req-0f6a…`. Hashing the pieces
/// straight from the log bytes (and resuming from a cached `<service>/` state) gives the same
/// value as hashing the joined string, without building that string.
struct FNVStream {
    /// The hash of everything added so far.
    var state: UInt64

    /// A stream that has hashed nothing (the FNV offset basis).
    init() { state = FNV1a.offsetBasis }

    /// A stream resumed from a previous `state`: FNV-1a of a prefix is the state after it.
    init(resuming state: UInt64) { self.state = state }

    @inline(__always)
    mutating func add(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* FNV1a.prime
    }

    mutating func add(_ bytes: ArraySlice<UInt8>) {
        var h = state
        bytes.withUnsafeBufferPointer { buffer in
            for b in buffer { h = (h ^ UInt64(b)) &* FNV1a.prime }
        }
        state = h
    }

    mutating func add(_ bytes: [UInt8]) { add(bytes[...]) }

    mutating func add(_ text: String) {
        for b in text.utf8 { add(b) }
    }

    /// The decimal digits of `value` (with a leading `-` when negative), as `String(value)` writes them.
    mutating func add(decimal value: Int) {
        if value < 0 { add(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            add(0x30 + UInt8(truncatingIfNeeded: magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    /// `value` as exactly `digits` lowercase hex digits, as `Hex.string(value, digits:)` writes it.
    mutating func add(hex value: UInt64, digits: Int) {
        var shift = (digits - 1) * 4
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & 0xf)
            add(nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10)
            shift -= 4
        }
    }

    /// `req-<lowercase canonical uuid>`, the canonical text of a request id.
    mutating func add(requestID: RequestID) {
        add(UInt8(ascii: "r"))
        add(UInt8(ascii: "e"))
        add(UInt8(ascii: "q"))
        add(UInt8(ascii: "-"))
        let hi = requestID.uuid.high
        let lo = requestID.uuid.low
        add(hex: hi >> 32, digits: 8)
        add(UInt8(ascii: "-"))
        add(hex: (hi >> 16) & 0xffff, digits: 4)
        add(UInt8(ascii: "-"))
        add(hex: hi & 0xffff, digits: 4)
        add(UInt8(ascii: "-"))
        add(hex: lo >> 48, digits: 4)
        add(UInt8(ascii: "-"))
        add(hex: lo & 0xffff_ffff_ffff, digits: 12)
    }
}
