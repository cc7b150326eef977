/// A small strict MessagePack decoder, written from the spec independently of
/// `MessagePackWriter`, so the trace tests check the writer's output rather than trust it.
indirect enum MsgPack: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// Any of the unsigned forms (positive fixint, uint 8–64).
    case uint(UInt64)
    /// Any of the negative forms (negative fixint, int 8–64).
    case int(Int64)
    case float64(Double)
    case string(String)
    case array([MsgPack])
    case map([Pair])

    struct Pair: Equatable {
        var key: MsgPack
        var value: MsgPack
    }

    struct DecodeError: Error, CustomStringConvertible {
        var description: String
    }

    /// Decodes exactly one value; trailing bytes are an error.
    static func decode(_ bytes: [UInt8]) throws -> MsgPack {
        var reader = Reader(bytes: bytes)
        let value = try reader.value()
        guard reader.offset == bytes.count else {
            throw DecodeError(description: "\(bytes.count - reader.offset) trailing bytes")
        }
        return value
    }

    var description: String {
        switch self {
        case .null: "nil"
        case .bool(let b): "\(b)"
        case .uint(let u): "\(u)"
        case .int(let i): "\(i)"
        case .float64(let d): "\(d)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[\(a.map(\.description).joined(separator: ", "))]"
        case .map(let m): "{\(m.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
        }
    }

    // MARK: Accessors that fail loudly in tests (nil on a type mismatch).

    var arrayValue: [MsgPack]? {
        if case .array(let a) = self { return a }
        return nil
    }
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    var uintValue: UInt64? {
        if case .uint(let u) = self { return u }
        return nil
    }
    /// Either integer family as Int64 (a non-negative int64 travels in an unsigned form).
    var int64Value: Int64? {
        switch self {
        case .uint(let u): Int64(exactly: u)
        case .int(let i): i
        default: nil
        }
    }
    var doubleValue: Double? {
        if case .float64(let d) = self { return d }
        return nil
    }
    /// A map with string keys as (key, value) pairs in wire order; nil for anything else.
    var stringMap: [(String, MsgPack)]? {
        guard case .map(let pairs) = self else { return nil }
        var out: [(String, MsgPack)] = []
        for pair in pairs {
            guard let key = pair.key.stringValue else { return nil }
            out.append((key, pair.value))
        }
        return out
    }
    /// The value of a string key in a map.
    subscript(key: String) -> MsgPack? {
        stringMap?.first { $0.0 == key }?.1
    }
}

private struct Reader {
    let bytes: [UInt8]
    var offset = 0

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw MsgPack.DecodeError(description: "truncated at \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bigEndian(_ count: Int) throws -> UInt64 {
        var v: UInt64 = 0
        for _ in 0..<count { v = v << 8 | UInt64(try byte()) }
        return v
    }

    mutating func raw(_ count: Int) throws -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else {
            throw MsgPack.DecodeError(description: "need \(count) bytes at \(offset)")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func string(_ count: Int) throws -> MsgPack {
        let raw = try raw(count)
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw MsgPack.DecodeError(description: "invalid UTF-8 in string at \(offset - count)")
        }
        return .string(s)
    }

    mutating func array(_ count: Int) throws -> MsgPack {
        var out: [MsgPack] = []
        for _ in 0..<count { out.append(try value()) }
        return .array(out)
    }

    mutating func map(_ count: Int) throws -> MsgPack {
        var out: [MsgPack.Pair] = []
        for _ in 0..<count {
            let key = try value()
            out.append(MsgPack.Pair(key: key, value: try value()))
        }
        return .map(out)
    }

    mutating func value() throws -> MsgPack {
        let b = try byte()
        switch b {
        case 0x00...0x7f: return .uint(UInt64(b))
        case 0x80...0x8f: return try map(Int(b & 0x0f))
        case 0x90...0x9f: return try array(Int(b & 0x0f))
        case 0xa0...0xbf: return try string(Int(b & 0x1f))
        case 0xc0: return .null
        case 0xc2: return .bool(false)
        case 0xc3: return .bool(true)
        case 0xcb: return .float64(Double(bitPattern: try bigEndian(8)))
        case 0xcc: return .uint(try bigEndian(1))
        case 0xcd: return .uint(try bigEndian(2))
        case 0xce: return .uint(try bigEndian(4))
        case 0xcf: return .uint(try bigEndian(8))
        case 0xd0: return .int(Int64(Int8(bitPattern: UInt8(try bigEndian(1)))))
        case 0xd1: return .int(Int64(Int16(bitPattern: UInt16(try bigEndian(2)))))
        case 0xd2: return .int(Int64(Int32(bitPattern: UInt32(try bigEndian(4)))))
        case 0xd3: return .int(Int64(bitPattern: try bigEndian(8)))
        case 0xd9: return try string(Int(try bigEndian(1)))
        case 0xda: return try string(Int(try bigEndian(2)))
        case 0xdb: return try string(Int(try bigEndian(4)))
        case 0xdc: return try array(Int(try bigEndian(2)))
        case 0xdd: return try array(Int(try bigEndian(4)))
        case 0xde: return try map(Int(try bigEndian(2)))
        case 0xdf: return try map(Int(try bigEndian(4)))
        case 0xe0...0xff: return .int(Int64(Int8(bitPattern: b)))
        default: throw MsgPack.DecodeError(description: "unexpected type byte 0x" + String(b, radix: 16))
        }
    }
}
