import PCRE2
import PatternParser
import Testing
import TraceTailCore

@Suite struct HostileInputTests {
    @Test func catastrophicRuleOn64KiBLineIsALimitHit() throws {
        let set = try PatternSet(sources: [
            PatternSource(name: "evil.grok", text: "@rule evil ^(a+)+$\n@rule fallback %{ANY:message}\nANY .*\n")
        ])
        var parser = try LineParser(format: .oslo, patterns: set)
        var line = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        line.append(UInt8(ascii: "!"))
        let clock = ContinuousClock()
        let start = clock.now
        let e = parser.parse(ArraySlice(line), source: SourceID(0), lineID: 1)
        let elapsed = clock.now - start
        #expect(e.unmatched == .limitHit)
        #expect(e.matchedRule == nil)  // a limit hit is never retried with later rules
        #expect(parser.counters.limitHits == 1)
        #expect(parser.counters.unmatched(.limitHit) == 1)
        // Generous bound: without limits this runs for longer than the universe has existed.
        #expect(elapsed < .seconds(10))
        // The parser keeps working afterwards.
        let ok = parser.parse(ArraySlice(Array("aaaa".utf8)), source: SourceID(0), lineID: 2)
        #expect(ok.matchedRule == "evil")
    }

    @Test func invalidUTF8AndNULBytesParseAsBytes() throws {
        var parser = try Fixtures.osloParser()
        var line = Array("2023-03-01 10:00:00.123 4242 INFO nova.api [-] bad ".utf8)
        line += [0xff, 0xfe, 0x00, 0xc3, 0x28, 0x00]
        line += Array(" end".utf8)
        let e = parser.parse(ArraySlice(line), source: SourceID(0), lineID: 1)
        #expect(e.matchedRule == "oslo")
        #expect(e.message.map { Array(e.bytes($0)) } == Array(line[47...]))
        // Rendering repairs the invalid bytes and escapes NUL.
        let json = e.parseRecordJSON
        #expect(json.contains("\\u0000"))
        #expect(json.contains("\u{FFFD}"))
    }

    @Test func arbitraryBytesNeverTrap() throws {
        var parser = try Fixtures.osloParser()
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for n in 0..<2_000 {
            var line: [UInt8] = []
            let length = Int(state % 600)
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                line.append(UInt8(truncatingIfNeeded: state >> 56))
            }
            // Splice in fragments that trigger the prefilters and rules.
            if n % 3 == 0 { line = Array("2017-05-16 00:00:00.008 1 INFO a [-] status: ".utf8) + line }
            if n % 5 == 0 { line += Array(" dd.trace_id=99999999999999999999999 trace_id=zz".utf8) }
            let e = parser.parse(ArraySlice(line), source: SourceID(0), lineID: n + 1)
            #expect(e.unmatched != nil || e.matchedRule != nil)
            _ = e.parseRecordJSON
        }
        #expect(parser.counters.lines == 2_000)
        #expect(parser.counters.matched + parser.counters.unmatchedTotal == 2_000)
    }

    @Test func tenMegabyteLineIsCutAtMaxLineBytes() throws {
        var parser = try LineParser(format: .oslo, patterns: Fixtures.shipped, maxLineBytes: 1 << 20)
        var line = Array("2023-03-01 10:00:00.123 4242 INFO nova.api [-] ".utf8)
        line += [UInt8](repeating: UInt8(ascii: "x"), count: 10 * 1024 * 1024)
        let e = parser.parse(ArraySlice(line), source: SourceID(0), lineID: 1)
        #expect(e.truncated)
        #expect(e.storage.count == 1 << 20)
        #expect(e.matchedRule == "oslo")
        #expect(e.message.map(\.count) == (1 << 20) - 47)
        #expect(parser.counters.truncated == 1)
        // Cut upstream by the reader: flagged and counted, not cut again.
        let pre = parser.parse(ArraySlice(line[0..<100]), source: SourceID(0), lineID: 2, truncated: true)
        #expect(pre.truncated)
        #expect(pre.storage.count == 100)
        #expect(parser.counters.truncated == 2)
    }
}
