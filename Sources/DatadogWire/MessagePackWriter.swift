/// Appends MessagePack (https://github.com/msgpack/msgpack/blob/master/spec.md) to a byte array.
///
/// Hand-written rather than a dependency: the trace encoder calls it a dozen times per span at
/// hundreds of thousands of spans per second, it needs only the scalar, string, array and map
/// forms the trace agent reads, and every form here is a few lines of the spec.
/// Every integer is written in its smallest form, as the spec recommends and decoders expect.
public struct MessagePackWriter: Sendable {
    /// The encoded bytes so far.
    public var bytes: [UInt8]

    /// An empty writer; `capacity` reserves room up front.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// `nil` (0xc0).
    public mutating func writeNil() { bytes.append(0xc0) }

    /// `false` (0xc2) or `true` (0xc3).
    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 0xc3 : 0xc2) }

    /// An unsigned integer: positive fixint, uint8, uint16, uint32 or uint64.
    public mutating func writeUInt(_ value: UInt64) {
        switch value {
        case 0...0x7f:
            bytes.append(UInt8(value))
        case 0x80...0xff:
            bytes.append(0xcc)
            bytes.append(UInt8(value))
        case 0x100...0xffff:
            bytes.append(0xcd)
            appendBigEndian(UInt16(value))
        case 0x1_0000...0xffff_ffff:
            bytes.append(0xce)
            appendBigEndian(UInt32(value))
        default:
            bytes.append(0xcf)
            appendBigEndian(value)
        }
    }

    /// A signed integer: non-negative values as `writeUInt` does, negative ones as negative
    /// fixint, int8, int16, int32 or int64.
    public mutating func writeInt(_ value: Int64) {
        if value >= 0 {
            writeUInt(UInt64(value))
            return
        }
        switch value {
        case -32...(-1):
            bytes.append(UInt8(bitPattern: Int8(value)))
        case -128...(-33):
            bytes.append(0xd0)
            bytes.append(UInt8(bitPattern: Int8(value)))
        case -32_768...(-129):
            bytes.append(0xd1)
            appendBigEndian(UInt16(bitPattern: Int16(value)))
        case -2_147_483_648...(-32_769):
            bytes.append(0xd2)
            appendBigEndian(UInt32(bitPattern: Int32(value)))
        default:
            bytes.append(0xd3)
            appendBigEndian(UInt64(bitPattern: value))
        }
    }

    /// A float 64 (0xcb), always: the trace agent's `metrics` map is float64.
    public mutating func writeDouble(_ value: Double) {
        bytes.append(0xcb)
        appendBigEndian(value.bitPattern)
    }

    /// A string, by its UTF-8 bytes: fixstr, str8, str16 or str32.
    public mutating func writeString(_ value: String) {
        var value = value
        // Native strings are contiguous already; bridged or lazily built ones become so here,
        // and `count` on the UTF-8 view of a contiguous string is O(1).
        value.makeContiguousUTF8()
        let utf8 = value.utf8
        writeStringHeader(byteCount: utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// The header of a string of `byteCount` UTF-8 bytes; the caller appends the bytes.
    public mutating func writeStringHeader(byteCount: Int) {
        switch byteCount {
        case 0...31:
            bytes.append(0xa0 | UInt8(byteCount))
        case 32...0xff:
            bytes.append(0xd9)
            bytes.append(UInt8(byteCount))
        case 0x100...0xffff:
            bytes.append(0xda)
            appendBigEndian(UInt16(byteCount))
        default:
            bytes.append(0xdb)
            appendBigEndian(UInt32(truncatingIfNeeded: byteCount))
        }
    }

    /// An array header for `count` elements: fixarray, array16 or array32.
    public mutating func writeArrayHeader(_ count: Int) {
        writeContainerHeader(count, fix: 0x90, sixteen: 0xdc, thirtyTwo: 0xdd)
    }

    /// A map header for `count` key/value pairs: fixmap, map16 or map32.
    public mutating func writeMapHeader(_ count: Int) {
        writeContainerHeader(count, fix: 0x80, sixteen: 0xde, thirtyTwo: 0xdf)
    }

    /// Appends bytes that are already MessagePack (a pre-encoded element).
    public mutating func writeRaw(_ encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    /// Bytes an array or map header for `count` elements takes: 1, 3 or 5.
    public static func containerHeaderSize(_ count: Int) -> Int {
        count <= 15 ? 1 : count <= 0xffff ? 3 : 5
    }

    private mutating func writeContainerHeader(_ count: Int, fix: UInt8, sixteen: UInt8, thirtyTwo: UInt8) {
        switch count {
        case 0...15:
            bytes.append(fix | UInt8(count))
        case 16...0xffff:
            bytes.append(sixteen)
            appendBigEndian(UInt16(count))
        default:
            bytes.append(thirtyTwo)
            appendBigEndian(UInt32(truncatingIfNeeded: count))
        }
    }

    private mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.bigEndian
        withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
    }
}
