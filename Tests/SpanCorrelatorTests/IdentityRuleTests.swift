import SpanCorrelator
import Testing
import TraceTailCore

/// One case per DESIGN §3 identity rule, expected ids computed by hand from the rule's string.
struct IdentityCase: CustomTestStringConvertible, Sendable {
    var name: String
    var lines: [Line]
    /// The span (by service) whose ids are checked.
    var service: String
    var trace: TraceID
    var span: UInt64
    var parent: UInt64?
    var testDescription: String { name }
}

private let r = "req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115"
private let g = "req-7d1e2f30-4a5b-4c6d-9e8f-a0b1c2d3e4f5"
private let sources: [SourceID: SpanCorrelator.Source] = [
    SourceID(0): .init(fileName: "nova-api.log"), SourceID(1): .init(fileName: "nova-compute.log"),
]

private func requestLine(_ id: Int, _ time: String, request: String, global: String? = nil) -> Line {
    var line = Line(id, time, source: 0)
    line.component = "nova.osapi_compute.wsgi.server"
    line.requestID = request
    line.globalRequestID = global
    line.method = "POST"
    line.path = "/v2.1/servers"
    line.status = 202
    line.latencyMs = 500
    return line
}

private func computeLine(_ id: Int, _ time: String, request: String?, global: String? = nil) -> Line {
    var line = Line(id, time, source: 1)
    line.requestID = request
    line.globalRequestID = global
    return line
}

private let identityCases: [IdentityCase] = {
    var cases: [IdentityCase] = []
    // Explicit context wins, ids exactly as given (a 128-bit trace id).
    var explicitLine = computeLine(1, "2017-05-16 00:00:01.000", request: r)
    explicitLine.traceID = TraceID(high: 0x0102_0304_0506_0708, low: 0x1112_1314_1516_1718)
    explicitLine.spanID = SpanID(0xabc)
    explicitLine.parentID = SpanID(0xdef)
    cases.append(
        .init(
            name: "explicit 128-bit", lines: [explicitLine], service: "nova-compute",
            trace: TraceID(high: 0x0102_0304_0506_0708, low: 0x1112_1314_1516_1718), span: 0xabc, parent: 0xdef))
    // Datadog 64-bit ids are zero-extended by the parser; no parent unless given.
    var datadog = computeLine(1, "2017-05-16 00:00:01.000", request: nil)
    datadog.traceID = TraceID(decimal: Array("1234567890".utf8))
    datadog.spanID = SpanID(decimal: Array("987654321".utf8))
    cases.append(
        .init(
            name: "explicit datadog 64-bit", lines: [datadog], service: "nova-compute",
            trace: TraceID(high: 0, low: 1_234_567_890), span: 987_654_321, parent: nil))
    // Request id only; the service that logged R's HTTP line is the entry: low64(R), root.
    let rUUID = RequestID(r)!.uuid
    cases.append(
        .init(
            name: "entry: request line", lines: [requestLine(1, "2017-05-16 00:00:01.000", request: r)],
            service: "nova-api", trace: TraceID(rUUID), span: low64(r), parent: nil))
    // Another service's span for R: FNV-1a(<service>/<R as logged>), parent low64(R).
    cases.append(
        .init(
            name: "non-entry service",
            lines: [
                computeLine(1, "2017-05-16 00:00:00.600", request: r),
                requestLine(1, "2017-05-16 00:00:01.000", request: r),
            ], service: "nova-compute", trace: TraceID(rUUID), span: fnv("nova-compute/\(r)"), parent: low64(r)))
    // R as logged, not canonicalised: upper-case text hashes as written.
    cases.append(
        .init(
            name: "R as logged (upper case)",
            lines: [
                computeLine(1, "2017-05-16 00:00:00.600", request: "req-0F6A1C2E-3B4D-4E5F-8A9B-0C1D2E3FB115"),
                requestLine(1, "2017-05-16 00:00:01.000", request: r),
            ], service: "nova-compute", trace: TraceID(rUUID),
            span: fnv("nova-compute/req-0F6A1C2E-3B4D-4E5F-8A9B-0C1D2E3FB115"), parent: low64(r)))
    // No HTTP line anywhere: the earliest span of R is the entry.
    var apiNoHTTP = Line(1, "2017-05-16 00:00:02.000", source: 0)
    apiNoHTTP.requestID = r
    cases.append(
        .init(
            name: "entry: earliest without request line",
            lines: [apiNoHTTP, computeLine(1, "2017-05-16 00:00:01.000", request: r)], service: "nova-compute",
            trace: TraceID(rUUID), span: low64(r), parent: nil))
    cases.append(
        .init(
            name: "non-entry: later without request line",
            lines: [apiNoHTTP, computeLine(1, "2017-05-16 00:00:01.000", request: r)], service: "nova-api",
            trace: TraceID(rUUID), span: fnv("nova-api/\(r)"), parent: low64(r)))
    // Global id G: trace = G, the entry of L hangs under low64(G).
    cases.append(
        .init(
            name: "global id: entry", lines: [requestLine(1, "2017-05-16 00:00:01.000", request: r, global: g)],
            service: "nova-api", trace: TraceID(RequestID(g)!.uuid), span: low64(r), parent: low64(g)))
    cases.append(
        .init(
            name: "global id: non-entry",
            lines: [
                requestLine(1, "2017-05-16 00:00:01.000", request: r, global: g),
                computeLine(2, "2017-05-16 00:00:01.100", request: r, global: g),
            ], service: "nova-compute", trace: TraceID(RequestID(g)!.uuid), span: fnv("nova-compute/\(r)"),
            parent: low64(r)))
    // Id-less HTTP request line: one-span trace, FNV(<service>/<line_id>/<timestamp as logged>).
    var metadata = Line(77, "2017-05-16 00:00:16.806", source: 0)
    metadata.component = "nova.metadata.wsgi.server"
    metadata.method = "GET"
    metadata.path = "/openstack/2013-10-17"
    metadata.status = 200
    metadata.latencyMs = 0.829
    let idless = fnv("nova-api/77/2017-05-16 00:00:16.806")
    cases.append(
        .init(
            name: "id-less request line", lines: [metadata], service: "nova-api", trace: TraceID(high: 0, low: idless),
            span: idless, parent: nil))
    return cases
}()

@Test(arguments: identityCases)
func identityRule(_ testCase: IdentityCase) throws {
    let (spans, _) = correlate(testCase.lines.map(\.event), sources: sources)
    let span = try #require(spans.first { $0.service == testCase.service && $0.name == "openstack.request" })
    #expect(span.traceID == testCase.trace)
    #expect(span.spanID.rawValue == testCase.span)
    #expect(span.parentID?.rawValue == testCase.parent)
}

/// Literal values computed once, independently, with Python:
/// `h=0xcbf29ce484222325; for b in s.encode(): h=((h^b)*0x100000001b3)%2**64`.
@Test func fnvRulePinnedToLiteralValues() throws {
    #expect(fnv("nova-compute/req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115") == 0xdf3d_9c70_d5f2_6e5d)
    let cases = identityCases
    let nonEntry = try #require(cases.first { $0.name == "non-entry service" })
    let (spans, _) = correlate(nonEntry.lines.map(\.event), sources: sources)
    let compute = try #require(spans.first { $0.service == "nova-compute" })
    #expect(compute.spanID.rawValue == 0xdf3d_9c70_d5f2_6e5d)
    #expect(compute.parentID?.rawValue == 0x8a9b_0c1d_2e3f_b115)

    let metadata = try #require(cases.first { $0.name == "id-less request line" })
    let (idless, _) = correlate(metadata.lines.map(\.event), sources: sources)
    #expect(idless.first?.spanID.rawValue == 0xdc86_2051_1a3e_f7ef)
    #expect(idless.first?.traceID.description == "0000000000000000dc8620511a3ef7ef")
}

@Test func idlessNonRequestLinesJoinNoSpan() {
    var line = Line(3, "2017-05-16 00:00:10.302", source: 1)
    line.component = "nova.virt.libvirt.driver"
    line.instance = "b9000564-fe1a-409b-b8cc-1e88b294cd1d"
    line.message = "Instance spawned successfully."
    let (spans, correlator) = correlate([line.event], sources: sources)
    #expect(spans.isEmpty)
    #expect(correlator.counters.idlessDropped == 1)
    #expect(correlator.counters.lines == 1)
    #expect(correlator.counters.events == 0)
}

@Test func traceIDWithoutSpanIDDerivesTheSpan() throws {
    var line = computeLine(5, "2017-05-16 00:00:01.000", request: nil)
    line.traceID = TraceID(high: 0, low: 0x4996_02d2)
    let (spans, _) = correlate([line.event], sources: sources)
    let span = try #require(spans.first)
    #expect(span.traceID == TraceID(high: 0, low: 0x4996_02d2))
    #expect(span.spanID.rawValue == fnv("nova-compute/000000000000000000000000499602d2"))
    #expect(span.parentID == nil)
}

@Test func traceIDWithRequestIDKeepsRequestRulesUnderThatTrace() throws {
    var line = computeLine(5, "2017-05-16 00:00:01.000", request: r)
    line.traceID = TraceID(high: 0, low: 42)
    let (spans, _) = correlate([line.event], sources: sources)
    let span = try #require(spans.first)
    #expect(span.traceID == TraceID(high: 0, low: 42))
    #expect(span.spanID.rawValue == low64(r))
}
