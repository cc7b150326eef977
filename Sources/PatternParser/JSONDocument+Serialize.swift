import TraceTailCore

extension JSONDocument {
    /// `value` as compact JSON text (keys in document order, numbers as written).
    ///
    /// Used where a nested object or array must travel as a single string attribute.
    public func serialized(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += string(n.text)
        case .string(let range): out += JSONWriter.quoted(string(range))
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                out += JSONWriter.quoted(string(member.key)) + ":"
                write(member.value, into: &out)
            }
            out += "}"
        }
    }
}
