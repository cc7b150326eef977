import PatternParser
import TraceTailCore

extension SeedCall {
    /// A rejected call: the message names the call and the argument at fault (returned with 400
    /// by the control API, printed by `tracetail send`).
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Decodes the JSON arguments of call `name` (short or seed name), keyed as the seed's
    /// Python keyword arguments: `{"phase":"before_fix","error_rate":1.0,"run_id":"r1"}`.
    public static func decode(name: String, body: [UInt8]) -> Result<SeedCall, Problem> {
        guard let short = shortName(name) else {
            return .failure(
                Problem(message: "unknown call `\(name)` (one of \(names.map(\.short).joined(separator: ", ")))"))
        }
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(body[...])
        } catch {
            return .failure(Problem(message: "\(short): body is not JSON: \(error)"))
        }
        guard let members = document.root.members else {
            return .failure(Problem(message: "\(short): body must be a JSON object"))
        }
        let args = Arguments(call: short, document: document, members: members)
        do throws(Problem) {
            return .success(try args.decoded())
        } catch {
            return .failure(error)
        }
    }
}

/// Reads one call's arguments, each failure naming the call and the key.
private struct Arguments {
    let call: String
    let document: JSONDocument
    let members: [JSONMember]

    func fail(_ message: String) -> SeedCall.Problem { SeedCall.Problem(message: "\(call): \(message)") }

    func value(_ keys: [String], in object: [JSONMember]? = nil) -> (key: String, value: JSONValue)? {
        for key in keys {
            if let v = document.member(key, in: object ?? members), !v.isNull { return (key, v) }
        }
        return nil
    }

    func string(_ keys: String..., required: Bool = true, default fallback: String? = nil) throws(SeedCall.Problem)
        -> String?
    {
        guard let (key, v) = value(keys) else {
            if required && fallback == nil { throw fail("missing \"\(keys[0])\"") }
            return fallback
        }
        if let s = document.string(v), !s.isEmpty { return s }
        if let n = v.number { return document.string(n.text) }
        throw fail("\"\(key)\" must be a non-empty string")
    }

    func number(_ keys: [String], in object: [JSONMember]? = nil, required: Bool) throws(SeedCall.Problem) -> Double? {
        guard let (key, v) = value(keys, in: object) else {
            if required { throw fail("missing \"\(keys[0])\" (a number)") }
            return nil
        }
        let parsed: Double? = v.number.map(\.double) ?? document.string(v).flatMap(Double.init)
        guard let parsed, parsed.isFinite else { throw fail("\"\(key)\" must be a finite number") }
        return parsed
    }

    func bool(_ key: String) throws(SeedCall.Problem) -> Bool {
        guard let (_, v) = value([key]) else { throw fail("missing \"\(key)\" (true or false)") }
        if case .bool(let b) = v { return b }
        switch document.string(v)?.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw fail("\"\(key)\" must be true or false")
        }
    }

    func phase() throws(SeedCall.Problem) -> Phase {
        let text = try string("phase")!
        guard let phase = Phase(rawValue: text) else { throw fail("unknown phase `\(text)` (before_fix or after_fix)") }
        return phase
    }

    func runID() throws(SeedCall.Problem) -> String { try string("run_id")! }
    func service() throws(SeedCall.Problem) -> String { try string("service", default: SeedCall.defaultService)! }

    func snapshot(_ keys: String...) throws(SeedCall.Problem) -> SeedCall.Snapshot {
        let key = keys[0]
        guard let (_, v) = value(keys), let object = v.members else { throw fail("missing \"\(key)\" (an object)") }
        let snapshot = SeedCall.Snapshot(
            errorRate: try number(["error_rate"], in: object, required: false),
            latencyMs: try number(["latency_ms", "latency_p95", "latency"], in: object, required: false))
        if snapshot.errorRate == nil && snapshot.latencyMs == nil {
            throw fail("\"\(key)\" has neither error_rate nor latency_ms/latency_p95")
        }
        return snapshot
    }

    func decoded() throws(SeedCall.Problem) -> SeedCall {
        switch call {
        case "error_rate":
            return .errorRate(
                phase: try phase(), value: try number(["error_rate", "value"], required: true)!, runID: try runID(),
                service: try service())
        case "latency":
            return .latency(
                phase: try phase(), milliseconds: try number(["latency_ms", "value"], required: true)!,
                runID: try runID(), service: try service())
        case "mttr":
            return .mttr(
                seconds: try number(["mttr_seconds", "value"], required: true)!, runID: try runID(),
                method: try string("method", default: "unknown")!, service: try service())
        case "incident":
            return .incident(
                eventType: try string("event_type", "incident_type")!, status: try string("status")!,
                runID: try runID(), confidence: try number(["confidence"], required: false))
        case "canary":
            return .canary(
                passed: try bool("passed"), errorRate: try number(["error_rate"], required: false),
                latencyP95: try number(["latency_p95"], required: false), runID: try runID())
        case "comparison":
            return .comparison(
                before: try snapshot("before_metrics", "before"), after: try snapshot("after_metrics", "after"),
                runID: try runID(), service: try service())
        default:
            return .eventSpan(try eventSpan())
        }
    }

    func eventSpan() throws(SeedCall.Problem) -> SeedCall.EventSpan {
        // `{"event_data": {...}, "span_type": "log_event"}` or the event's fields at the top.
        let event = value(["event_data", "event"])?.value.members ?? members
        func text(_ keys: String...) -> String? {
            guard let (_, v) = value(keys, in: event) else { return nil }
            return document.string(v) ?? v.number.map { document.string($0.text) }
        }
        func id(_ key: String) throws(SeedCall.Problem) -> UInt64? {
            guard let raw = text(key) else { return nil }
            let bytes = Array(raw.utf8)
            if let decimal = Decimal64.parse(bytes) { return decimal }
            if let hex = SpanID(hex: bytes) { return hex.rawValue }
            throw fail("\"\(key)\" must be a decimal or hex id")
        }
        let trace: TraceID?
        if let raw = text("trace_id") {
            let bytes = Array(raw.utf8)
            guard let parsed = TraceID(decimal: bytes) ?? TraceID(hex: bytes) else {
                throw fail("\"trace_id\" must be a decimal or hex id")
            }
            trace = parsed
        } else {
            trace = nil
        }
        return SeedCall.EventSpan(
            spanType: try string("span_type", default: SpanName.logEvent)!,
            lineID: try number(["LineId", "line_id", "event_id"], in: event, required: false).map { Int64($0) },
            level: text("Level", "level"), component: text("Component", "component"),
            latencyMs: try number(["latency_ms"], in: event, required: false),
            status: try number(["status", "status_code"], in: event, required: false).map { Int($0) },
            traceID: trace, spanID: try id("span_id").map(SpanID.init), parentID: try id("parent_id").map(SpanID.init),
            message: text("message", "Content"))
    }
}
