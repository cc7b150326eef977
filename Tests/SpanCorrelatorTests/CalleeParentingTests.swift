import Foundation
import SpanCorrelator
import Testing
import TraceTailCore

/// Parenting through the callee's `x-openstack-request-id` in the caller's client lines, for
/// releases before global request ids.
@Suite struct CalleeParentingTests {
    static let caller = "req-1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"
    static let callee = "req-9a8b7c6d-5e4f-4321-8fed-cba987654321"
    static let sources: [SourceID: SpanCorrelator.Source] = [
        SourceID(0): .init(fileName: "nova-compute.log"), SourceID(1): .init(fileName: "neutron-server.log"),
    ]

    /// nova-compute's request R calls neutron, whose request L answers; nova logs L in its RESP line.
    static func lines(calleeGlobal: String? = nil, respLine: Bool = true) -> [LogEvent] {
        var start = Line(1, "2014-10-22 08:21:43.101", source: 0)
        start.requestID = caller
        var neutron = Line(1, "2014-10-22 08:21:43.498", source: 1)
        neutron.requestID = callee
        neutron.globalRequestID = calleeGlobal
        neutron.component = "neutron.wsgi"
        neutron.method = "POST"
        neutron.path = "/v2.0/ports.json"
        neutron.status = 201
        neutron.latencyMs = 348.7
        var resp = Line(2, "2014-10-22 08:21:43.512", source: 0)
        resp.requestID = caller
        resp.component = "neutronclient.client"
        resp.callee = callee
        var done = Line(3, "2014-10-22 08:21:45.870", source: 0)
        done.requestID = caller
        return ([start, neutron] + (respLine ? [resp] : []) + [done]).map(\.event)
    }

    static func run(_ events: [LogEvent], restartAfter cut: Int? = nil) throws -> [Span] {
        let configuration = SpanCorrelator.Configuration()
        var correlator = SpanCorrelator(configuration: configuration, sources: sources)
        var out: [Span] = []
        for (i, event) in events.enumerated() {
            correlator.consume(event, into: &out)
            if i == cut {
                let data = try JSONEncoder().encode(correlator.checkpointState())
                let state = try JSONDecoder().decode(SpanCorrelator.State.self, from: data)
                correlator = SpanCorrelator(configuration: configuration, restoring: state, sources: sources)
            }
        }
        correlator.finish(into: &out)
        return out
    }

    static func neutronSpan(_ spans: [Span]) throws -> Span {
        try #require(spans.first { $0.service == "neutron-server" })
    }

    @Test func theCalleeJoinsTheCallersTraceUnderItsEntrySpan() throws {
        let spans = try Self.run(Self.lines())
        let r = try #require(RequestID(Self.caller))
        let nova = try #require(spans.first { $0.service == "nova-compute" })
        let neutron = try Self.neutronSpan(spans)
        #expect(nova.traceID == TraceID(r.uuid))
        #expect(neutron.traceID == nova.traceID)
        #expect(neutron.parentID == nova.spanID)
        #expect(neutron.parentID == SpanID(r.uuid.low))
        // Its own span id is still its own request's (low 64 bits of L): nothing else moves.
        #expect(neutron.spanID == SpanID(RequestID(Self.callee)!.uuid.low))
    }

    @Test func withoutTheClientLineTheCalleeIsATraceOfItsOwn() throws {
        let neutron = try Self.neutronSpan(try Self.run(Self.lines(respLine: false)))
        #expect(neutron.traceID == TraceID(RequestID(Self.callee)!.uuid))
        #expect(neutron.parentID == nil)
    }

    @Test func aGlobalRequestIdOfTheCalleesOwnWins() throws {
        let global = "req-77777777-8888-4999-aaaa-bbbbbbbbbbbb"
        let neutron = try Self.neutronSpan(try Self.run(Self.lines(calleeGlobal: global)))
        let g = try #require(RequestID(global))
        #expect(neutron.traceID == TraceID(g.uuid))
        #expect(neutron.parentID == SpanID(g.uuid.low))
    }

    @Test func theLinkSurvivesARestartBeforeTheCalleeIsEmitted() throws {
        let whole = try Self.run(Self.lines())
        for cut in 0..<4 {
            #expect(try Self.run(Self.lines(), restartAfter: cut) == whole, "restart after line \(cut)")
        }
    }

    @Test func unusedLinksAreForgottenAsEventTimePasses() throws {
        var correlator = SpanCorrelator(configuration: .init(), sources: Self.sources)
        var out: [Span] = []
        for event in Self.lines() where event.source == SourceID(0) { correlator.consume(event, into: &out) }
        func links() throws -> Int {
            let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(correlator.checkpointState()))
            return ((json as? [String: Any])?["callees"] as? [Any])?.count ?? -1
        }
        // Lines are correlated once event time has passed them (the lateness buffer).
        correlator.advance(to: Line.parseTime("2014-10-22 08:21:46.000"), into: &out)
        #expect(try links() == 1)
        correlator.advance(to: Line.parseTime("2014-10-22 08:40:00.000"), into: &out)
        #expect(try links() == 0)
    }
}
