import SpanCorrelator
import Testing
import TraceTailCore

@Test func oneRequestLineMakesOneRootSpan() {
    var line = Line(1, "2017-05-16 00:00:00.008")
    line.requestID = "req-38101a0b-2096-447d-96ea-a692162415ae"
    line.method = "GET"
    line.path = "/v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail"
    line.status = 200
    line.latencyMs = 247.7829
    let (spans, _) = correlate([line.event])
    #expect(spans.count == 1)
    #expect(spans.first?.spanID.rawValue == low64("req-38101a0b-2096-447d-96ea-a692162415ae"))
    #expect(spans.first?.resource == "GET /v2/{id}/servers/detail")
}
