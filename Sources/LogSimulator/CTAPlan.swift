import TraceTailCore

/// One CTA workflow event of a simulated run, with its fields in a fixed order.
public struct SimulatedCTAEvent: Sendable, Equatable {
    /// When the agent emitted it (whole milliseconds).
    public var time: EventTime
    /// One of the DESIGN §5 types.
    public var type: CTAEventType
    /// `run_id`.
    public var runID: String
    /// Every other field, in output order.
    public var fields: [Field]

    /// A named field value.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: AttributeValue
    }

    /// The JSON line: `{"timestamp":"…Z","type":"…","run_id":"…",…}`.
    public var json: String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("timestamp")
        writer.string(time.iso8601)
        writer.key("type")
        writer.string(type.rawValue)
        writer.key("run_id")
        writer.string(runID)
        for field in fields {
            writer.key(field.name)
            writer.attribute(field.value)
        }
        writer.endObject()
        return writer.output
    }

    /// The same event as the pipeline's `CTAEvent`.
    public var ctaEvent: CTAEvent {
        var values: [String: AttributeValue] = [:]
        for field in fields { values[field.name] = field.value }
        return CTAEvent(
            type: type, runID: runID, timestamp: time, fields: values, origin: SimulatedFile.ctaAgent.fileName)
    }
}

/// What the CTA agent does about the injected incident: detect it a little after it starts,
/// analyse, apply the patch exactly at the configured fix time, canary it, promote it and save
/// the signature. Drawn from its own generator so the plan never shifts the log lines.
struct CTAPlan {
    /// Why the simulated API fails (the tracebacks agree).
    static let cause = "db_connection_pool_exhausted"

    let configuration: SimulationConfiguration
    private var rng: SplitMix64

    init(configuration: SimulationConfiguration) {
        self.configuration = configuration
        rng = SplitMix64(seed: configuration.seed ^ 0x5eed_c7a0_0000_0001)
    }

    /// The events that fall inside the run, in time order.
    mutating func events() -> [SimulatedCTAEvent] {
        guard let incident = configuration.incident else { return [] }
        let incidentStart = configuration.start + incident.start
        let fix = configuration.fixTime.map(Self.wholeMilliseconds)
        var out: [SimulatedCTAEvent] = []
        func add(_ time: EventTime, _ type: CTAEventType, _ fields: [(String, AttributeValue)]) {
            out.append(
                SimulatedCTAEvent(
                    time: Self.wholeMilliseconds(time), type: type, runID: configuration.runID,
                    fields: fields.map { SimulatedCTAEvent.Field(name: $0.0, value: $0.1) }))
        }
        // Every step before the fix takes a share of the time left, so even a fix seconds after
        // the incident starts keeps the order detected < started < completed < patch.
        let horizon = fix ?? (incidentStart + .minutes(10))
        func step(_ from: EventTime, upTo preferred: EventDuration, share: Double) -> EventTime {
            let left = horizon - from
            let cap = EventDuration(nanoseconds: Int64(Double(left.nanoseconds) * share))
            return from + min(preferred, cap)
        }
        let detected = step(incidentStart, upTo: .milliseconds(Int64(rng.int(in: 65_000...75_000))), share: 0.2)
        add(
            detected, .incidentDetected,
            [
                ("service", .string("nova-api")), ("incident_type", .string("error_rate_spike")),
                ("error_rate", .double(hundredths(30...42))), ("threshold", .double(0.1)),
            ])
        let started = step(detected, upTo: .milliseconds(Int64(rng.int(in: 800...2000))), share: 0.05)
        add(started, .analysisStarted, [("service", .string("nova-api"))])

        let methods = ["heuristic", "llm", "cached"]
        let method = methods[rng.weighted([45, 35, 20])]
        let confidence =
            switch method {
            case "heuristic": hundredths(78...89)
            case "llm": hundredths(84...95)
            default: hundredths(95...98)
            }
        let completed = step(started, upTo: .milliseconds(Int64(rng.int(in: 60_000...110_000))), share: 0.45)
        add(
            completed, .analysisCompleted,
            [
                ("method", .string(method)), ("cause", .string(Self.cause)), ("confidence", .double(confidence)),
                ("summary", .string("nova-api [api_database] max_overflow=0 exhausts the SQLAlchemy QueuePool")),
            ])
        if method == "cached" {
            let found = step(completed, upTo: .milliseconds(Int64(rng.int(in: 1000...3000))), share: 0.25)
            add(
                found, .cachedFixFound,
                [
                    ("signature", .string("sig-" + Hex.string(rng.next(), digits: 12))),
                    ("confidence", .double(confidence)),
                ])
        }
        if let fix {
            add(
                fix, .patchApplied,
                [
                    ("adapter", .string("oslo_config")), ("confidence", .double(confidence)),
                    ("target", .string("nova.conf [api_database] max_overflow = 50")),
                ])
            let errorRate = Double(rng.int(in: 0...8)) / 1000
            let p95 = Double(rng.int(in: 260...420))
            let canary = fix + .milliseconds(Int64(rng.int(in: 45_000...75_000)))
            add(
                canary, .canaryTest,
                [("passed", .bool(true)), ("error_rate", .double(errorRate)), ("latency_p95", .double(p95))])
            let promoted = canary + .seconds(30)
            add(promoted, .fixPromoted, [("error_rate", .double(errorRate)), ("latency_p95", .double(p95))])
            if method != "cached" {
                let saved = promoted + .milliseconds(Int64(rng.int(in: 1000...3000)))
                add(saved, .signatureSaved, [("cause", .string(Self.cause)), ("confidence", .double(confidence))])
            }
        }
        return out.filter { $0.time < configuration.end }
    }

    private mutating func hundredths(_ range: ClosedRange<Int>) -> Double { Double(rng.int(in: range)) / 100 }

    static func wholeMilliseconds(_ time: EventTime) -> EventTime {
        EventTime(nanoseconds: time.nanoseconds - ((time.nanoseconds % 1_000_000) + 1_000_000) % 1_000_000)
    }
}

extension LogSimulator {
    /// The CTA workflow events of a configuration (the lines of `cta-agent.jsonl`), in time order.
    public static func ctaEvents(_ configuration: SimulationConfiguration) -> [SimulatedCTAEvent] {
        var plan = CTAPlan(configuration: configuration)
        return plan.events()
    }
}
