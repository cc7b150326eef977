import PatternParser
import Testing
import TraceTailCore

/// The UTF-8 bytes of a string, as the framer hands lines to parsers.
func jsonBytes(_ text: String) -> ArraySlice<UInt8> { ArraySlice(text.utf8) }

@Suite("JSONDocument parser")
struct JSONValueTests {
    @Test func parsesScalarsAndKeepsKeyOrder() throws {
        let doc = try JSONDocument.parse(#"{"z":true,"a":false,"m":null,"n":-12,"s":"x","arr":[1,"two",{}]}"#)
        let members = try #require(doc.root.members)
        #expect(members.map { doc.string($0.key) } == ["z", "a", "m", "n", "s", "arr"])
        #expect(members[0].value == .bool(true))
        #expect(members[1].value == .bool(false))
        #expect(members[2].value.isNull)
        #expect(members[3].value.number?.int64 == -12)
        #expect(doc.string(members[4].value) == "x")
        guard case .array(let elements) = members[5].value else {
            Issue.record("arr is not an array")
            return
        }
        #expect(elements.count == 3)
        #expect(doc.string(elements[1]) == "two")
        #expect(elements[2] == .object([]))
    }

    @Test func keyLookupIgnoresASCIICase() throws {
        let doc = try JSONDocument.parse(#"{"Level":"INFO","level":"DEBUG","Run_ID":"r"}"#)
        #expect(doc.string(doc["level"]) == "INFO")  // first occurrence wins
        #expect(doc.string(doc["LEVEL"]) == "INFO")
        #expect(doc.string(doc["run_id"]) == "r")
        #expect(doc["missing"] == nil)
        #expect(try JSONDocument.parse("[1]")["level"] == nil)
    }

    @Test func decodesSimpleEscapes() throws {
        let doc = try JSONDocument.parse(#""q\" b\\ s\/ \b\f\n\r\t end""#)
        #expect(doc.string(doc.root) == "q\" b\\ s/ \u{8}\u{c}\n\r\t end")
    }

    @Test(arguments: [
        (#""\u00e9\u20AC""#, "é€"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD83D\uDE00x""#, "😀x"),
        (#""a\ud800b""#, "a\u{FFFD}b"),  // lone high surrogate
        (#""a\udc00b""#, "a\u{FFFD}b"),  // lone low surrogate
        (#""\ud800\u0041""#, "\u{FFFD}A"),  // high followed by a non-surrogate escape
        (#""\ud800\ud800\udc00""#, "\u{FFFD}\u{10000}"),
        (#""\ud800""#, "\u{FFFD}"),  // at the very end
        (#""\u0000""#, "\u{0}"),
        ("\"caf\u{e9} 日本 😀\"", "café 日本 😀"),
    ])
    func decodesUnicodeEscapesAndSurrogates(input: String, expected: String) throws {
        let doc = try JSONDocument.parse(input)
        #expect(doc.string(doc.root) == expected)
    }

    @Test func keepsBigIntegersExact() throws {
        let doc = try JSONDocument.parse(
            #"[18446744073709551615,18446744073709551616,-9223372036854775808,9223372036854775807,0,-0]"#)
        guard case .array(let values) = doc.root else {
            Issue.record("not an array")
            return
        }
        let numbers = values.compactMap(\.number)
        #expect(numbers.count == 6)
        #expect(numbers[0].uint64 == UInt64.max)
        #expect(numbers[0].int64 == nil)
        #expect(numbers[1].uint64 == nil)
        #expect(doc.string(numbers[1].text) == "18446744073709551616")
        #expect(numbers[2].int64 == Int64.min)
        #expect(numbers[2].uint64 == nil)
        #expect(numbers[3].int64 == Int64.max)
        #expect(numbers[4].uint64 == 0)
        #expect(numbers[5].int64 == 0)
        #expect(numbers.allSatisfy { $0.isInteger })
    }

    @Test(arguments: [
        "0.1", "1.5e3", "-2.25", "123456789.123456789", "1e-7", "6.02214076e23", "0.30000000000000004",
        "1E+2", "-0.0", "12345678901234567890.5", "1e308", "4.9e-324", "250",
    ])
    func doublesMatchTheStandardLibrary(text: String) throws {
        let doc = try JSONDocument.parse(text)
        let number = try #require(doc.root.number)
        #expect(number.double == Double(text))
        #expect(doc.string(number.text) == text)
        #expect(number.isInteger == !text.contains(where: { ".eE".contains($0) }))
    }

    @Test func hugeExponentIsInfiniteNotATrap() throws {
        let doc = try JSONDocument.parse("1e999")
        #expect(doc.root.number?.double == .infinity)
        let long = String(repeating: "9", count: 5000)
        let doc2 = try JSONDocument.parse(long)
        #expect(doc2.root.number?.uint64 == nil)
        #expect(doc2.string(doc2.root.number!.text) == long)
    }

    @Test func acceptsSurroundingWhitespaceAndBOM() throws {
        let doc = try JSONDocument.parse(ArraySlice([0xEF, 0xBB, 0xBF] + Array(" \t{\"a\":1}\r\n".utf8)))
        #expect(doc["a"]?.number?.int64 == 1)
    }

    @Test(arguments: [
        ("", JSONParseError.Reason.empty),
        ("   ", .empty),
        ("{", .unexpectedEnd),
        (#"{"a""#, .unexpectedEnd),
        (#"{"a":}"#, .unexpectedByte),
        (#"{"a":1,}"#, .unexpectedByte),
        ("[1,]", .unexpectedByte),
        ("[1 2]", .unexpectedByte),
        ("{'a':1}", .unexpectedByte),
        ("{a:1}", .unexpectedByte),
        ("01", .invalidNumber),
        ("1.", .unexpectedEnd),
        ("1.x", .invalidNumber),
        (".5", .unexpectedByte),
        ("-", .unexpectedEnd),
        ("-a", .invalidNumber),
        ("1e", .unexpectedEnd),
        ("+1", .unexpectedByte),
        ("tru", .unexpectedEnd),
        ("trve", .unexpectedByte),
        ("NaN", .unexpectedByte),
        (#""abc"#, .unexpectedEnd),
        (#""\x""#, .invalidEscape),
        (#""\u12"#, .unexpectedEnd),
        (#""\u12zz""#, .invalidEscape),
        ("{} x", .trailingBytes),
        ("{}{}", .trailingBytes),
        ("\"a\u{0}b\"", .controlCharacter),
        ("\"tab\there\"", .controlCharacter),
        ("\"new\nline\"", .controlCharacter),
        ("{\u{0}}", .unexpectedByte),
    ])
    func rejectsMalformedText(input: String, reason: JSONParseError.Reason) {
        #expect(throws: JSONParseError.self) { try JSONDocument.parse(input) }
        do {
            _ = try JSONDocument.parse(input)
        } catch {
            #expect(error.reason == reason, "\(input.debugDescription): \(error)")
        }
    }

    @Test(
        arguments: [
            [0x22, 0xFF, 0x22],  // never valid in UTF-8
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong 3-byte
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // beyond U+10FFFF
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0xC3],  // cut at end of input
            [0x7B, 0xC3, 0xA9, 0x7D],  // non-ASCII outside a string
        ] as [[UInt8]])
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONDocument.parse(ArraySlice(bytes)) }
    }

    @Test func depthIsLimitedWithoutRecursingFurther() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONDocument.parse(ok) }
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError(.tooDeep, at: 64)) { try JSONDocument.parse(tooDeep) }
        let hostile = String(repeating: #"{"a":["#, count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONDocument.parse(hostile) }
        let shallow = String(repeating: "[", count: 3) + String(repeating: "]", count: 3)
        #expect(throws: JSONParseError.self) { try JSONDocument.parse(shallow, maxDepth: 2) }
    }

    @Test func serializedTextReparsesToTheSameTree() throws {
        let text = #"{"a":[1,2.5,-3e2,true,null],"b":{"c":"q\"\n\u00e9"},"d":18446744073709551615}"#
        let doc = try JSONDocument.parse(text)
        let again = try JSONDocument.parse(doc.serialized(doc.root))
        #expect(again.serialized(again.root) == doc.serialized(doc.root))
        #expect(
            doc.serialized(doc.root) == #"{"a":[1,2.5,-3e2,true,null],"b":{"c":"q\"\né"},"d":18446744073709551615}"#)
    }

    /// Random single-byte mutations of a realistic line: the parser must answer every one
    /// without trapping, and whatever it accepts must survive a serialize/parse round trip.
    @Test func randomMutationsNeverTrap() throws {
        let seed = Array(
            #"{"LineId":1001,"Level":"INFO","msg":"a\"b\u00e9\ud83d\ude00","n":[1.5e3,-0,true,null],"o":{"k":{}}}"#
                .utf8)
        var rng = SplitMix64(seed: 42)
        var accepted = 0
        for _ in 0..<3000 {
            var line = seed
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let index = Int(rng.next() % UInt64(line.count))
                switch rng.next() % 3 {
                case 0: line[index] = UInt8(truncatingIfNeeded: rng.next())
                case 1: line.remove(at: index)
                default: line.insert(UInt8(truncatingIfNeeded: rng.next()), at: index)
                }
                if line.isEmpty { break }
            }
            if let doc = try? JSONDocument.parse(line[...]) {
                accepted += 1
                let text = doc.serialized(doc.root)
                let again = try JSONDocument.parse(text)
                #expect(again.serialized(again.root) == text)
            }
        }
        #expect(accepted > 0 && accepted < 3000)
    }
}
