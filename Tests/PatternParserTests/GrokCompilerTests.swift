import PCRE2
import PatternParser
import Testing

@Suite struct GrokCompilerTests {
    private func compile(_ files: [(String, String)]) -> Result<PatternSet, PatternDiagnostics> {
        do {
            return .success(try PatternSet(sources: files.map { PatternSource(name: $0.0, text: $0.1) }))
        } catch {
            return .failure(error)
        }
    }

    private func errors(_ files: [(String, String)]) -> [String] {
        guard case .failure(let diagnostics) = compile(files) else { return [] }
        return diagnostics.errors.map(\.description)
    }

    @Test func referencesAcrossFilesAndTypedCaptures() throws {
        let set = try PatternSet(sources: [
            PatternSource(name: "a.grok", text: "INT [0-9]+\nPAIR %{INT:left:int}-%{INT:right:float}\n"),
            PatternSource(name: "b.grok", text: "@rule pair %{PAIR} %{WORD:word}\n\nWORD [a-z]+\n"),
        ])
        #expect(set.definitionCount == 3)
        #expect(set.fileCount == 2)
        let rule = try #require(set.rules.first)
        #expect(rule.name == "pair")
        #expect(rule.kind == .line)
        #expect(rule.formats == ["oslo"])
        #expect(rule.captures.map(\.name) == ["left", "right", "word"])
        #expect(rule.captures.map(\.type) == [.int, .float, .string])
        #expect(rule.regex.pattern == "(?:(?<left>[0-9]+)-(?<right>[0-9]+)) (?<word>[a-z]+)")
        let scratch = MatchScratch()
        guard case .matched(let caps) = rule.regex.match(Array("12-34 abc".utf8), using: scratch) else {
            Issue.record("no match")
            return
        }
        #expect(caps[rule.captures[0].groups[0]] == 0..<2)
        #expect(caps[rule.captures[2].groups[0]] == 6..<9)
    }

    @Test func rulesAreAnchoredButScanRulesSearch() throws {
        let set = try PatternSet(sources: [
            PatternSource(name: "a.grok", text: "@rule r b\n@scan s \"b\" b\n")
        ])
        let scratch = MatchScratch()
        let subject = Array("ab".utf8)
        if case .noMatch = set.rules[0].regex.match(subject, using: scratch) {
        } else {
            Issue.record("rule not anchored")
        }
        if case .matched = set.rules[1].regex.match(subject, using: scratch) {} else { Issue.record("scan anchored") }
        #expect(set.rules[1].literal == Array("b".utf8))
    }

    @Test func formatDirectiveScopesRules() throws {
        let set = try PatternSet(sources: [
            PatternSource(name: "a.grok", text: "@rule one x\n@format json oslo\n@message two \"y\" y\n"),
            PatternSource(name: "b.grok", text: "@rule three z\n"),
        ])
        #expect(set.rules.map(\.formats) == [["oslo"], ["json", "oslo"], ["oslo"]])
        #expect(set.rules(format: "json", kind: .message).map(\.name) == ["two"])
    }

    @Test func unknownReferenceWithPositionAndSuggestion() {
        #expect(
            errors([("p.grok", "REQ_ID req-[0-9]+\n@rule r foo %{REQID:id}\n")]) == [
                "p.grok:2:13: unknownReference: %{REQID} is not defined (did you mean REQ_ID?)"
            ])
    }

    @Test func cycleIsReportedOnceAtTheClosingReference() {
        let found = errors([("c.grok", "A x%{B}\nB %{C}y\nC %{A}\n@rule r %{A}\n")])
        #expect(found == ["c.grok:3:3: cycle: definitions reference each other: A -> B -> C -> A"])
    }

    @Test func selfReferenceIsACycle() {
        #expect(errors([("c.grok", "A a%{A}?\n")]) == ["c.grok:1:4: cycle: definitions reference each other: A -> A"])
    }

    @Test func duplicateDefinitionAndRuleNames() {
        let found = errors([
            ("a.grok", "X a\n@rule r %{X}\n"),
            ("b.grok", "\n  X b\n@rule r %{X}\n"),
        ])
        #expect(
            found == [
                "b.grok:2:3: duplicateName: X is already defined at a.grok:1:1",
                "b.grok:3:1: duplicateName: rule r is already declared at a.grok:2:1",
            ])
    }

    @Test func regexErrorIsMappedToTheUsersColumn() {
        // PCRE2 reports the missing `)` at the end of the pattern: column 13 + 4 bytes.
        #expect(errors([("r.grok", "@rule broken a(bc\n")]) == ["r.grok:1:18: regex: missing closing parenthesis"])
        // In a definition it is reported once, at the definition, not at every user.
        #expect(
            errors([("r.grok", "USES_BAD y%{BAD}\nBAD [a-\nGOOD x\n@rule one %{BAD}\n@rule two %{GOOD}%{USES_BAD}\n")])
                .count == 1)
        let inDefinition = errors([("r.grok", "BAD x[a-\n")])
        #expect(inDefinition.count == 1)
        #expect(inDefinition.first?.hasPrefix("r.grok:1:") == true)
        #expect(inDefinition.first?.contains(": regex: missing terminating ]") == true)
    }

    @Test func regexErrorInsideAnExpansionPointsAtTheReference() {
        // Each definition compiles alone, but together they reuse a group name without DUPNAMES
        // being able to help: a lookbehind of unbounded length.
        let found = errors([("r.grok", "V a+\n@rule r x(?<=%{V})\n")])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("r.grok:2:") == true)
    }

    @Test(arguments: [
        ("@rule\n", "s.grok:1:6: syntax: @rule needs a rule name"),
        ("@rule r\n", "s.grok:1:8: syntax: rule r has no regex"),
        ("@message m x\n", "s.grok:1:12: syntax: @message m needs a quoted prefilter literal before its regex"),
        ("@scan m \"abc x\n", "s.grok:1:9: syntax: unterminated string literal"),
        (
            "@bogus x\n",
            "s.grok:1:1: syntax: unknown directive @bogus (expected @format, @rule, @continuation, @skip, @message, @scan, @example, @reject or @expect)"
        ),
        ("@example x\n", "s.grok:1:1: syntax: @example must follow a rule"),
        ("@rule r x\n@expect a=b\n", "s.grok:2:1: syntax: @expect must follow an @example"),
        ("@rule r x\n@example x\n@expect a\n", "s.grok:3:10: syntax: expected `=` after a"),
        ("9LIVES x\n", "s.grok:1:1: syntax: expected a definition `NAME regex`, a directive `@…` or a `#` comment"),
        ("NAME\n", "s.grok:1:5: syntax: expected whitespace and a regex after the name NAME"),
        ("A x\nB %{A\n", "s.grok:2:3: syntax: unterminated %{ reference (missing `}`)"),
        (
            "A x\nB %{A:f:integer}\n",
            "s.grok:2:3: syntax: %{A:f:integer}: unknown type `integer` (expected int, float or string)"
        ),
        ("A x\nB %{A:1f}\n", "s.grok:2:3: syntax: %{A:1f}: field name `1f` must be letters, digits or _"),
        (
            "A x\nB %{A:f:int:x}\n",
            "s.grok:2:3: syntax: %{A:f:int:x}: expected %{NAME}, %{NAME:field} or %{NAME:field:type}"
        ),
    ])
    func syntaxErrors(_ text: String, _ expected: String) {
        #expect(errors([("s.grok", text)]) == [expected])
    }

    @Test func everyProblemIsReportedAtOnceInOrder() {
        let found = errors([
            ("b.grok", "@rule r2 %{NOPE}\n@bogus\n"),
            ("a.grok", "A %{B}\nB %{A}\nC [z-a]\n@rule r1 (\n"),
        ])
        #expect(found.count == 5)
        #expect(found == found.sorted())
        #expect(found.contains { $0.hasPrefix("a.grok:2:3: cycle:") })
        #expect(found.contains { $0.hasPrefix("a.grok:3:") && $0.contains("regex:") })
        #expect(found.contains { $0.hasPrefix("a.grok:4:") && $0.contains("regex:") })
        #expect(found.contains { $0 == "b.grok:1:10: unknownReference: %{NOPE} is not defined" })
        #expect(found.contains { $0.hasPrefix("b.grok:2:1: syntax: unknown directive @bogus") })
    }

    @Test func commentsAndBlankLinesAreIgnoredAndCRLFIsAccepted() throws {
        let set = try PatternSet(sources: [
            PatternSource(name: "a.grok", text: "# comment\r\n\r\n   # indented comment\r\nA a#b\r\n@rule r %{A}\r\n")
        ])
        #expect(set.rules[0].regex.pattern == "(?:a#b)")
    }
}
