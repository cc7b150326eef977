import PatternParser
import Testing

@Suite struct PatternsCheckTests {
    @Test func shippedPatternsCheckClean() throws {
        let report = PatternSet.check(try PatternSource.loadDirectory(Fixtures.patternsDirectory))
        #expect(report.errors.map(\.description) == [])
        #expect(report.fileCount >= 3)
        #expect(report.ruleCount >= 8)
        #expect(report.exampleCount >= report.ruleCount)
        #expect(report.summary.hasPrefix("OK: "))
    }

    @Test func everyShippedRuleHasAnExample() {
        for rule in Fixtures.shipped.rules {
            #expect(rule.examples.contains { $0.mustMatch }, "rule \(rule.name) has no @example")
        }
    }

    @Test func brokenFileFailsPreciselyWithEveryProblem() {
        let text = """
            INT [0-9]+
            @rule num %{INT:n:int} items
            @example 42 items
            @expect n=41
            @expect missing=1
            @reject 7 items
            @example forty items
            @message m "status: " status: %{INT:code:int}
            @example code 200
            @expect code=200
            """
        let report = PatternSet.check([PatternSource(name: "bad.grok", text: text)])
        #expect(
            report.errors.map(\.description) == [
                "bad.grok:4:9: example: n: expected \"41\", got \"42\"",
                "bad.grok:5:9: example: rule num has no field missing",
                "bad.grok:6:9: example: rule num matches this @reject line",
                "bad.grok:7:10: example: rule num does not match this example",
                "bad.grok:9:10: example: example does not contain the prefilter literal \"status: \", so rule m would never be tried on it",
                "bad.grok:9:10: example: rule m does not match this example",
            ])
    }

    @Test func checkAlsoReportsCompileErrorsAndKeepsCheckingOtherRules() {
        let report = PatternSet.check([
            PatternSource(name: "x.grok", text: "@rule a %{NOPE}\n@rule b b\n@example c\n")
        ])
        #expect(
            report.errors.map(\.description) == [
                "x.grok:1:9: unknownReference: %{NOPE} is not defined",
                "x.grok:3:10: example: rule b does not match this example",
            ])
    }
}
