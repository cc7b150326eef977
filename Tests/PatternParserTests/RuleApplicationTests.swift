import PatternParser
import Testing
import TraceTailCore

/// How a matching rule's captures land in the event: the straight-line plan for rules with
/// unique capture names, the per-capture path for rules that reuse a name, extras and rare
/// fields on both.
@Suite struct RuleApplicationTests {
    private func parser(_ text: String) throws -> LineParser {
        let base = "INT [0-9]+\nNUMBER [0-9]+(?:\\.[0-9]+)?\nHEX [0-9a-fA-F]+\nWORD [A-Za-z0-9_]+\nGREEDYDATA .*\n"
        let set = try PatternSet(sources: [
            PatternSource(name: "base.grok", text: base), PatternSource(name: "t.grok", text: text),
        ])
        return try LineParser(format: .oslo, patterns: set)
    }

    @Test func reusedCaptureNameTakesTheAlternativeThatMatched() throws {
        var p = try parser("@rule alt (?:A %{INT:pid:int}|B %{INT:pid:int}) %{WORD:zone} %{GREEDYDATA:message}\n")
        let a = p.parse("A 12 nova the rest")
        #expect(a.matchedRule == "alt")
        #expect(a.pid == 12)
        #expect(a.text(a.message) == "the rest")
        #expect(a.extra.map(\.name) == ["zone"])
        #expect(a.text(a.extraCaptures.range(named: PatternName("zone"))) == "nova")
        let b = p.parse("B 34 east x")
        #expect(b.pid == 34)
        #expect(b.text(b.extraCaptures.range(named: PatternName("zone"))) == "east")
    }

    @Test func uniqueNamesFillCommonRareAndExtraFields() throws {
        var p = try parser(
            "@rule plain %{INT:pid:int} %{INT:status:int} %{NUMBER:latency_ms:float} trace_id=%{HEX:trace_id} "
                + "%{WORD:zone} %{WORD:rack} %{WORD:row} %{GREEDYDATA:message}\n")
        let e = p.parse("7 503 12.5 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 eu r9 k2 done")
        #expect(e.matchedRule == "plain")
        #expect(e.pid == 7)
        #expect(e.http?.status == 503)
        #expect(e.http?.latencyMs == 12.5)
        #expect(e.traceID?.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(e.extra.map(\.name) == ["zone", "rack", "row"])
        #expect(e.extra.map { e.text($0.range) } == ["eu", "r9", "k2"])
        #expect(e.text(e.message) == "done")
        // An event without extras carries none.
        var q = try parser("@rule bare %{INT:pid:int} %{GREEDYDATA:message}\n")
        let f = q.parse("9 hello")
        #expect(f.extraCaptures.isEmpty)
        #expect(f.pid == 9)
    }
}
