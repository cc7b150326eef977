import TraceTailCore

/// One JSON value of a parsed `JSONDocument`.
///
/// Strings, keys and number texts are not copied into `String`s: they are `ByteRange`s into
/// the document's `bytes` (escapes already decoded), so a parsed line allocates one byte
/// buffer plus one array per object or array, and no `String` per field.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    /// Decoded UTF-8 bytes of the string, a range into `JSONDocument.bytes`.
    case string(ByteRange)
    case array([JSONValue])
    /// Members in document order (duplicates kept; lookups return the first).
    case object([JSONMember])

    /// The members when this is an object.
    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The string's byte range when this is a string.
    public var stringRange: ByteRange? {
        if case .string(let range) = self { return range }
        return nil
    }

    /// The number when this is a number.
    public var number: JSONNumber? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// True for strings, numbers, booleans and null.
    public var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}

/// One `"key": value` pair of an object.
public struct JSONMember: Hashable, Sendable {
    /// The decoded key, a range into `JSONDocument.bytes`.
    public var key: ByteRange
    public var value: JSONValue

    public init(key: ByteRange, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON number, kept exactly as written plus its parsed forms.
///
/// Datadog ids are unsigned 64-bit integers that a `Double` cannot hold
/// (18446744073709551615), so integers keep an exact `UInt64`/`Int64` and the digit text.
public struct JSONNumber: Hashable, Sendable {
    /// The number's text as written, a range into `JSONDocument.bytes`.
    public var text: ByteRange
    /// True when written without fraction or exponent.
    public var isInteger: Bool
    /// Exact value when an integer in `Int64` range.
    public var int64: Int64?
    /// Exact value when a non-negative integer in `UInt64` range.
    public var uint64: UInt64?
    /// Nearest double (may be infinite for huge exponents; callers check `isFinite`).
    public var double: Double

    public init(text: ByteRange, isInteger: Bool, int64: Int64?, uint64: UInt64?, double: Double) {
        self.text = text
        self.isInteger = isInteger
        self.int64 = int64
        self.uint64 = uint64
        self.double = double
    }
}
