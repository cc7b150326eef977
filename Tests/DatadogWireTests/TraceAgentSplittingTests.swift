import Testing
import TraceTailCore

@testable import DatadogWire

/// Payload size limits: nothing lost, nothing duplicated, every body under the limit.
@Suite struct TraceAgentSplittingTests {
    typealias T = TraceAgentEncoderTests

    struct Decoded: Hashable, Comparable {
        var traceLow: UInt64
        var tid: String?
        var spanID: UInt64
        static func < (a: Decoded, b: Decoded) -> Bool {
            (a.traceLow, a.tid ?? "", a.spanID) < (b.traceLow, b.tid ?? "", b.spanID)
        }
    }

    static func decoded(_ span: MsgPack) throws -> Decoded {
        Decoded(
            traceLow: try #require(span["trace_id"]?.uintValue), tid: try T.meta(span)["_dd.p.tid"],
            spanID: try #require(span["span_id"]?.uintValue))
    }

    static func expected(_ span: Span) -> Decoded {
        Decoded(
            traceLow: span.traceID.low, tid: span.traceID.high == 0 ? nil : Hex.string(span.traceID.high, digits: 16),
            spanID: span.spanID.rawValue)
    }

    @Test func largeTraceIsSplitIntoChunksThatEachFit() throws {
        let big = TraceID(high: 0xabc, low: 1)
        let small = TraceID(high: 0, low: 2)
        let single = TraceID(high: 0xdef, low: 3)
        var input: [Span] = []
        // A chain of 40 spans of one service: only the first is top level.
        for i in 0..<40 {
            input.append(
                T.span(
                    trace: big, id: 1000 + UInt64(i), parent: i == 0 ? nil : 999 + UInt64(i),
                    attributes: ["request_id": .string("req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70"), "pid": .int(i)]))
        }
        input += [
            T.span(trace: small, id: 1), T.span(trace: small, id: 2, parent: 1), T.span(trace: small, id: 3, parent: 2),
        ]
        input.append(T.span(trace: single, id: 5))
        let maxBytes = 2000

        let payloads = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0", maxPayloadBytes: maxBytes)).encode(
            input)
        #expect(payloads.count > 1)
        var seen: [Decoded] = []
        var bigChunks = 0
        for payload in payloads {
            #expect(payload.body.count <= maxBytes)
            for chunk in try T.chunks(payload) {
                let ids = Set(chunk.compactMap { $0["span_id"]?.uintValue })
                let traces = Set(try chunk.map { try Self.decoded($0).traceLow })
                #expect(traces.count == 1, "one trace id per chunk")
                if traces == [1] { bigChunks += 1 }
                for span in chunk {
                    seen.append(try Self.decoded(span))
                    let parent = try #require(span["parent_id"]?.uintValue)
                    let metrics = try T.metrics(span)
                    // Each chunk is sampled by the agent on its own: its root-most spans carry the priority.
                    #expect((metrics["_sampling_priority_v1"] == 1) == !ids.contains(parent))
                    // Top level is the span's role in the whole trace, whichever chunk holds it.
                    let isTraceRoot = parent == 0
                    #expect((metrics["_dd.top_level"] == 1) == isTraceRoot)
                }
            }
        }
        #expect(bigChunks > 1)
        // In input order (the input lists each trace's spans together), each span exactly once.
        #expect(seen == input.map(Self.expected))
    }

    @Test func payloadClosesWhenTheNextChunkWouldNotFit() throws {
        let spans = (1...3).map { T.span(trace: TraceID(high: 0, low: UInt64($0)), id: UInt64($0)) }
        // Same-sized chunks; a lone chunk's payload is its bytes plus the one-byte outer header.
        let chunkBytes = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0")).encode([spans[0]])[0].body.count - 1
        for i in 1..<3 {
            #expect(
                TraceAgentEncoder(options: .init(tracerVersion: "0.9.0")).encode([spans[i]])[0].body.count - 1
                    == chunkBytes)
        }

        let two = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0", maxPayloadBytes: 1 + 2 * chunkBytes)).encode(
            spans)
        #expect(two.map(\.traceCount) == [2, 1])
        #expect(two.map(\.body.count) == [1 + 2 * chunkBytes, 1 + chunkBytes])

        let one = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0", maxPayloadBytes: 2 * chunkBytes)).encode(
            spans)
        #expect(one.map(\.traceCount) == [1, 1, 1])
        let decoded = try one.flatMap { try T.chunks($0).flatMap { try $0.map(Self.decoded) } }
        #expect(decoded == spans.map(Self.expected))
    }

    @Test func spanTooLargeForAnyPayloadIsLeftOutAndCountable() throws {
        let trace = TraceID(high: 0, low: 1)
        let input = [
            T.span(trace: trace, id: 1),
            T.span(trace: trace, id: 2, parent: 1, attributes: ["blob": .string(String(repeating: "x", count: 2000))]),
            T.span(trace: trace, id: 3, parent: 1),
        ]
        let payloads = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0", maxPayloadBytes: 1000)).encode(input)
        #expect(payloads.map(\.spanCount).reduce(0, +) == 2)
        let ids = try payloads.flatMap { try T.chunks($0).flatMap { $0.compactMap { $0["span_id"]?.uintValue } } }
        #expect(ids == [1, 3])
        #expect(payloads.allSatisfy { $0.body.count <= 1000 })
    }

    @Test func manyTracesUnderATinyLimitLoseNothing() throws {
        var rng = SplitMix64(seed: 42)
        var input: [Span] = []
        for t in 0..<30 {
            let trace = TraceID(high: UInt64(t % 3), low: UInt64(100 + t))
            let count = 1 + rng.below(12)
            for s in 0..<count {
                let service = ["nova-api", "nova-compute", "glance"][rng.below(3)]
                input.append(
                    T.span(
                        trace: trace, id: UInt64(t * 100 + s + 1), parent: s == 0 ? nil : UInt64(t * 100 + s),
                        service: service,
                        attributes: ["note": .string(String(repeating: "n", count: rng.below(301)))]))
            }
        }
        let maxBytes = 1500
        let payloads = TraceAgentEncoder(options: .init(tracerVersion: "0.9.0", maxPayloadBytes: maxBytes)).encode(
            input)
        #expect(payloads.allSatisfy { $0.body.count <= maxBytes })
        let seen = try payloads.flatMap { try T.chunks($0).flatMap { try $0.map(Self.decoded) } }
        #expect(seen.sorted() == input.map(Self.expected).sorted())
        #expect(Set(seen).count == seen.count)
    }
}
