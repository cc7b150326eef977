// Codable forms of Core's values, for checkpoints (DESIGN §7: the open correlation and
// aggregation state is written with the file offsets). Ids are written as the text they are
// logged as (hex, `req-…`) because JSON numbers lose precision past 2^53 in many readers.

extension EventTime: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(nanoseconds: try decoder.singleValueContainer().decode(Int64.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(nanoseconds)
    }
}

extension EventDuration: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(nanoseconds: try decoder.singleValueContainer().decode(Int64.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(nanoseconds)
    }
}

/// A value written in checkpoints as its text (`description`) and read back with `parse`;
/// `shape` names the expected form in a decoding error.
protocol CodableAsText: Codable, CustomStringConvertible {
    static func parse(_ text: String) -> Self?
    static var shape: String { get }
}

extension CodableAsText {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = Self.parse(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not \(Self.shape)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension UUID128: CodableAsText {
    static func parse(_ text: String) -> UUID128? { UUID128(text) }
    static var shape: String { "a canonical UUID" }
}

extension RequestID: CodableAsText {
    static func parse(_ text: String) -> RequestID? { RequestID(text) }
    static var shape: String { "a req-<uuid> id" }
}

extension TraceID: CodableAsText {
    // Not `init(hex:)`: that refuses all zeros, which a stored value may legitimately be.
    static func parse(_ text: String) -> TraceID? {
        let bytes = Array(text.utf8)
        guard bytes.count == 32, let high = HexWord.parse(bytes[0..<16]), let low = HexWord.parse(bytes[16..<32])
        else { return nil }
        return TraceID(high: high, low: low)
    }
    static var shape: String { "32 hex digits" }
}

extension SpanID: CodableAsText {
    static func parse(_ text: String) -> SpanID? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, let value = HexWord.parse(bytes[...]) else { return nil }
        return SpanID(value)
    }
    static var shape: String { "16 hex digits" }
}

extension SourceID: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(UInt32.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension ByteRange: Codable {
    /// `[start, end]`: the pair is written for every field of every held line, so it is kept short.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        self.init(start: Int(try container.decode(Int32.self)), end: Int(try container.decode(Int32.self)))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(start)
        try container.encode(end)
    }
}

extension PatternName: Codable {
    /// Written as the name: ids are an index into this process's intern table, meaningless in
    /// the next process.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

extension LogLevel: Codable {}
extension UnmatchedReason: Codable {}
extension Phase: Codable {}
extension CTAEventType: Codable {}

extension AttributeValue: Codable {
    private enum CodingKeys: String, CodingKey { case string, int, double, bool }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let value = try container.decodeIfPresent(String.self, forKey: .string) {
            self = .string(value)
        } else if let value = try container.decodeIfPresent(Int.self, forKey: .int) {
            self = .int(value)
        } else if let value = try container.decodeIfPresent(CheckpointDouble.self, forKey: .double) {
            self = .double(value.value)
        } else {
            self = .bool(try container.decode(Bool.self, forKey: .bool))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .string(let value): try container.encode(value, forKey: .string)
        case .int(let value): try container.encode(value, forKey: .int)
        case .double(let value): try container.encode(CheckpointDouble(value), forKey: .double)
        case .bool(let value): try container.encode(value, forKey: .bool)
        }
    }
}

/// A `Double` that survives any JSON encoder: finite values as numbers, others as `"inf"`,
/// `"-inf"` or `"nan"`. Values parsed from input (a `latency_ms` of `1e999`) can be infinite,
/// and `JSONEncoder` refuses those by default: one hostile line must not make every later
/// checkpoint fail.
public struct CheckpointDouble: Codable, Sendable, Hashable {
    /// The value.
    public var value: Double

    /// Wraps `value`.
    public init(_ value: Double) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else if let parsed = Double(try container.decode(String.self)) {
            value = parsed
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isFinite { try container.encode(value) } else { try container.encode(String(value)) }
    }
}

/// Exactly-n hex digits to an integer, zero allowed.
enum HexWord {
    static func parse(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard let nibble = Hex.nibble(byte) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }
}
