import Foundation
import SpanCorrelator
import Testing
import TraceTailCore

// Run A goes through uninterrupted; run B is checkpointed at cut points — state encoded to
// JSON, decoded, and a new correlator restored from it — and continues. The spans and counters
// must be identical: after a clean restart nothing is lost, repeated or changed (DESIGN §7).

/// A correlator through JSON and back, as the daemon writes and reads its checkpoint.
private func restarted(
    _ correlator: SpanCorrelator, _ configuration: SpanCorrelator.Configuration,
    sources: [SourceID: SpanCorrelator.Source]
) throws -> SpanCorrelator {
    let data = try JSONEncoder().encode(correlator.checkpointState())
    let state = try JSONDecoder().decode(SpanCorrelator.State.self, from: data)
    return SpanCorrelator(configuration: configuration, restoring: state, sources: sources)
}

/// What the cuts saw, so a test can show it cut where it meant to.
private struct CutCoverage {
    var whileHolding = 0
    var whileOpen = 0
    var afterEmitting = 0
}

/// Drives lines like the pipeline: consume each, advance to `newest − allowedLateness` every
/// `step` lines, finish. Restarts before each line index in `cuts`.
private func drive(
    _ events: [LogEvent], cuts: Set<Int>, configuration: SpanCorrelator.Configuration,
    sources: [SourceID: SpanCorrelator.Source], step: Int = 5
) throws -> (spans: [Span], counters: SpanCorrelator.Counters, coverage: CutCoverage) {
    var correlator = SpanCorrelator(configuration: configuration, sources: sources)
    var out: [Span] = []
    var coverage = CutCoverage()
    var newest = EventTime(nanoseconds: .min)
    for (i, event) in events.enumerated() {
        if cuts.contains(i) {
            if correlator.bufferedLineCount > 0 { coverage.whileHolding += 1 }
            if correlator.openSpanCount > 0 { coverage.whileOpen += 1 }
            if correlator.rememberedSpanCount > 0 { coverage.afterEmitting += 1 }
            correlator = try restarted(correlator, configuration, sources: sources)
        }
        if let time = event.timestamp, time > newest { newest = time }
        correlator.consume(event, into: &out)
        if i % step == 0, newest.nanoseconds != .min {
            correlator.advance(to: newest - configuration.allowedLateness, into: &out)
        }
    }
    correlator.finish(into: &out)
    return (out, correlator.counters, coverage)
}

/// A deterministic stream with everything the correlator holds state for: requests across
/// services with global ids, out-of-order lines within the lateness, late lines for emitted
/// spans, tracebacks (pid continuations and untimed lines), id-less request lines, explicit
/// trace context, HTTP errors and an infinite latency.
private func generatedStream(seed: UInt64, count: Int) -> [LogEvent] {
    var rng = SplitMix64(seed: seed)
    var lines: [Line] = []
    var clock: Int64 = 0  // milliseconds after 00:00
    func stamp(_ ms: Int64) -> String {
        let s = ms / 1000
        return String(
            format: "2017-05-16 %02d:%02d:%02d.%03d", Int(s / 3600), Int(s / 60 % 60), Int(s % 60), Int(ms % 1000))
    }
    let requests = (0..<40).map { String(format: "req-0f6a1c2e-3b4d-4e5f-8a9b-%012x", $0 * 7919 + 1) }
    let globals = (0..<5).map { String(format: "req-9e6a1c2e-3b4d-4e5f-8a9b-%012x", $0 + 1) }
    var lineIDs = [Int](repeating: 0, count: 4)
    var deferred: [(due: Int, line: Line)] = []
    while lines.count < count {
        if let first = deferred.first, first.due <= lines.count {
            lines.append(deferred.removeFirst().line)
            continue
        }
        clock += Int64(rng.next() % 700)
        let source = Int(rng.next() % 4)
        lineIDs[source] += 1
        // Up to 4 s early (within the 5 s lateness), sometimes 40 s late (after idle_timeout).
        var time = clock - Int64(rng.next() % 4000)
        if rng.next() % 40 == 0 { time = max(0, clock - 40_000) }
        var line = Line(lineIDs[source], stamp(max(0, time)), source: UInt32(source))
        line.pid = 100 + source * 10 + Int(rng.next() % 3)
        line.component =
            ["nova.compute.manager", "nova.api.openstack.wsgi", "nova.scheduler.host_manager"][
                Int(rng.next() % 3)]
        switch rng.next() % 20 {
        case 0:
            line.method = "GET"
            line.path = "/v2.1/servers/detail"
            line.status = 200
            line.latencyMs = Double(rng.next() % 900)
        case 1:
            // Explicit trace context.
            line.traceID = TraceID(high: 0, low: rng.next() % 3 + 1)
            line.spanID = SpanID(rng.next() % 2 + 1)
        case 2:
            line.level = .error
            line.requestID = requests[Int(rng.next() % UInt64(requests.count))]
            line.message = "Unexpected exception"
            lines.append(line)
            // An untimed continuation of the same pid: next, or (as a slow writer may) after
            // more than the allowed lateness, when the pid's state must have outlived a restart.
            lineIDs[source] += 1
            var next = Line(lineIDs[source], nil, source: UInt32(source))
            next.pid = line.pid
            next.continuation = true
            next.level = nil
            next.message = "Traceback (most recent call last):"
            if rng.next() % 2 == 0 { lines.append(next) } else { deferred.append((lines.count + 25, next)) }
            continue
        case 3:
            break  // an id-less non-request line: dropped, counted
        default:
            let r = requests[Int(rng.next() % UInt64(requests.count))]
            line.requestID = r
            if rng.next() % 3 == 0 { line.globalRequestID = globals[Int(rng.next() % UInt64(globals.count))] }
            if rng.next() % 5 == 0 {
                line.method = ["GET", "POST", "DELETE"][Int(rng.next() % 3)]
                line.path = "/v2.1/servers/\(r.suffix(12))/action"
                line.status = [200, 202, 500, 503][Int(rng.next() % 4)]
                line.latencyMs = rng.next() % 97 == 0 ? .infinity : Double(rng.next() % 3000)
            }
            if rng.next() % 9 == 0 { line.instance = "f46025fd-97f6-4d68-9122-50ec2d7add89" }
            if rng.next() % 15 == 0 { line.level = .error }
        }
        lines.append(line)
    }
    return lines.map(\.event)
}

private let generatedSources: [SourceID: SpanCorrelator.Source] = [
    SourceID(0): .init(fileName: "nova-api.log"), SourceID(1): .init(fileName: "nova-compute.log"),
    SourceID(2): .init(fileName: "nova-scheduler.log", service: "scheduler"), SourceID(3): .init(fileName: "x.log"),
]

@Test(arguments: [UInt64(1), 2, 3])
func aRestoredCorrelatorContinuesAGeneratedStreamExactly(seed: UInt64) throws {
    let events = generatedStream(seed: seed, count: 1_500)
    for configuration in [
        SpanCorrelator.Configuration(spanPerEvent: true),
        // Small bounds: evictions, forced releases, forgotten spans and dropped children around the cuts.
        SpanCorrelator.Configuration(
            idleTimeout: .seconds(10), maxOpenSpans: 8, spanPerEvent: true, rememberedSpans: 16,
            maxEventsPerSpan: 3, maxBufferedLines: 6),
    ] {
        let whole = try drive(events, cuts: [], configuration: configuration, sources: generatedSources)
        #expect(whole.spans.count > 300)
        // A restart before every line of a prefix, then sparser ones over the whole stream.
        for (every, length) in [(1, 250), (7, events.count), (101, events.count)] {
            let whole = try drive(
                Array(events.prefix(length)), cuts: [], configuration: configuration, sources: generatedSources)
            let cut = try drive(
                Array(events.prefix(length)), cuts: Set(stride(from: 0, to: length, by: every)),
                configuration: configuration, sources: generatedSources)
            #expect(cut.spans.count == whole.spans.count)
            #expect(cut.spans == whole.spans, "restart every \(every) lines")
            #expect(cut.counters == whole.counters)
            #expect(cut.coverage.whileHolding > 0 && cut.coverage.whileOpen > 0 && cut.coverage.afterEmitting > 0)
        }
    }
}

@Test func aRestoredCorrelatorContinuesTheShippedSamplesExactly() throws {
    let (events, sources) = try SampleLines.load()
    #expect(events.count > 7_000)
    let configuration = SpanCorrelator.Configuration(spanPerEvent: true)
    let whole = try drive(events, cuts: [], configuration: configuration, sources: sources, step: 50)
    #expect(whole.spans.contains { $0.error })
    for every in [331, 2_003] {
        let cut = try drive(
            events, cuts: Set(stride(from: 1, to: events.count, by: every)), configuration: configuration,
            sources: sources, step: 50)
        #expect(cut.spans == whole.spans, "restart every \(every) lines")
        #expect(cut.counters == whole.counters)
        #expect(cut.coverage.whileHolding > 0 && cut.coverage.whileOpen > 0 && cut.coverage.afterEmitting > 0)
    }
}

@Test func aHeldLineKeepsOnlyItsOwnBytesAndItsFields() throws {
    // A line in the middle of a larger read chunk: only its bytes are written, ranges rebased.
    var line = Line(7, "2017-05-16 00:00:01.000")
    line.requestID = "req-0f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3fb115"
    line.method = "GET"
    line.path = "/v2.1/servers"
    line.status = 200
    line.latencyMs = .infinity
    let own = line.event
    let chunk = [UInt8](repeating: 0x41, count: 5_000) + Array(own.storage) + [UInt8](repeating: 0x42, count: 5_000)
    var event = own
    event.storage = chunk[5_000..<(5_000 + own.storage.count)]
    event.extra = [("microversion", ByteRange(start: 0, end: 3))]
    let data = try JSONEncoder().encode(event.checkpoint)
    #expect(data.count < own.storage.count + 1_000)
    let back = LogEvent(checkpoint: try JSONDecoder().decode(LogEvent.Checkpoint.self, from: data))
    #expect(back.text(back.requestIDText) == line.requestID)
    #expect(back.text(back.http?.path) == "/v2.1/servers")
    #expect(back.http?.latencyMs == .infinity)
    #expect(back.extra.map(\.name) == ["microversion"])
    #expect(back.text(back.extra.first?.range) == event.text(event.extra.first?.range))
    #expect(back.timestamp == event.timestamp && back.lineID == 7 && back.matchedRule == "test")
}
