import PCRE2
import Testing

@Suite struct CompiledRegexTests {
    @Test func namedGroupsAreResolvedAndRangesRead() throws {
        let regex = try CompiledRegex(#"(?<level>[A-Z]+) (?<pid>\d+)"#)
        #expect(regex.captureCount == 2)
        #expect(regex.groups(named: "level") == [1])
        #expect(regex.groups(named: "pid") == [2])
        #expect(regex.groups(named: "nope").isEmpty)
        let scratch = MatchScratch()
        let line = Array("x INFO 25746 y".utf8)
        guard case .matched(let caps) = regex.match(line, using: scratch) else {
            Issue.record("expected a match")
            return
        }
        #expect(caps.whole == 2..<12)
        #expect(caps[1] == 2..<6)
        #expect(caps[2] == 7..<12)
        #expect(caps[3] == nil)
    }

    @Test func unsetGroupIsNil() throws {
        let regex = try CompiledRegex(#"a(?<x>b)?(?<y>c)"#)
        let scratch = MatchScratch()
        guard case .matched(let caps) = regex.match(Array("ac".utf8), using: scratch) else {
            Issue.record("expected a match")
            return
        }
        #expect(caps[1] == nil)
        #expect(caps[2] == 1..<2)
    }

    @Test func noMatchAndAnchoring() throws {
        let anchored = try CompiledRegex("b", options: .anchored)
        let free = try CompiledRegex("b")
        let scratch = MatchScratch()
        let subject = Array("ab".utf8)
        if case .noMatch = anchored.match(subject, using: scratch) {} else { Issue.record("anchored matched") }
        if case .matched = free.match(subject, using: scratch) {} else { Issue.record("unanchored missed") }
    }

    @Test func compileErrorCarriesMessageAndOffset() {
        #expect(throws: RegexCompileError.self) { try CompiledRegex("ab(cd") }
        do {
            _ = try CompiledRegex("ab(cd")
        } catch {
            #expect(error.offset == 5)
            #expect(error.message.contains("parenthesis"))
        }
    }

    @Test func catastrophicPatternHitsLimitQuickly() throws {
        let regex = try CompiledRegex("^(a+)+$")
        let scratch = MatchScratch()
        var subject = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        subject.append(UInt8(ascii: "b"))
        let outcome = regex.match(subject, using: scratch)
        guard case .limitHit = outcome else {
            Issue.record("expected limitHit, got \(outcome)")
            return
        }
        // The scratch stays usable after a limit hit.
        if case .matched = regex.match(Array("aaa".utf8), using: scratch) {} else { Issue.record("no reuse") }
    }

    @Test func tightMatchLimitStopsBacktracking() throws {
        // Nested quantifiers defeat PCRE2's auto-possessification, so this backtracks hard.
        let regex = try CompiledRegex(#"^(\w+\s?)*$"#)
        let scratch = MatchScratch(limits: MatchLimits(matchLimit: 10_000))
        let subject = Array((String(repeating: "word ", count: 200) + "!").utf8)
        guard case .limitHit = regex.match(subject, using: scratch) else {
            Issue.record("expected limitHit")
            return
        }
    }

    @Test func invalidUTF8AndNULAreJustBytes() throws {
        let regex = try CompiledRegex(#"^a(?<mid>.+)z$"#)
        let scratch = MatchScratch()
        let subject: [UInt8] = [0x61, 0xff, 0x00, 0xc3, 0x28, 0x7a]
        guard case .matched(let caps) = regex.match(subject, using: scratch) else {
            Issue.record("expected a match")
            return
        }
        #expect(caps[1] == 1..<5)
    }

    @Test func emptySubjectAndSliceOffsets() throws {
        let regex = try CompiledRegex(#"^(?<all>.*)$"#)
        let scratch = MatchScratch()
        guard case .matched(let caps) = regex.match([UInt8](), using: scratch) else {
            Issue.record("expected a match on empty input")
            return
        }
        #expect(caps[1] == 0..<0)
        // Ranges are relative to the slice, not to the underlying array.
        let bytes = Array("xxhello".utf8)
        guard case .matched(let caps2) = regex.match(bytes[2...], using: scratch) else {
            Issue.record("expected a match on slice")
            return
        }
        #expect(caps2[1] == 0..<5)
    }

    @Test func scratchGrowsForManyGroups() throws {
        let pattern = String(repeating: "(a)", count: 40)
        let regex = try CompiledRegex(pattern)
        let scratch = MatchScratch(capacity: 2)
        guard case .matched(let caps) = regex.match(Array(String(repeating: "a", count: 40).utf8), using: scratch)
        else {
            Issue.record("expected a match")
            return
        }
        #expect(caps[40] == 39..<40)
    }

    @Test func duplicateNamesNeedTheOption() throws {
        #expect(throws: RegexCompileError.self) { try CompiledRegex("(?<x>a)|(?<x>b)") }
        let regex = try CompiledRegex("(?<x>a)|(?<x>b)", options: .duplicateNames)
        #expect(regex.groups(named: "x") == [1, 2])
    }
}
