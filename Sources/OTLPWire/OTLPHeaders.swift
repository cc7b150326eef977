/// Request headers configured for an OTLP receiver, whose values are secrets (API keys,
/// bearer tokens).
///
/// `description`, `debugDescription`, interpolation, `dump` and the printing of any value that
/// holds them show the names only, each value as `<redacted>`. Only `fields` and `value(for:)`,
/// read where the request is built, give the values.
public struct OTLPHeaders: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private struct Field: Sendable, Hashable {
        let name: String
        let value: String
    }

    private let storage: [Field]

    /// Headers from name-value pairs, in order; a later pair replaces an earlier one whose name
    /// is the same but for case.
    public init(_ fields: [(name: String, value: String)] = []) {
        var storage: [Field] = []
        for (name, value) in fields {
            if let i = storage.firstIndex(where: { Self.sameName($0.name, name) }) { storage.remove(at: i) }
            storage.append(Field(name: name, value: value))
        }
        self.storage = storage
    }

    /// The headers as name-value pairs, for the request.
    public var fields: [(name: String, value: String)] { storage.map { ($0.name, $0.value) } }

    /// The names, in order.
    public var names: [String] { storage.map(\.name) }

    /// The value of the header `name` (any case), or nil.
    public func value(for name: String) -> String? {
        storage.first { Self.sameName($0.name, name) }?.value
    }

    /// True when there are none.
    public var isEmpty: Bool { storage.isEmpty }

    /// `[authorization: <redacted>, x-scope-orgid: <redacted>]`.
    public var description: String {
        "[" + storage.map { "\($0.name): <redacted>" }.joined(separator: ", ") + "]"
    }

    /// The same as `description`.
    public var debugDescription: String { description }

    /// The names only, so `dump` and mirrors see no value.
    public var customMirror: Mirror { Mirror(self, children: ["names": names]) }

    static func sameName(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
}
