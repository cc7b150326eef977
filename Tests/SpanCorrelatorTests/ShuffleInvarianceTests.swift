import SpanCorrelator
import Testing
import TraceTailCore

/// A busy ten minutes over six files: nova boots with glance/neutron children, requests with
/// tracebacks, id-less metadata calls and noise, and lines that come back after their span
/// went idle (late), cross the idle boundary by a hair, or bridge a near-idle gap.
enum Workload {
    static let sources: [SourceID: SpanCorrelator.Source] = NovaBoot.sources

    static func lines(seed: UInt64) -> [Line] {
        var rng = SplitMix64(seed: seed)
        var perSource: [UInt32: [Line]] = [:]
        var nextID: [UInt32: Int] = [:]
        func add(_ source: UInt32, _ ms: Int, _ build: (inout Line) -> Void) {
            let id = (nextID[source] ?? 0) + 1
            nextID[source] = id
            var l = Line(id, stamp(ms), source: source)
            l.pid = 1000 + Int(source) * 10 + Int(rng.next() % 3)
            l.component =
                ["nova.compute.manager", "nova.conductor.manager", "nova.osapi_compute.wsgi.server"][
                    Int(rng.next() % 3)]
            build(&l)
            perSource[source, default: []].append(l)
        }
        func uuid() -> String {
            let a = rng.next()
            let b = rng.next()
            return RequestID(uuid: UUID128(high: a, low: b)).description
        }
        var t = 0
        for _ in 0..<120 {
            t += Int(rng.next() % 9_000)
            let r = uuid()
            let kind = rng.next() % 7
            switch kind {
            case 0, 1:  // a boot across services, request line last
                let children = [(4, uuid()), (5, uuid())]
                add(1, t + 50) { $0.requestID = r }
                add(2, t + 120) { $0.requestID = r }
                for (offset, (source, local)) in children.enumerated() {
                    add(UInt32(source), t + 200 + offset * 40) {
                        $0.requestID = local
                        $0.globalRequestID = r
                        $0.method = "GET"
                        $0.path = "/v2/images/\(local.dropFirst(4))"
                        $0.status = 200
                        $0.latencyMs = 20
                    }
                }
                add(0, t + 900) {
                    $0.requestID = r
                    $0.method = "POST"
                    $0.path = "/v2.1/servers"
                    $0.status = kind == 0 ? 202 : 500
                    $0.latencyMs = 900
                }
                add(3, t + 1_000) { $0.requestID = r }
                // Sometimes one more compute line just under or just over idle_timeout later.
                if rng.next() % 2 == 0 { add(3, t + 1_000 + 29_000 + Int(rng.next() % 2_000)) { $0.requestID = r } }
            case 2:  // an error with a traceback on compute
                add(3, t) {
                    $0.requestID = r
                    $0.level = .error
                    $0.pid = 3333
                    $0.message = "Instance failed"
                }
                for i in 0..<3 {
                    add(3, t) {
                        $0.pid = 3333
                        $0.level = .error
                        $0.message = "traceback \(i)"
                        $0.continuation = i != 1
                    }
                }
            case 3:  // id-less metadata request line
                add(0, t) {
                    $0.component = "nova.metadata.wsgi.server"
                    $0.method = "GET"
                    $0.path = "/openstack/2013-10-17"
                    $0.status = 200
                    $0.latencyMs = 1
                }
            case 4:  // id-less noise and a request that returns long after going idle
                add(3, t) { $0.message = "VM Started" }
                add(1, t + 10) { $0.requestID = r }
                add(1, t + 45_000) { $0.requestID = r }
            case 5:  // a line that bridges a near-idle gap: joins only if seen before the next one
                add(1, t) { $0.requestID = r }
                add(1, t + 28_000 + Int(rng.next() % 1_000)) { $0.requestID = r }
                add(3, t + 30_500 + Int(rng.next() % 1_000)) { $0.requestID = r }
            default:  // explicit context
                add(2, t) {
                    $0.traceID = TraceID(high: 0, low: rng.next() | 1)
                    $0.spanID = SpanID(rng.next() | 1)
                    $0.latencyMs = 5
                }
            }
        }
        // Each file in its own order (by time, then line number), as a tailer reads it.
        return perSource.keys.sorted().flatMap { source in
            perSource[source]!.sorted { (Line.parseTime($0.time!), $0.lineID) < (Line.parseTime($1.time!), $1.lineID) }
                .enumerated().map { index, line in
                    var l = line
                    l.lineID = index + 1
                    return l
                }
        }
    }

    static func stamp(_ ms: Int) -> String {
        let total = ms
        let h = total / 3_600_000
        let m = total / 60_000 % 60
        let s = total / 1_000 % 60
        let f = total % 1_000
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let three = f < 10 ? "00\(f)" : f < 100 ? "0\(f)" : "\(f)"
        return "2017-05-16 \(two(h)):\(two(m)):\(two(s)).\(three)"
    }
}

/// Arrival order: each line is delayed by up to `lateness` (continuation lines travel with
/// the line before them in their file), then all files are interleaved by arrival.
func shuffled(_ lines: [Line], lateness: Int64, seed: UInt64) -> [Line] {
    var rng = SplitMix64(seed: seed)
    var keyed: [(key: Int64, index: Int, line: Line)] = []
    var previousKey: [UInt32: Int64] = [:]
    for (index, line) in lines.enumerated() {
        let time = Line.parseTime(line.time!).nanoseconds
        let key: Int64
        if line.continuation || (line.requestID == nil && line.level == .error) {
            key = previousKey[line.source]!
        } else {
            key = time + Int64(rng.next() % UInt64(lateness))
        }
        previousKey[line.source] = key
        keyed.append((key, index, line))
    }
    return keyed.sorted { ($0.key, $0.index) < ($1.key, $1.index) }.map(\.line)
}

@Test func shufflingWithinAllowedLatenessDoesNotChangeTheTrees() {
    let configuration = SpanCorrelator.Configuration()
    let lines = Workload.lines(seed: 7)
    // Baseline: files merged by time, what `replay` does.
    let merged = lines.sorted {
        (Line.parseTime($0.time!), $0.source, $0.lineID) < (Line.parseTime($1.time!), $1.source, $1.lineID)
    }
    let (baseline, reference) = correlate(
        merged.map(\.event), configuration: configuration, sources: Workload.sources)
    let expected = baseline.map(signature).sorted()
    // The workload exercises what it claims to.
    #expect(reference.counters.late > 0)
    #expect(reference.counters.continuationAttached > 0)
    #expect(reference.counters.idlessDropped > 0)
    #expect(baseline.contains { $0.name == "openstack.request" && $0.traceID.high == 0 && $0.parentID == nil })
    #expect(Set(baseline.map(\.service)).count == 6)

    for seed in UInt64(1)...200 {
        let arrival = shuffled(lines, lateness: configuration.allowedLateness.nanoseconds, seed: seed)
        let (spans, correlator) = correlate(
            arrival.map(\.event), configuration: configuration, sources: Workload.sources)
        let got = spans.map(signature).sorted()
        #expect(got == expected, "seed \(seed)")
        #expect(correlator.counters.late == reference.counters.late, "seed \(seed)")
        #expect(correlator.counters.continuationAttached == reference.counters.continuationAttached)
        if got != expected { break }
    }
}

/// The same with the reorder buffer disabled would not hold: a control showing the test can fail.
@Test func withoutReorderingTheArrivalOrderWouldMatter() {
    let lines = Workload.lines(seed: 7)
    let merged = lines.sorted {
        (Line.parseTime($0.time!), $0.source, $0.lineID) < (Line.parseTime($1.time!), $1.source, $1.lineID)
    }
    let noBuffer = SpanCorrelator.Configuration(maxBufferedLines: 0)
    let expected = correlate(merged.map(\.event), configuration: noBuffer, sources: Workload.sources).spans
        .map(signature).sorted()
    var differed = false
    for seed in UInt64(1)...50 where !differed {
        let arrival = shuffled(lines, lateness: 5_000_000_000, seed: seed)
        let got = correlate(arrival.map(\.event), configuration: noBuffer, sources: Workload.sources).spans
            .map(signature).sorted()
        differed = got != expected
    }
    #expect(differed)
}
