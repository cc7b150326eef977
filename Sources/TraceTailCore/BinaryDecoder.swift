/// Decodes what `BinaryEncoder` wrote (the format is described at the top of
/// `BinaryCodingFormat.swift`).
///
/// The whole input is first walked once without recursion: that rejects truncated or corrupt
/// bytes with an error naming the byte offset before any value is built (never a crash, never
/// a half-decoded value), and rebuilds the key-name table in stream order. Keyed containers
/// then look keys up, so fields may be decoded in any order and fields the bytes lack (an
/// optional added since they were written) decode as absent.
public struct BinaryDecoder: Sendable {
    /// Handed to every `init(from:)` as `Decoder.userInfo`.
    nonisolated(unsafe) public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// A decoder with no user info.
    public init() {}

    /// The value of type `type` that `bytes` holds; `bytes` must hold exactly one value.
    /// - Throws: `DecodingError.dataCorrupted` naming the byte offset for truncated or corrupt
    ///   input; `DecodingError` type mismatches and missing keys with their coding path.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try decode(type, from: $0) }
    }

    /// As `decode(_:from:)` for bytes in memory the caller owns (a file's bytes after a header);
    /// `bytes` is read only during the call.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        let state = BinaryDecodingState(bytes: bytes, userInfo: userInfo)
        let end = try state.skip(from: 0, registeringKeys: true)
        guard end == bytes.count else {
            throw state.corrupt(at: end, "\(bytes.count - end) bytes after the value")
        }
        return try state.decodeValue(type, at: 0, codingPath: [])
    }
}

/// The input and key table all containers of one `decode` share, and the reading primitives.
final class BinaryDecodingState {
    let bytes: UnsafeRawBufferPointer
    let userInfo: [CodingUserInfoKey: any Sendable]
    /// Interned key names by id, and ids by name.
    // Unchecked exclusivity for what is touched per value, as in `BinaryOutput`: no access to
    // these overlaps another.
    @exclusivity(unchecked) private(set) var keyNames: [String] = []
    @exclusivity(unchecked) private(set) var keyIDs: [String: Int] = [:]
    /// Per id, the first id of its name (a stream defining a name twice still compares equal).
    @exclusivity(unchecked) private var canonicalIDs: [Int] = []
    /// Container kinds (keyed = true) while skipping; kept to reuse its storage.
    @exclusivity(unchecked) private var skipStack: [Bool] = []

    init(bytes: UnsafeRawBufferPointer, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.bytes = bytes
        self.userInfo = userInfo
    }

    func corrupt(at offset: Int, _ message: String, codingPath: [any CodingKey] = []) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: "at byte offset \(offset): \(message)"))
    }

    @inline(__always)
    func byte(at offset: Int) throws -> UInt8 {
        guard offset >= 0, offset < bytes.count else { throw corrupt(at: offset, "input ends inside a value") }
        return bytes[offset]
    }

    /// A LEB128 varint at `offset`, which moves past it.
    func varint(_ offset: inout Int) throws -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte(at: offset)
            offset += 1
            if shift == 63, b > 1 { throw corrupt(at: start, "integer larger than 64 bits") }
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
            if shift > 63 { throw corrupt(at: start, "integer larger than 64 bits") }
        }
    }

    /// A varint count followed by that many bytes; returns where they start.
    func counted(_ offset: inout Int) throws -> Range<Int> {
        let at = offset
        let count = try varint(&offset)
        guard count <= UInt64(bytes.count - offset) else {
            throw corrupt(at: at, "a length of \(count) bytes runs past the end of the input")
        }
        let range = offset..<(offset + Int(count))
        offset = range.upperBound
        return range
    }

    func string(_ range: Range<Int>, at offset: Int) throws -> String {
        guard let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw corrupt(at: offset, "a string that is not UTF-8")
        }
        return text
    }

    /// The key of a keyed container's entry at `offset`, which moves past it.
    func key(_ offset: inout Int, registering: Bool) throws -> BinaryEntryKey {
        let at = offset
        let reference = try varint(&offset)
        switch reference {
        case BinaryTag.keyNewInterned:
            let name = try string(try counted(&offset), at: at)
            if registering {
                canonicalIDs.append(keyIDs[name] ?? keyNames.count)
                keyIDs[name] = keyIDs[name] ?? keyNames.count
                keyNames.append(name)
            }
            // Registered by the first pass, which reads every key before any container does.
            return keyIDs[name].map { .id($0) } ?? .name(name)
        case BinaryTag.keyLiteral:
            return .name(try string(try counted(&offset), at: at))
        case BinaryTag.keyInteger:
            return .int(Int(ZigZag.decode(try varint(&offset))))
        default:
            guard reference >= BinaryTag.keyFirstID else { throw corrupt(at: at, "key reference \(reference)") }
            let id = reference - BinaryTag.keyFirstID
            guard id < UInt64(keyNames.count) else { throw corrupt(at: at, "key id \(id) was never defined") }
            return .id(canonicalIDs[Int(id)])
        }
    }

    /// The offset just past the value at `offset`, walking nested containers with a stack of its
    /// own (no recursion, so nesting cannot exhaust the call stack). With `registeringKeys`,
    /// interned key names are entered into the table (done once, in stream order).
    func skip(from offset: Int, registeringKeys: Bool) throws -> Int {
        var offset = offset
        skipStack.removeAll(keepingCapacity: true)
        while true {
            if let keyed = skipStack.last {
                if try byte(at: offset) == BinaryTag.end {
                    offset += 1
                    skipStack.removeLast()
                    if skipStack.isEmpty { return offset }
                    continue
                }
                if keyed { _ = try key(&offset, registering: registeringKeys) }
            }
            let at = offset
            let tag = try byte(at: offset)
            offset += 1
            switch tag {
            case BinaryTag.null, BinaryTag.falseValue, BinaryTag.trueValue, BinaryTag.smallInteger...: break
            case BinaryTag.unsigned, BinaryTag.negative:
                let magnitude = try varint(&offset)
                if tag == BinaryTag.negative, magnitude > UInt64(Int64.max) {
                    throw corrupt(at: at, "negative integer below Int64.min")
                }
            case BinaryTag.double, BinaryTag.float:
                let width = tag == BinaryTag.double ? 8 : 4
                guard bytes.count - offset >= width else { throw corrupt(at: at, "input ends inside a number") }
                offset += width
            case BinaryTag.string, BinaryTag.bytes:
                _ = try counted(&offset)
            case BinaryTag.keyed, BinaryTag.unkeyed:
                guard skipStack.count < BinaryTag.maxDepth else {
                    throw corrupt(at: at, "containers nested deeper than \(BinaryTag.maxDepth)")
                }
                skipStack.append(tag == BinaryTag.keyed)
                continue
            case BinaryTag.end:
                throw corrupt(at: at, "end of a container where a value belongs")
            default:
                throw corrupt(at: at, "unknown tag 0x\(String(tag, radix: 16))")
            }
            if skipStack.isEmpty { return offset }
        }
    }

    // MARK: Scalars; each reads the value at `offset` and moves past it.

    func typeMismatch(_ type: Any.Type, _ tag: UInt8, at offset: Int, _ codingPath: [any CodingKey]) -> DecodingError {
        .typeMismatch(
            type,
            .init(
                codingPath: codingPath,
                debugDescription: "expected \(type), found \(BinaryTag.name(tag)) at byte offset \(offset)"))
    }

    func decodeNil(_ offset: inout Int) throws -> Bool {
        guard try byte(at: offset) == BinaryTag.null else { return false }
        offset += 1
        return true
    }

    func decodeBool(_ offset: inout Int, _ codingPath: () -> [any CodingKey]) throws -> Bool {
        let tag = try byte(at: offset)
        switch tag {
        case BinaryTag.trueValue:
            offset += 1
            return true
        case BinaryTag.falseValue:
            offset += 1
            return false
        default: throw typeMismatch(Bool.self, tag, at: offset, codingPath())
        }
    }

    /// Any integer tag, range-checked into `T` (a field may change width between versions).
    func decodeInteger<T: FixedWidthInteger>(_ offset: inout Int, _ codingPath: () -> [any CodingKey]) throws -> T {
        let at = offset
        let tag = try byte(at: offset)
        let result: T?
        switch tag {
        case BinaryTag.smallInteger...:
            offset += 1
            result = T(exactly: tag - BinaryTag.smallInteger)
        case BinaryTag.unsigned:
            offset += 1
            result = T(exactly: try varint(&offset))
        case BinaryTag.negative:
            offset += 1
            let magnitude = try varint(&offset)
            result = magnitude <= UInt64(Int64.max) ? T(exactly: ~Int64(magnitude)) : nil
        default:
            throw typeMismatch(T.self, tag, at: at, codingPath())
        }
        guard let result else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath(), debugDescription: "at byte offset \(at): integer does not fit \(T.self)"))
        }
        return result
    }

    func decodeDouble(_ offset: inout Int, _ codingPath: () -> [any CodingKey]) throws -> Double {
        let tag = try byte(at: offset)
        switch tag {
        case BinaryTag.double:
            let value = Double(bitPattern: try littleEndian(UInt64.self, at: offset + 1))
            offset += 9
            return value
        case BinaryTag.float:
            let value = Float(bitPattern: try littleEndian(UInt32.self, at: offset + 1))
            offset += 5
            return Double(value)
        case BinaryTag.unsigned, BinaryTag.smallInteger...:
            return Double(try decodeInteger(&offset, codingPath) as UInt64)
        case BinaryTag.negative:
            return Double(try decodeInteger(&offset, codingPath) as Int64)
        default:
            throw typeMismatch(Double.self, tag, at: offset, codingPath())
        }
    }

    func decodeFloat(_ offset: inout Int, _ codingPath: () -> [any CodingKey]) throws -> Float {
        if try byte(at: offset) == BinaryTag.float {
            let value = Float(bitPattern: try littleEndian(UInt32.self, at: offset + 1))
            offset += 5
            return value
        }
        return Float(try decodeDouble(&offset, codingPath))
    }

    func decodeString(_ offset: inout Int, _ codingPath: () -> [any CodingKey]) throws -> String {
        let at = offset
        let tag = try byte(at: offset)
        guard tag == BinaryTag.string else { throw typeMismatch(String.self, tag, at: at, codingPath()) }
        offset += 1
        return try string(try counted(&offset), at: at)
    }

    private func littleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) throws -> T {
        guard offset >= 0, bytes.count - offset >= MemoryLayout<T>.size else {
            throw corrupt(at: offset, "input ends inside a number")
        }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The value of type `T` at `offset` (a container or scalar).
    func decodeValue<T: Decodable>(
        _ type: T.Type, at offset: Int, codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        if let value: T = try decodePrimitive(at: offset, codingPath) { return value }
        return try T(from: BinaryValueDecoder(state: self, offset: offset, codingPath: codingPath()))
    }

    /// The value at `offset` read directly when `T` is a primitive or `[UInt8]` (the mirror of
    /// `BinaryEncodingState.encodePrimitive`: array and dictionary elements come through the
    /// generic path); nil for other types.
    @inline(__always)
    private func decodePrimitive<T>(at offset: Int, _ codingPath: () -> [any CodingKey]) throws -> T? {
        var offset = offset
        if T.self == String.self { return unsafeBitCast(try decodeString(&offset, codingPath), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try decodeInteger(&offset, codingPath) as Int, to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try decodeInteger(&offset, codingPath) as Int64, to: T.self) }
        if T.self == UInt64.self { return unsafeBitCast(try decodeInteger(&offset, codingPath) as UInt64, to: T.self) }
        if T.self == Int32.self { return unsafeBitCast(try decodeInteger(&offset, codingPath) as Int32, to: T.self) }
        if T.self == UInt32.self { return unsafeBitCast(try decodeInteger(&offset, codingPath) as UInt32, to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try decodeDouble(&offset, codingPath), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try decodeBool(&offset, codingPath), to: T.self) }
        if T.self == [UInt8].self, try byte(at: offset) == BinaryTag.bytes {
            offset += 1
            let range = try counted(&offset)
            return unsafeBitCast([UInt8](bytes[range]), to: T.self)
        }
        return nil
    }
}

/// A keyed entry's key as read: an interned name's id, a name, or an integer.
enum BinaryEntryKey {
    case id(Int)
    case name(String)
    case int(Int)
}

/// The `Decoder` of one value.
struct BinaryValueDecoder: Decoder {
    let state: BinaryDecodingState
    let offset: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try BinaryKeyedDecoder<Key>(state: state, offset: offset, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecoder(state: state, offset: offset, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BinarySingleValueDecoder(state: state, offset: offset, codingPath: codingPath)
    }
}
