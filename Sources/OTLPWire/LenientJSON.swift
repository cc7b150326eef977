/// A JSON reader that never fails: it returns what it could read before the input ended or
/// stopped being JSON. Enough for the few fields of an OTLP response, which may reach us cut
/// short; not a validator.
enum LenientJSON: Equatable {
    /// Members in order; a repeated key appears twice.
    case object([(String, LenientJSON)])
    case array([LenientJSON])
    case string(String)
    /// The number's text as written.
    case number(String)
    case bool(Bool)
    case null

    /// The value at the start of `bytes` (after white space), or nil when there is none.
    static func parse(_ bytes: [UInt8]) -> LenientJSON? {
        var reader = Reader(bytes: bytes)
        return reader.value(depth: 0)
    }

    static func == (lhs: LenientJSON, rhs: LenientJSON) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        /// Responses nest two levels; anything much deeper is not one, and recursion must end.
        static let maxDepth = 32

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func value(depth: Int) -> LenientJSON? {
            skipSpace()
            guard index < bytes.count, depth < Self.maxDepth else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""): return .string(string())
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        private mutating func object(depth: Int) -> LenientJSON {
            index += 1
            var members: [(String, LenientJSON)] = []
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { break }
                let key = string()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { break }
                index += 1
                guard let value = value(depth: depth + 1) else { break }
                members.append((key, value))
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { break }
                index += 1
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1 }
            return .object(members)
        }

        private mutating func array(depth: Int) -> LenientJSON {
            index += 1
            var elements: [LenientJSON] = []
            while let element = value(depth: depth + 1) {
                elements.append(element)
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { break }
                index += 1
            }
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
            return .array(elements)
        }

        /// A string from its opening quote; an unterminated one ends with the input.
        private mutating func string() -> String {
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { break }
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    continue
                }
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"): out += unicodeEscape()
                default: out.append(escaped)  // `"`, `\`, `/`
                }
            }
            // A cut may split a UTF-8 sequence; decoding replaces what is broken.
            return String(decoding: out, as: UTF8.self)
        }

        /// The UTF-8 of `\uXXXX` (the `\u` read), joining a surrogate pair when one follows.
        private mutating func unicodeEscape() -> [UInt8] {
            guard let high = hex4() else { return [] }
            var scalar = Unicode.Scalar(high)
            if (0xD800..<0xDC00).contains(high), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                bytes[index + 1] == UInt8(ascii: "u")
            {
                index += 2
                if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                    scalar = Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00))
                }
            }
            return Array(String(Character(scalar ?? "\u{FFFD}")).utf8)
        }

        private mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else {
                index = bytes.count
                return nil
            }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                guard let digit = hexValue(byte) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            index += 4
            return value
        }

        private func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        private mutating func number() -> LenientJSON? {
            let start = index
            while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                || byte == UInt8(ascii: "E")
        }

        private mutating func literal(_ word: String, _ result: LenientJSON) -> LenientJSON? {
            let expected = Array(word.utf8)
            guard bytes[index...].starts(with: expected) else { return nil }
            index += expected.count
            return result
        }

        private mutating func skipSpace() {
            while index < bytes.count,
                bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
            {
                index += 1
            }
        }
    }
}
