import Testing
import TraceTailCore
import TraceTailReport

/// A realistic replay output for report tests: 30 minutes of nova traffic with an incident on
/// nova-api and nova-compute, a CTA fix, and recovery, plus the gauges and events the
/// aggregator would emit (computed here with the DESIGN §4 rules, 10 s boundaries, 60 s window).
enum ReportFixture {
    static let start = CivilTime(year: 2017, month: 5, day: 16).eventTime
    static let minute: Int64 = 60_000_000_000
    static let second: Int64 = 1_000_000_000
    static let millisecond: Int64 = 1_000_000

    /// Offsets from `start`, in seconds.
    static let incidentStart: Int64 = 6 * 60
    static let fixAt: Int64 = 13 * 60
    static let errorsStop: Int64 = 13 * 60 + 30
    static let duration: Int64 = 30 * 60

    static func at(_ seconds: Int64, ms: Int64 = 0) -> EventTime {
        start.advanced(byNanoseconds: seconds * second + ms * millisecond)
    }

    /// Deterministic pseudo-random numbers (64-bit LCG, Knuth's constants).
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// The whole stream, in event-time order. `hostile` puts markup into a service name and
    /// an error message, as a log line could.
    static func records(hostile: Bool = false) -> [OutputRecord] {
        let spans = makeSpans(hostile: hostile)
        var timed: [(EventTime, Int, OutputRecord)] = spans.map { ($0.end, 0, .span($0)) }
        var order = 1
        for r in aggregate(spans) + ctaEvents() {
            let t: EventTime
            switch r {
            case .metric(let m): t = m.timestamp
            case .event(let e): t = e.timestamp
            case .span(let s): t = s.end
            }
            timed.append((t, order, r))
            order += 1
        }
        return timed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    static func phase(at t: EventTime) -> Phase { t < at(fixAt) ? .beforeFix : .afterFix }

    static func inIncident(_ t: EventTime) -> Bool { t >= at(incidentStart) && t < at(errorsStop) }

    static func makeSpans(hostile: Bool) -> [Span] {
        var rng = LCG(state: 42)
        var spans: [Span] = []
        var traceNumber: UInt64 = 0
        func span(
            _ trace: UInt64, _ id: UInt64, _ parent: UInt64?, _ service: String, _ resource: String,
            _ start: EventTime, _ ms: Double, status: Int? = nil, error: String? = nil, lines: Int = 2
        ) -> Span {
            var attributes: [String: AttributeValue] = [
                "phase": .string(phase(at: start).rawValue), "run_id": .string("run-1"), "line_count": .int(lines),
            ]
            if let status { attributes["http.status_code"] = .int(status) }
            if let error { attributes["error.message"] = .string(error) }
            return Span(
                traceID: TraceID(high: 0xabc, low: trace), spanID: SpanID(id), parentID: parent.map(SpanID.init),
                service: service, name: "openstack.request", resource: resource, start: start,
                durationNanoseconds: Int64(ms * 1e6), error: error != nil || (status ?? 0) >= 500,
                attributes: attributes)
        }
        let apiName = hostile ? "nova-api<script>alert(1)</script>" : "nova-api"
        // Server list every 2 s: one-span traces on nova-api.
        var t: Int64 = 0
        while t < duration {
            traceNumber += 1
            let begin = at(t, ms: Int64(rng.next() * 500))
            let bad = inIncident(begin) && rng.next() < 0.4
            let ms = bad ? 800 + rng.next() * 400 : 20 + rng.next() * 40
            let message =
                hostile
                ? "<script>alert('pwned')</script> & \"quoted\" DBConnectionError" : "DBConnectionError: pool exhausted"
            spans.append(
                span(
                    traceNumber, traceNumber << 8, nil, apiName, "GET /v2.1/servers/detail", begin, ms,
                    status: bad ? 500 : 200, error: bad ? message : nil, lines: bad ? 14 : 1))
            t += 2
        }
        // Boot flow every 15 s: six spans over five services.
        t = 5
        while t < duration {
            traceNumber += 1
            let tr = traceNumber
            let root = tr << 8
            let begin = at(t)
            let bad = inIncident(begin) && rng.next() < 0.5
            let computeMs = bad ? 2500 + rng.next() * 1000 : 600 + rng.next() * 200
            spans.append(span(tr, root, nil, apiName, "POST /v2.1/servers", begin, computeMs + 400, status: 202))
            spans.append(
                span(
                    tr, root + 1, root, "nova-conductor", "build_instances",
                    begin.advanced(byNanoseconds: 50 * millisecond), computeMs + 300))
            spans.append(
                span(
                    tr, root + 2, root + 1, "nova-scheduler", "select_destinations",
                    begin.advanced(byNanoseconds: 60 * millisecond), 40 + rng.next() * 20))
            let computeStart = begin.advanced(byNanoseconds: 150 * millisecond)
            spans.append(
                span(
                    tr, root + 3, root + 1, "nova-compute", "build_and_run_instance", computeStart, computeMs,
                    error: bad ? "Failed to allocate the network(s), not rescheduling." : nil, lines: bad ? 23 : 6))
            spans.append(
                span(
                    tr, root + 4, root + 3, "glance", "GET /v2/images/{id}",
                    computeStart.advanced(byNanoseconds: 20 * millisecond), 30 + rng.next() * 30, status: 200))
            spans.append(
                span(
                    tr, root + 5, root + 3, "neutron", "POST /v2.0/ports",
                    computeStart.advanced(byNanoseconds: 80 * millisecond), 100 + rng.next() * 80,
                    status: bad ? 503 : 201))
            t += 15
        }
        return spans
    }

    /// Gauges per (service, phase) at every boundary and incidents per service, as DESIGN §4 says.
    static func aggregate(_ spans: [Span]) -> [OutputRecord] {
        var out: [OutputRecord] = []
        var incidentOpen: [String: (detected: EventTime, healthy: Int, firstHealthy: EventTime?)] = [:]
        let services = Set(spans.map(\.service)).sorted()
        var boundary: Int64 = 10
        while boundary <= duration + 60 {
            let t = at(boundary)
            let inWindow = spans.filter { $0.end > at(boundary - 60) && $0.end <= t }
            for service in services {
                let mine = inWindow.filter { $0.service == service }
                for phase in Phase.allCases {
                    let p = mine.filter { $0.attributes["phase"] == .string(phase.rawValue) }
                    guard !p.isEmpty else { continue }
                    let tags = ["service": service, "phase": phase.rawValue, "run_id": "run-1"]
                    let rate = Double(p.filter(\.error).count) / Double(p.count)
                    let sorted = p.map(\.durationMilliseconds).sorted()
                    let p95 = sorted[Int((0.95 * Double(sorted.count)).rounded(.up)) - 1]
                    out.append(
                        .metric(
                            MetricPoint(name: "cta.error_rate", type: .gauge, value: rate, timestamp: t, tags: tags)))
                    out.append(
                        .metric(MetricPoint(name: "cta.latency_ms", type: .gauge, value: p95, timestamp: t, tags: tags))
                    )
                    out.append(
                        .metric(
                            MetricPoint(
                                name: "cta.requests", type: .gauge, value: Double(p.count), timestamp: t, tags: tags)))
                }
                let rate = mine.isEmpty ? 0 : Double(mine.filter(\.error).count) / Double(mine.count)
                let unhealthy = rate > 0.1 && mine.count >= 10
                let tags = ["service": service, "incident_type": "error_rate", "run_id": "run-1"]
                if var open = incidentOpen[service] {
                    if unhealthy {
                        open.healthy = 0
                        open.firstHealthy = nil
                    } else {
                        open.healthy += 1
                        if open.firstHealthy == nil { open.firstHealthy = t }
                    }
                    incidentOpen[service] = open
                    if open.healthy == 3, let recovered = open.firstHealthy {
                        let mttr = Double((recovered - open.detected).nanoseconds) / 1e9
                        out.append(
                            .event(
                                TelemetryEvent(
                                    name: "incident_resolved", timestamp: t,
                                    tags: tags.merging(["status": "resolved", "source": "tracetail"]) { a, _ in a },
                                    text: "\(service) recovered")))
                        out.append(
                            .metric(
                                MetricPoint(
                                    name: "cta.mttr_seconds", type: .gauge, value: mttr, timestamp: t,
                                    tags: ["service": service, "method": "llm", "run_id": "run-1"])))
                        incidentOpen[service] = nil
                    }
                } else if unhealthy {
                    incidentOpen[service] = (t, 0, nil)
                    out.append(
                        .event(
                            TelemetryEvent(
                                name: "incident_detected", timestamp: t,
                                tags: tags.merging(["status": "detected", "source": "tracetail"]) { a, _ in a },
                                text: "\(service) error rate \(TagValue.rounded(rate))")))
                }
            }
            boundary += 10
        }
        return out + improvements(spans)
    }

    /// `cta.improvement.*` per service over the 5-minute compare windows around the fix.
    static func improvements(_ spans: [Span]) -> [OutputRecord] {
        var out: [OutputRecord] = []
        let emitAt = at(fixAt + 300)
        for service in Set(spans.map(\.service)).sorted() {
            let before = spans.filter { $0.service == service && $0.start >= at(fixAt - 300) && $0.start < at(fixAt) }
            let after = spans.filter { $0.service == service && $0.start >= at(fixAt) && $0.start < at(fixAt + 300) }
            guard !before.isEmpty, !after.isEmpty else { continue }
            func rate(_ s: [Span]) -> Double { Double(s.filter(\.error).count) / Double(s.count) }
            let tags = ["service": service, "run_id": "run-1"]
            out.append(
                .metric(
                    MetricPoint(
                        name: "cta.improvement.error_rate", type: .gauge, value: rate(before) - rate(after),
                        timestamp: emitAt, tags: tags)))
        }
        return out
    }

    /// The CTA workflow, as events (the aggregator republishes each CTA event under its type).
    static func ctaEvents() -> [OutputRecord] {
        func event(_ name: String, _ s: Int64, _ tags: [String: String], _ text: String = "") -> OutputRecord {
            .event(
                TelemetryEvent(
                    name: name, timestamp: at(s), tags: tags.merging(["run_id": "run-1"]) { a, _ in a }, text: text))
        }
        return [
            event("analysis_started", incidentStart + 75, [:]),
            event(
                "analysis_completed", incidentStart + 240,
                ["method": "llm", "cause": "db_pool_exhausted", "confidence": "0.92"]),
            event("patch_applied", fixAt, ["adapter": "config", "confidence": "0.92"]),
            event(
                "phase_changed", fixAt, ["phase": "after_fix", "from": "before_fix"], "phase before_fix → after_fix"),
            event("canary_test", fixAt + 60, ["passed": "true"]),
            event("fix_promoted", fixAt + 150, ["error_rate": "0", "latency_p95": "55.1"]),
            event("signature_saved", fixAt + 200, ["cause": "db_pool_exhausted", "confidence": "0.92"]),
        ]
    }
}

@Suite struct ReportFixtureTests {
    @Test func fixtureTellsTheIncidentStory() {
        let records = ReportFixture.records()
        var detected: [String] = []
        var resolved: [String] = []
        var spans = 0
        for case .event(let e) in records {
            if e.name == "incident_detected" { detected.append(e.tags["service"] ?? "") }
            if e.name == "incident_resolved" { resolved.append(e.tags["service"] ?? "") }
        }
        for record in records {
            if case .span = record { spans += 1 }
        }
        #expect(detected.contains("nova-api"))
        #expect(Set(detected) == Set(resolved))
        #expect(spans > 1_500)
        #expect(ReportFixture.records() == records)
    }
}
