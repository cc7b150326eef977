import PatternParser
import Testing
import TraceTailCore

/// Message rules are tried in file order among those whose literal the message holds, whether
/// the literals are found by the grouped anchor walk (up to 64 rules) or one by one (more).
@Suite struct MessageRuleLiteralTests {
    static func parser(messageRules count: Int) throws -> LineParser {
        var text = "@rule line %{INT:pid:int} %{ANY:message}\nINT [0-9]+\nANY .*\n"
        for i in 0..<count {
            // Every rule's literal anchors on ':'; rule i matches "k<i>: <value>".
            text += "@message m\(i) \"k\(i):\" k\(i): %{INT:status:int}\n"
        }
        // Two rules with the same literal: the first that matches wins.
        text += "@message first \"shared:\" shared: (?:x|%{INT:bytes:int})\n"
        text += "@message second \"shared:\" shared: %{ANY:late}\n"
        return try LineParser(format: .oslo, patterns: PatternSet(sources: [PatternSource(name: "m.grok", text: text)]))
    }

    @Test(arguments: [3, 64, 70])
    func theRuleWhoseLiteralOccursIsApplied(_ count: Int) throws {
        var parser = try Self.parser(messageRules: count)
        let last = count - 1
        let e = parser.parse("7 noise: k\(last): 418")
        // "k\(last):" does not start the message, so the rule is tried and does not match.
        #expect(e.http == nil)
        let f = parser.parse("7 k\(last): 418")
        #expect(f.matchedRule == "m\(last)")
        #expect(f.http?.status == 418)
        let g = parser.parse("7 shared: 12")
        #expect(g.matchedRule == "first")
        #expect(g.http?.bytes == 12)
        let h = parser.parse("7 shared: zz")
        #expect(h.matchedRule == "second")
        #expect(h.extra.first?.name == "late")
        let none = parser.parse("7 k: nothing")
        #expect(none.matchedRule == "line")
    }
}
