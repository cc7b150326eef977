import TraceTailCore

/// A parsed JSON text: the value tree plus the byte buffer its strings, keys and number texts
/// point into.
///
/// `bytes` doubles as `LogEvent.storage` for JSON lines, so decoded field values are never
/// copied a second time.
public struct JSONDocument: Sendable {
    /// Decoded strings, keys and number texts, referenced by the `ByteRange`s in `root`.
    public var bytes: [UInt8]
    /// The top-level value.
    public var root: JSONValue

    /// Nesting limit of `parse` unless told otherwise: deep enough for any log line, shallow
    /// enough that recursion can never exhaust the stack.
    public static let defaultMaxDepth = 64

    /// Wraps an already built tree (for tests and synthesized documents).
    public init(bytes: [UInt8], root: JSONValue) {
        self.bytes = bytes
        self.root = root
    }

    /// Parses exactly one JSON value (RFC 8259, UTF-8, optional BOM, surrounding whitespace).
    /// Throws on any syntax error, invalid UTF-8, raw control byte in a string, nesting deeper
    /// than `maxDepth`, or bytes after the value. Never traps.
    public static func parse(_ input: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError)
        -> JSONDocument
    {
        guard let base = input.baseAddress, !input.isEmpty else { throw JSONParseError(.empty, at: 0) }
        var parser = JSONParser(base.assumingMemoryBound(to: UInt8.self), count: input.count, maxDepth: maxDepth)
        let root = try parser.parseDocument()
        return JSONDocument(bytes: parser.output, root: root)
    }

    /// Parses a byte slice; see `parse(_:maxDepth:)`.
    public static func parse(_ input: ArraySlice<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONParseError)
        -> JSONDocument
    {
        let result: Result<JSONDocument, JSONParseError> = input.withUnsafeBytes { raw in
            do throws(JSONParseError) {
                return .success(try parse(raw, maxDepth: maxDepth))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses a string's UTF-8; see `parse(_:maxDepth:)`.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONDocument {
        try parse(ArraySlice(text.utf8), maxDepth: maxDepth)
    }

    /// The bytes of a range.
    @inlinable
    public func bytes(_ range: ByteRange) -> ArraySlice<UInt8> { bytes[Int(range.start)..<Int(range.end)] }

    /// The text of a range as a `String`.
    public func string(_ range: ByteRange) -> String { String(decoding: bytes(range), as: UTF8.self) }

    /// The decoded text of a string value; nil for other values.
    public func string(_ value: JSONValue?) -> String? {
        guard case .string(let range)? = value else { return nil }
        return string(range)
    }

    /// The first member of `object` whose key equals `key` ignoring ASCII case
    /// (`Level` matches `level`). `key` should be plain ASCII.
    public func member(_ key: String, in object: [JSONMember]) -> JSONValue? {
        var key = key
        return key.withUTF8 { wanted in
            for member in object where keyEquals(member.key, wanted) { return member.value }
            return nil
        }
    }

    /// The member `key` (ASCII case ignored) of the root object; nil when absent or the root is
    /// not an object.
    public subscript(key: String) -> JSONValue? {
        guard let members = root.members else { return nil }
        return member(key, in: members)
    }

    /// True when the key at `range` equals `wanted` ignoring ASCII case.
    func keyEquals(_ range: ByteRange, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == wanted.count else { return false }
        var i = Int(range.start)
        for w in wanted {
            guard JSONDocument.lowercased(bytes[i]) == JSONDocument.lowercased(w) else { return false }
            i += 1
        }
        return true
    }

    @inlinable
    static func lowercased(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}
