// The byte format `BinaryEncoder` writes and `BinaryDecoder` reads.
//
// Every value starts with a one-byte tag, so any value can be skipped without knowing its
// type. That is what makes the stream both writable front to back through a fixed buffer
// (no length to back-patch once bytes have gone to the file) and robust to changes of the
// types: a keyed container is a run of (key, value) pairs closed by `end`, so a reader looks
// keys up instead of relying on their order, and a field added, removed or made optional
// since the bytes were written decodes as present or absent.
//
//   0x00 nil   0x01 false   0x02 true
//   0x03 unsigned integer: LEB128 varint
//   0x04 negative integer: LEB128 varint of -1 - value (the sign lives in the tag, so a
//        non-negative signed value costs what an unsigned one does, and a negative one what
//        zigzag would: zigzag spends the low bit of every varint on the sign instead)
//   0x05 Double: 8 bytes, the IEEE bit pattern little-endian (NaN payloads and infinities kept)
//   0x06 Float: 4 bytes, likewise
//   0x07 String: varint byte count, UTF-8
//   0x08 bytes (`[UInt8]`): varint count, the bytes
//   0x09 keyed container: (key, value)* then 0x0B
//   0x0A unkeyed container: value* then 0x0B
//   0x0B end of a container
//   0x80…0xFF the integer tag − 0x80 (0…127) in the tag byte itself
//
// A key is a varint `k`: 0 = a new interned key name follows (varint count, UTF-8) and takes
// the next id; 1 = a literal name follows, not interned; 2 = an integer key follows (zigzag
// varint: it has no tag byte to hold a sign); k ≥ 12 = the interned name with id k − 12. The
// first byte of a key is therefore never 0x0B (3…11 are unused; a multi-byte varint's first byte
// has its high bit set), so where a key may start, 0x0B can only be the container's `end`.
// Names are interned in the order they first appear, so the table is rebuilt while reading and
// never has to be known up front (it could not be: the stream is written before it is complete).

/// Tag bytes of the binary coding format (see the top of `BinaryCodingFormat.swift`).
enum BinaryTag {
    static let null: UInt8 = 0x00
    static let falseValue: UInt8 = 0x01
    static let trueValue: UInt8 = 0x02
    static let unsigned: UInt8 = 0x03
    static let negative: UInt8 = 0x04
    static let double: UInt8 = 0x05
    static let float: UInt8 = 0x06
    static let string: UInt8 = 0x07
    static let bytes: UInt8 = 0x08
    static let keyed: UInt8 = 0x09
    static let unkeyed: UInt8 = 0x0A
    static let end: UInt8 = 0x0B
    /// Tags from here on carry a small non-negative integer themselves.
    static let smallInteger: UInt8 = 0x80

    /// The first varint of a key reference.
    static let keyNewInterned: UInt64 = 0
    static let keyLiteral: UInt64 = 1
    static let keyInteger: UInt64 = 2
    /// Above `end` (0x0B), so a key's first byte is never taken for the end of its container.
    static let keyFirstID: UInt64 = 12

    /// At most this many distinct key names are interned per stream; later new names are written
    /// as literals. Struct field names number in the dozens; a `[String: V]` with 100 000 keys
    /// must not make the table (held by writer and reader alike) grow with the data.
    static let internLimit = 4096

    /// Deeper containers are refused when reading, so hostile input cannot exhaust the stack.
    static let maxDepth = 256

    /// A name for `tag` in error messages.
    static func name(_ tag: UInt8) -> String {
        switch tag {
        case null: "nil"
        case falseValue, trueValue: "a Bool"
        case unsigned, negative: "an integer"
        case smallInteger...: "an integer"
        case double: "a Double"
        case float: "a Float"
        case string: "a String"
        case bytes: "bytes"
        case keyed: "a keyed container"
        case unkeyed: "an unkeyed container"
        case end: "the end of a container"
        default: "unknown tag 0x\(String(tag, radix: 16))"
        }
    }
}

/// Zigzag mapping for integer keys (they have no tag to carry the sign).
enum ZigZag {
    static func encode(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func decode(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }
}
