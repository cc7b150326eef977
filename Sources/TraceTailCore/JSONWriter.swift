/// Minimal JSON text builder for the output schema (DESIGN §5): no Foundation, stable key order.
public struct JSONWriter: Sendable {
    /// The text written so far.
    public private(set) var output: String = ""
    private var needsComma: [Bool] = []

    public init() {}

    /// `value` as a JSON number: integers without a fraction, others in Swift's shortest form.
    /// Non-finite values become `null` (JSON has no NaN).
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// `text` as a quoted JSON string with the mandatory escapes.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + Hex.string(UInt64(scalar.value), digits: 2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    /// Emits the comma before a value or key when one is due.
    private mutating func prepare() {
        if pendingKey {
            pendingKey = false
            return
        }
        if let last = needsComma.last {
            if last { output += "," }
            needsComma[needsComma.count - 1] = true
        }
    }
    private var pendingKey = false

    /// Opens an object (at the top level, as an array element, or as the value of a key).
    public mutating func beginObject() {
        prepare()
        output += "{"
        needsComma.append(false)
    }
    /// Closes the innermost object.
    public mutating func endObject() {
        needsComma.removeLast()
        output += "}"
    }
    /// Opens an array.
    public mutating func beginArray() {
        prepare()
        output += "["
        needsComma.append(false)
    }
    /// Closes the innermost array.
    public mutating func endArray() {
        needsComma.removeLast()
        output += "]"
    }
    /// Writes a key; the next call writes its value.
    public mutating func key(_ name: String) {
        prepare()
        output += JSONWriter.quoted(name) + ":"
        pendingKey = true
    }

    private mutating func value(raw: String) {
        prepare()
        output += raw
    }

    /// Writes a string value (or `null` when nil).
    public mutating func string(_ v: String?) { value(raw: v.map(JSONWriter.quoted) ?? "null") }
    /// Writes an integer value (or `null`).
    public mutating func int<I: BinaryInteger>(_ v: I?) { value(raw: v.map { String($0) } ?? "null") }
    /// Writes a number value (or `null`).
    public mutating func double(_ v: Double?) { value(raw: v.map(JSONWriter.number) ?? "null") }
    /// Writes a boolean value (or `null`).
    public mutating func bool(_ v: Bool?) { value(raw: v.map { $0 ? "true" : "false" } ?? "null") }
    /// Writes `null`.
    public mutating func null() { value(raw: "null") }

    /// Writes an attribute value with its natural JSON type.
    public mutating func attribute(_ v: AttributeValue) {
        switch v {
        case .string(let s): string(s)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .bool(let b): bool(b)
        }
    }
}
