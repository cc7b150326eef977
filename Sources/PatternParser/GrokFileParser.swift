/// Turns the lines of one `.grok` file into definitions and rule declarations, collecting
/// every syntax error instead of stopping at the first.
struct GrokFileParser {
    private let fileName: String
    private(set) var errors: [PatternError] = []
    private var file = GrokFile()
    /// Formats that rules belong to; `@format` changes it for the rest of the file.
    private var formats = ["oslo"]

    init(fileName: String) { self.fileName = fileName }

    static func parse(_ source: PatternSource) -> (GrokFile, [PatternError]) {
        var parser = GrokFileParser(fileName: source.name)
        var lineNumber = 0
        for rawLine in source.text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Array(rawLine)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            parser.parseLine(line, number: lineNumber)
        }
        return (parser.file, parser.errors)
    }

    private func location(_ line: Int, _ index: Int) -> PatternLocation {
        PatternLocation(file: fileName, line: line, column: index + 1)
    }

    private mutating func fail(_ code: PatternError.Code, _ message: String, _ line: Int, _ index: Int) {
        errors.append(PatternError(code, message, at: location(line, index)))
    }

    private mutating func parseLine(_ line: [UInt8], number: Int) {
        var i = Self.skipSpaces(line, 0)
        guard i < line.count, line[i] != UInt8(ascii: "#") else { return }
        if line[i] == UInt8(ascii: "@") {
            parseDirective(line, number: number, at: i)
            return
        }
        let nameStart = i
        i = Self.scanName(line, i)
        guard i > nameStart else {
            fail(.syntax, "expected a definition `NAME regex`, a directive `@…` or a `#` comment", number, nameStart)
            return
        }
        let name = String(decoding: line[nameStart..<i], as: UTF8.self)
        guard i < line.count, Self.isSpace(line[i]) else {
            fail(.syntax, "expected whitespace and a regex after the name \(name)", number, i)
            return
        }
        let bodyStart = Self.skipSpaces(line, i)
        let body = Self.trimTrailingSpaces(line, from: bodyStart)
        guard !body.isEmpty else {
            fail(.syntax, "definition \(name) has no regex", number, bodyStart)
            return
        }
        file.definitions.append(
            GrokDefinition(
                name: name, nameLocation: location(number, nameStart),
                body: GrokBody(text: body, location: location(number, bodyStart))))
    }

    private mutating func parseDirective(_ line: [UInt8], number: Int, at start: Int) {
        var i = start + 1
        while i < line.count, !Self.isSpace(line[i]) { i += 1 }
        let word = String(decoding: line[(start + 1)..<i], as: UTF8.self)
        let argStart = Self.skipSpaces(line, i)
        switch word {
        case "format":
            let names = line[argStart...].split(whereSeparator: Self.isSpace).map {
                String(decoding: $0, as: UTF8.self)
            }
            guard !names.isEmpty else {
                fail(.syntax, "@format needs at least one format name (oslo, json)", number, argStart)
                return
            }
            formats = names
        case "rule": parseRule(.line, line, number: number, start: start, argStart: argStart)
        case "continuation": parseRule(.continuation, line, number: number, start: start, argStart: argStart)
        case "message": parseRule(.message, line, number: number, start: start, argStart: argStart)
        case "scan": parseRule(.scan, line, number: number, start: start, argStart: argStart)
        case "skip": parseRule(.skip, line, number: number, start: start, argStart: argStart)
        case "example", "reject":
            guard !file.rules.isEmpty else {
                fail(.syntax, "@\(word) must follow a rule", number, start)
                return
            }
            // The example text is everything after the single separating space, verbatim.
            let textStart = min(i + 1, line.count)
            file.rules[file.rules.count - 1].examples.append(
                PatternExample(
                    text: Array(line[textStart...]), location: location(number, textStart),
                    mustMatch: word == "example", expectations: []))
        case "expect":
            guard let lastRule = file.rules.last, let lastExample = lastRule.examples.last, lastExample.mustMatch
            else {
                fail(.syntax, "@expect must follow an @example", number, start)
                return
            }
            _ = lastExample
            let expectations = parseExpectations(line, number: number, from: argStart)
            let r = file.rules.count - 1
            let e = file.rules[r].examples.count - 1
            file.rules[r].examples[e].expectations += expectations
        default:
            fail(
                .syntax,
                "unknown directive @\(word) (expected @format, @rule, @continuation, @skip, @message, @scan, "
                    + "@example, @reject or @expect)", number, start)
        }
    }

    private mutating func parseRule(
        _ kind: PatternRule.Kind, _ line: [UInt8], number: Int, start: Int, argStart: Int
    ) {
        var i = argStart
        i = Self.scanName(line, i)
        guard i > argStart else {
            fail(.syntax, "@\(kind.directive) needs a rule name", number, argStart)
            return
        }
        let name = String(decoding: line[argStart..<i], as: UTF8.self)
        i = Self.skipSpaces(line, i)
        var literal: [UInt8]? = nil
        if kind == .message || kind == .scan {
            guard i < line.count, line[i] == UInt8(ascii: "\"") else {
                fail(.syntax, "@\(kind.directive) \(name) needs a quoted prefilter literal before its regex", number, i)
                return
            }
            guard let (text, end) = Self.scanQuoted(line, i) else {
                fail(.syntax, "unterminated string literal", number, i)
                return
            }
            guard !text.isEmpty else {
                fail(.syntax, "the prefilter literal must not be empty", number, i)
                return
            }
            literal = text
            i = Self.skipSpaces(line, end)
        }
        let body = Self.trimTrailingSpaces(line, from: i)
        guard !body.isEmpty else {
            fail(.syntax, "rule \(name) has no regex", number, i)
            return
        }
        file.rules.append(
            GrokRuleDeclaration(
                kind: kind, name: name, formats: formats, literal: literal,
                body: GrokBody(text: body, location: location(number, i)), location: location(number, start)))
    }

    private mutating func parseExpectations(_ line: [UInt8], number: Int, from start: Int)
        -> [PatternExample.Expectation]
    {
        var result: [PatternExample.Expectation] = []
        var i = start
        while true {
            i = Self.skipSpaces(line, i)
            guard i < line.count else { break }
            let tokenStart = i
            var negate = false
            if line[i] == UInt8(ascii: "!") {
                negate = true
                i += 1
            }
            let nameStart = i
            i = Self.scanName(line, i)
            let field = String(decoding: line[nameStart..<i], as: UTF8.self)
            guard i > nameStart else {
                fail(.syntax, "expected `field=value` or `!field`", number, tokenStart)
                return result
            }
            if negate {
                result.append(.init(field: field, value: nil, location: location(number, tokenStart)))
                continue
            }
            guard i < line.count, line[i] == UInt8(ascii: "=") else {
                fail(.syntax, "expected `=` after \(field)", number, i)
                return result
            }
            i += 1
            let value: [UInt8]
            if i < line.count, line[i] == UInt8(ascii: "\"") {
                guard let (text, end) = Self.scanQuoted(line, i) else {
                    fail(.syntax, "unterminated string literal", number, i)
                    return result
                }
                value = text
                i = end
            } else {
                let valueStart = i
                while i < line.count, !Self.isSpace(line[i]) { i += 1 }
                value = Array(line[valueStart..<i])
            }
            result.append(
                .init(
                    field: field, value: String(decoding: value, as: UTF8.self), location: location(number, tokenStart))
            )
        }
        return result
    }

    // MARK: byte helpers

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    static func skipSpaces(_ line: [UInt8], _ from: Int) -> Int {
        var i = from
        while i < line.count, isSpace(line[i]) { i += 1 }
        return i
    }

    static func isNameByte(_ b: UInt8, first: Bool) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"): true
        case UInt8(ascii: "0")...UInt8(ascii: "9"): !first
        default: false
        }
    }

    /// End of a `[A-Za-z_][A-Za-z0-9_]*` name starting at `from` (== from when there is none).
    static func scanName<C: RandomAccessCollection>(_ bytes: C, _ from: C.Index) -> C.Index
    where C.Element == UInt8 {
        var i = from
        while i < bytes.endIndex, isNameByte(bytes[i], first: i == from) { i = bytes.index(after: i) }
        return i
    }

    static func trimTrailingSpaces(_ line: [UInt8], from: Int) -> [UInt8] {
        var end = line.count
        while end > from, isSpace(line[end - 1]) { end -= 1 }
        return from < end ? Array(line[from..<end]) : []
    }

    /// A `"…"` literal with `\"` and `\\` escapes; returns its bytes and the index after it.
    static func scanQuoted(_ line: [UInt8], _ quote: Int) -> ([UInt8], Int)? {
        var out: [UInt8] = []
        var i = quote + 1
        while i < line.count {
            let b = line[i]
            if b == UInt8(ascii: "\"") { return (out, i + 1) }
            if b == UInt8(ascii: "\\"), i + 1 < line.count,
                line[i + 1] == UInt8(ascii: "\"") || line[i + 1] == UInt8(ascii: "\\")
            {
                out.append(line[i + 1])
                i += 2
                continue
            }
            out.append(b)
            i += 1
        }
        return nil
    }
}
