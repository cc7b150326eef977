import TraceTailCore

/// Decodes one CTA workflow event (a `cta_events` line or a control-API body) into a `CTAEvent`.
///
/// `{"timestamp":"2026-11-27T10:00:05.250Z","type":"patch_applied","run_id":"run-1",
/// "adapter":"nova-config","confidence":0.92}`
///
/// * keys match ignoring ASCII case; `fields` keys are stored lower-cased so the aggregator can
///   look up `adapter`, `confidence`, … whatever the producer's spelling;
/// * `type` must name a `CTAEventType`; `run_id` must be a non-empty string;
/// * the time is `timestamp`, else `time`, else `@timestamp`: an ISO 8601 string (zone-less
///   means UTC) or an epoch number (seconds, or ms/µs/ns by magnitude);
/// * known fields are type-checked: `confidence`, `error_rate`, `latency_p95`, `duration_s`
///   must be numbers (stored as `.double`), `passed` a boolean, `method`, `cause`, `adapter`
///   strings; otherwise the line is rejected with `.wrongFieldType`;
/// * every other field becomes an `AttributeValue`: strings, booleans, integers (`.int`;
///   integers beyond `Int` keep their exact digits as `.string`), other numbers `.double`;
///   `null` is dropped; a nested object or array is kept as its compact JSON text (a
///   `.string`), so an agent adding a `details` object does not lose the whole event.
public struct CTAEventDecoder: Sendable {
    public init() {}

    /// Decodes `line`; `origin` (`file:line`) goes into the event and into every problem.
    public func decode(_ line: ArraySlice<UInt8>, origin: String) -> Result<CTAEvent, CTAEventProblem> {
        func problem(_ reason: CTAEventProblem.Reason, _ message: String) -> Result<CTAEvent, CTAEventProblem> {
            .failure(CTAEventProblem(origin: origin, reason: reason, message: message))
        }
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(line)
        } catch {
            return problem(.notJSON, "not a JSON object: \(error)")
        }
        guard let members = document.root.members else { return problem(.notJSON, "not a JSON object") }

        guard let typeValue = document.member("type", in: members) else {
            return problem(.unknownType, "missing \"type\"")
        }
        guard let typeName = document.string(typeValue) else {
            return problem(.wrongFieldType, "\"type\" must be a string")
        }
        guard let type = CTAEventType(rawValue: typeName) else {
            return problem(.unknownType, "unknown event type \(JSONWriter.quoted(typeName))")
        }

        guard let runValue = document.member("run_id", in: members), !runValue.isNull else {
            return problem(.missingRunID, "missing \"run_id\"")
        }
        guard let runID = document.string(runValue) else {
            return problem(.wrongFieldType, "\"run_id\" must be a string")
        }
        guard !runID.isEmpty else { return problem(.missingRunID, "empty \"run_id\"") }

        let timeKeys = ["timestamp", "time", "@timestamp"]
        guard
            let (timeKey, timeValue) = timeKeys.lazy.compactMap({ key in
                document.member(key, in: members).map { (key, $0) }
            }).first(where: { !$0.1.isNull })
        else { return problem(.missingTimestamp, "missing \"timestamp\"") }
        let timestamp: EventTime
        switch timeValue {
        case .string(let range):
            guard let parsed = JSONTimestamp.parseISO8601(document.bytes(range)) else {
                return problem(
                    .badTimestamp, "\"\(timeKey)\" is not an ISO 8601 time: \(document.serialized(timeValue))")
            }
            timestamp = parsed.time
        case .number(let number):
            guard let time = JSONTimestamp.parseEpoch(number: document.bytes(number.text)) else {
                return problem(.badTimestamp, "\"\(timeKey)\" is not an epoch time: \(document.string(number.text))")
            }
            timestamp = time
        default:
            return problem(.badTimestamp, "\"\(timeKey)\" must be a string or a number")
        }

        var fields: [String: AttributeValue] = [:]
        for member in members {
            let key = String(decoding: document.bytes(member.key).map(JSONDocument.lowercased), as: UTF8.self)
            if key == "type" || key == "run_id" || timeKeys.contains(key) || fields[key] != nil { continue }
            let expected = CTAEventDecoder.expectedKinds[key]
            switch (member.value, expected) {
            case (.null, _):
                continue
            case (.number(let number), .number?):
                guard number.double.isFinite else {
                    return problem(.wrongFieldType, "field \"\(key)\" must be a finite number")
                }
                fields[key] = .double(number.double)
            case (.bool(let flag), .bool?), (.bool(let flag), nil):
                fields[key] = .bool(flag)
            case (.string(let range), .string?), (.string(let range), nil):
                fields[key] = .string(document.string(range))
            case (.number(let number), nil):
                fields[key] = attribute(number, in: document)
            case (.array, nil), (.object, nil):
                fields[key] = .string(document.serialized(member.value))
            case (_, let kind?):
                return problem(
                    .wrongFieldType,
                    "field \"\(key)\" must be a \(kind.rawValue), got \(CTAEventDecoder.kindName(member.value))")
            }
        }
        return .success(CTAEvent(type: type, runID: runID, timestamp: timestamp, fields: fields, origin: origin))
    }

    private func attribute(_ number: JSONNumber, in document: JSONDocument) -> AttributeValue {
        if number.isInteger {
            if let exact = number.int64 { return .int(Int(exact)) }
            return .string(document.string(number.text))  // beyond Int: keep every digit
        }
        return .double(number.double)
    }

    /// JSON kinds the known CTA fields must have.
    enum Kind: String {
        case number
        case bool = "boolean"
        case string
    }

    static let expectedKinds: [String: Kind] = [
        "confidence": .number, "error_rate": .number, "latency_p95": .number, "duration_s": .number,
        "passed": .bool, "method": .string, "cause": .string, "adapter": .string,
    ]

    static func kindName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
