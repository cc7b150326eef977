import TraceTailCore

/// Strict RFC 8259 recursive-descent parser over raw bytes (internal; see `JSONDocument.parse`).
///
/// Strings, keys and number texts are appended to one output buffer and referenced by range.
/// Every read is bounds-checked against `end`, nesting is capped at `maxDepth` (so a line of
/// 10 000 `[` fails fast instead of overflowing the stack), invalid UTF-8 and raw control
/// bytes are rejected, and lone surrogate escapes decode to U+FFFD.
struct JSONParser: ~Copyable {
    private let input: UnsafePointer<UInt8>
    private var position: Int
    private let end: Int
    private let maxDepth: Int
    var output: [UInt8]

    /// Reads `count` bytes at `input` (valid for the parser's whole life).
    init(_ input: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.input = input
        self.position = 0
        self.end = count
        self.maxDepth = maxDepth
        self.output = []
        self.output.reserveCapacity(count + 16)
    }

    /// Appends `input[from..<to]` with one copy.
    private mutating func copy(from: Int, to: Int) {
        output.append(contentsOf: UnsafeBufferPointer(start: input + from, count: to - from))
    }

    /// Parses exactly one value surrounded by optional whitespace (and an optional UTF-8 BOM).
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        guard end < Int(Int32.max) / 2 else { throw JSONParseError(.tooLarge, at: 0) }
        if end >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { position = 3 }
        skipWhitespace()
        guard position < end else { throw JSONParseError(.empty, at: position) }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == end else { throw JSONParseError(.trailingBytes, at: position) }
        return value
    }

    private mutating func skipWhitespace() {
        while position < end {
            switch input[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func fail(_ reason: JSONParseError.Reason) -> JSONParseError {
        JSONParseError(position >= end && reason == .unexpectedByte ? .unexpectedEnd : reason, at: position)
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < end else { throw fail(.unexpectedEnd) }
        switch input[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw fail(.unexpectedByte)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard end - position >= count else {
            position = end
            throw fail(.unexpectedEnd)
        }
        let bytes = literal.utf8Start
        for i in 0..<count where input[position + i] != bytes[i] {
            position += i
            throw fail(.unexpectedByte)
        }
        position += count
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail(.tooDeep) }
        position += 1  // {
        var members: [JSONMember] = []
        members.reserveCapacity(8)
        skipWhitespace()
        if position < end, input[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < end else { throw fail(.unexpectedEnd) }
            guard input[position] == UInt8(ascii: "\"") else { throw fail(.unexpectedByte) }
            let key = try parseString()
            skipWhitespace()
            guard position < end else { throw fail(.unexpectedEnd) }
            guard input[position] == UInt8(ascii: ":") else { throw fail(.unexpectedByte) }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(JSONMember(key: key, value: value))
            skipWhitespace()
            guard position < end else { throw fail(.unexpectedEnd) }
            switch input[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(members)
            default: throw fail(.unexpectedByte)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail(.tooDeep) }
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < end, input[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < end else { throw fail(.unexpectedEnd) }
            switch input[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(elements)
            default: throw fail(.unexpectedByte)
            }
        }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote; appends the decoded bytes to `output`.
    private mutating func parseString() throws(JSONParseError) -> ByteRange {
        position += 1  // "
        let start = output.count
        while true {
            // Copy the longest run of plain ASCII in one go.
            let runStart = position
            while position < end {
                let b = input[position]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
                position += 1
            }
            if position > runStart {
                copy(from: runStart, to: position)
            }
            guard position < end else { throw fail(.unexpectedEnd) }
            let b = input[position]
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return ByteRange(start: start, end: output.count)
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0x80...:
                try copyMultiByteScalar()
            default:
                throw fail(.controlCharacter)
            }
        }
    }

    /// Validates one UTF-8 multi-byte sequence (no overlongs, surrogates or > U+10FFFF) and copies it.
    private mutating func copyMultiByteScalar() throws(JSONParseError) {
        let lead = input[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default: throw fail(.invalidUTF8)
        }
        guard end - position >= length else { throw fail(.invalidUTF8) }
        guard secondRange.contains(input[position + 1]) else { throw fail(.invalidUTF8) }
        for i in 2..<length where input[position + i] & 0xC0 != 0x80 {
            throw fail(.invalidUTF8)
        }
        copy(from: position, to: position + length)
        position += length
    }

    private mutating func parseEscape() throws(JSONParseError) {
        position += 1  // backslash
        guard position < end else { throw fail(.unexpectedEnd) }
        let c = input[position]
        position += 1
        switch c {
        case UInt8(ascii: "\""): output.append(0x22)
        case UInt8(ascii: "\\"): output.append(0x5C)
        case UInt8(ascii: "/"): output.append(0x2F)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4()
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate needs a following \uDC00–\uDFFF; otherwise it stands alone.
                if end - position >= 6, input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u"),
                    let low = hex4(at: position + 2), (0xDC00...0xDFFF).contains(low)
                {
                    position += 6
                    appendScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    appendScalar(0xFFFD)
                }
            case 0xDC00...0xDFFF:
                appendScalar(0xFFFD)
            default:
                appendScalar(unit)
            }
        default:
            position -= 1
            throw fail(.invalidEscape)
        }
    }

    private func hex4(at index: Int) -> UInt32? {
        guard end - index >= 4 else { return nil }
        var value: UInt32 = 0
        for i in 0..<4 {
            guard let n = Hex.nibble(input[index + i]) else { return nil }
            value = value << 4 | UInt32(n)
        }
        return value
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard let value = hex4(at: position) else {
            throw end - position < 4 ? fail(.unexpectedEnd) : fail(.invalidEscape)
        }
        position += 4
        return value
    }

    private mutating func appendScalar(_ value: UInt32) {
        switch value {
        case 0..<0x80:
            output.append(UInt8(value))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | value >> 6))
            output.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | value >> 12))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        default:
            output.append(UInt8(0xF0 | value >> 18))
            output.append(UInt8(0x80 | value >> 12 & 0x3F))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        }
    }

    // MARK: Numbers

    private func isDigit(_ index: Int) -> Bool {
        index < end && input[index] >= UInt8(ascii: "0") && input[index] <= UInt8(ascii: "9")
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        let negative = input[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard isDigit(position) else { throw position >= end ? fail(.unexpectedEnd) : fail(.invalidNumber) }
        // Exact integer accumulation (overflow-checked) and up to 19 significant digits for the fast double path.
        var magnitude: UInt64 = 0
        var overflow = false
        var significant: UInt64 = 0
        var significantDigits = 0
        var droppedDigits = 0
        if input[position] == UInt8(ascii: "0") {
            position += 1
            guard !isDigit(position) else { throw fail(.invalidNumber) }  // no leading zeros
        } else {
            while isDigit(position) {
                let d = input[position] - 0x30
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(d))
                overflow = overflow || o1 || o2
                magnitude = a
                if significantDigits < 19 {
                    if significant != 0 || d != 0 { significantDigits += 1 }
                    significant = significant &* 10 &+ UInt64(d)
                } else {
                    droppedDigits += 1
                }
                position += 1
            }
        }
        var isInteger = true
        var fractionDigits = 0
        if position < end, input[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard isDigit(position) else { throw position >= end ? fail(.unexpectedEnd) : fail(.invalidNumber) }
            while isDigit(position) {
                let d = input[position] - 0x30
                if significantDigits < 19 {
                    if significant != 0 || d != 0 { significantDigits += 1 }
                    significant = significant &* 10 &+ UInt64(d)
                    fractionDigits += 1
                } else {
                    droppedDigits += 1
                }
                position += 1
            }
        }
        var exponent = 0
        if position < end, input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            var exponentNegative = false
            if position < end, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                exponentNegative = input[position] == UInt8(ascii: "-")
                position += 1
            }
            guard isDigit(position) else { throw position >= end ? fail(.unexpectedEnd) : fail(.invalidNumber) }
            while isDigit(position) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(input[position] - 0x30) }
                position += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        let textStart = output.count
        copy(from: start, to: position)
        let text = ByteRange(start: textStart, end: output.count)

        var int64: Int64?
        var uint64: UInt64?
        if isInteger && !overflow {
            if negative {
                if magnitude <= UInt64(Int64.max) {
                    int64 = -Int64(magnitude)
                } else if magnitude == UInt64(Int64.max) + 1 {
                    int64 = .min
                }
            } else {
                uint64 = magnitude
                if magnitude <= UInt64(Int64.max) { int64 = Int64(magnitude) }
            }
        }
        // Fast exact path: ≤ 15 significant digits scaled by an exactly representable power of ten.
        let scale = exponent + droppedDigits - fractionDigits
        var double: Double
        if significantDigits <= 15 && droppedDigits == 0 && abs(scale) <= 22 {
            double = Double(significant)
            let power = JSONParser.powersOfTen[abs(scale)]
            double = scale < 0 ? double / power : double * power
            if negative { double = -double }
        } else {
            let textBytes = output[textStart..<output.count]
            double = Double(String(decoding: textBytes, as: UTF8.self)) ?? .nan
        }
        return JSONNumber(text: text, isInteger: isInteger, int64: int64, uint64: uint64, double: double)
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]
}
