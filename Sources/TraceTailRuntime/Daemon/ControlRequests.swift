import PatternParser
import TraceTailCore

/// Validation of control-API bodies into commands: pure, so every bad request is testable
/// without a server. A failure's message says what is wrong and is returned with 400.
public enum ControlRequests {
    /// A rejected body.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// `{"phase":"after_fix","run_id":"…"}`.
    public static func phase(_ body: [UInt8]) -> Result<ControlCommand, Problem> {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(body[...])
        } catch {
            return .failure(Problem(message: "body is not JSON: \(error)"))
        }
        guard let members = document.root.members else {
            return .failure(Problem(message: "body must be a JSON object"))
        }
        guard let phaseValue = document.member("phase", in: members), let name = document.string(phaseValue) else {
            return .failure(Problem(message: "missing \"phase\" (before_fix or after_fix)"))
        }
        guard let phase = Phase(rawValue: name) else {
            return .failure(Problem(message: "unknown phase \(JSONWriter.quoted(name)) (before_fix or after_fix)"))
        }
        guard let runValue = document.member("run_id", in: members), let runID = document.string(runValue),
            !runID.isEmpty
        else { return .failure(Problem(message: "missing \"run_id\"")) }
        return .success(.phase(phase, runID: runID))
    }

    /// A CTA event (DESIGN §5 types); without a `timestamp` it happens `now`.
    public static func event(_ body: [UInt8], now: EventTime) -> Result<ControlCommand, Problem> {
        let decoder = CTAEventDecoder()
        switch decoder.decode(body[...], origin: "POST /v1/events") {
        case .success(let event): return .success(.event(event))
        case .failure(let problem) where problem.reason == .missingTimestamp:
            // Stamp it with the time it reached us: append a timestamp member to the object.
            guard let close = body.lastIndex(of: UInt8(ascii: "}")) else {
                return .failure(Problem(message: problem.message))
            }
            var stamped = Array(body[..<close])
            stamped += Array(",\"timestamp\":\(now.nanoseconds)}".utf8)
            switch decoder.decode(stamped[...], origin: "POST /v1/events") {
            case .success(let event): return .success(.event(event))
            case .failure(let again): return .failure(Problem(message: again.message))
            }
        case .failure(let problem): return .failure(Problem(message: problem.message))
        }
    }
}
