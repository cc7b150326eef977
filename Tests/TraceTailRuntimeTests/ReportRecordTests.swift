import Testing
import TraceTailCore
import TraceTailReport
import TraceTailRuntime

/// Report replays keep slimmed records (`OutputRecord.forReport`); the reports must not be able
/// to tell the difference.
@Suite struct ReportRecordTests {
    @Test func slimmedRecordsRenderTheSameReports() throws {
        let engine = try ReplayEngine(ReplayRequest(paths: [Repo.path("samples")], patterns: try Repo.patterns()))
        var records: [OutputRecord] = []
        let result = try engine.run(emit: { records.append($0) })
        let slim = records.map(\.forReport)
        // Slimming really drops something, and keeps every record and every span field.
        var dropped = 0
        for (full, small) in zip(records, slim) {
            switch (full, small) {
            case (.span(let a), .span(let b)):
                #expect(a.spanID == b.spanID && a.name == b.name && a.resource == b.resource && a.error == b.error)
                dropped += a.attributes.count - b.attributes.count
            case (.metric(let a), .metric(let b)): #expect(a == b)
            case (.event(let a), .event(let b)): #expect(a == b)
            default: Issue.record("record kind changed")
            }
        }
        #expect(slim.count == records.count)
        #expect(dropped > records.count)
        let text = TextReport.render(records: records, totals: result.totals, color: false)
        #expect(TextReport.render(records: slim, totals: result.totals, color: false) == text)
        #expect(text.contains("ERR"))  // error messages and line counts are drawn from attributes
        let html = HTMLReport.render(records: records, totals: result.totals, title: "t")
        #expect(HTMLReport.render(records: slim, totals: result.totals, title: "t") == html)
    }
}
