import PatternParser
import Testing
import TraceTailCore

@Suite("CTA event decoder")
struct CTAEventDecoderTests {
    private let decoder = CTAEventDecoder()
    private static let t0 = CivilTime(
        year: 2026, month: 11, day: 27, hour: 10, minute: 0, second: 5, nanosecond: 250_000_000
    )
    .eventTime

    private func decode(_ line: String, origin: String = "events.jsonl:7") -> Result<CTAEvent, CTAEventProblem> {
        decoder.decode(jsonBytes(line), origin: origin)
    }

    @Test func decodesTheSeedExample() throws {
        let event = try decode(
            #"{"timestamp":"2026-11-27T10:00:05.250Z","type":"patch_applied","run_id":"run-1","adapter":"nova-config","confidence":0.92}"#
        ).get()
        #expect(event.type == .patchApplied)
        #expect(event.runID == "run-1")
        #expect(event.timestamp == Self.t0)
        #expect(event.origin == "events.jsonl:7")
        #expect(event.fields == ["adapter": .string("nova-config"), "confidence": .double(0.92)])
    }

    @Test(arguments: CTAEventType.allCases)
    func acceptsEveryType(type: CTAEventType) throws {
        let event = try decode(#"{"timestamp":"2026-11-27T10:00:05.250Z","type":"\#(type.rawValue)","run_id":"r"}"#)
            .get()
        #expect(event.type == type)
        #expect(event.fields.isEmpty)
    }

    @Test(arguments: [
        #""time":"2026-11-27T10:00:05.250Z""#, #""@timestamp":"2026-11-27T10:00:05.250Z""#,
        #""Timestamp":"2026-11-27 10:00:05.250""#, #""timestamp":1795773605.25"#, #""time":1795773605250"#,
        #""timestamp":null,"time":"2026-11-27T10:00:05.250Z""#,
    ])
    func timeAliases(member: String) throws {
        let event = try decode(#"{\#(member),"type":"canary_test","run_id":"r"}"#).get()
        #expect(event.timestamp == Self.t0)
    }

    @Test func keysIgnoreCaseAndFieldsAreLowerCased() throws {
        let event = try decode(
            #"{"Timestamp":"2026-11-27T10:00:05.250Z","TYPE":"analysis_completed","Run_ID":"run-9","Method":"llm","Cause":"db","Confidence":1}"#
        ).get()
        #expect(event.type == .analysisCompleted)
        #expect(event.runID == "run-9")
        #expect(event.fields == ["method": .string("llm"), "cause": .string("db"), "confidence": .double(1)])
    }

    @Test func otherFieldsKeepTheirJSONType() throws {
        let event = try decode(
            #"{"timestamp":"2026-11-27T10:00:05.250Z","type":"canary_test","run_id":"r","passed":false,"error_rate":0,"latency_p95":412.5,"duration_s":12,"attempt":3,"big":18446744073709551615,"ratio":0.5,"note":"ok","gone":null,"details":{"a":[1,"x"]},"tags":["a","b"]}"#
        ).get()
        #expect(event.fields["passed"] == .bool(false))
        #expect(event.fields["error_rate"] == .double(0))
        #expect(event.fields["latency_p95"] == .double(412.5))
        #expect(event.fields["duration_s"] == .double(12))
        #expect(event.fields["attempt"] == .int(3))
        #expect(event.fields["big"] == .string("18446744073709551615"))
        #expect(event.fields["ratio"] == .double(0.5))
        #expect(event.fields["note"] == .string("ok"))
        #expect(event.fields["gone"] == nil)
        #expect(event.fields["details"] == .string(#"{"a":[1,"x"]}"#))
        #expect(event.fields["tags"] == .string(#"["a","b"]"#))
        #expect(event.fields.count == 10)
    }

    @Test(arguments: [
        ("not json at all", CTAEventProblem.Reason.notJSON),
        (#"{"type":"patch_applied""#, .notJSON),
        (#"["patch_applied"]"#, .notJSON),
        ("", .notJSON),
        (#"{"run_id":"r","timestamp":"2026-11-27T10:00:05Z"}"#, .unknownType),
        (#"{"type":"patch_aplied","run_id":"r","timestamp":"2026-11-27T10:00:05Z"}"#, .unknownType),
        (#"{"type":"Patch_Applied","run_id":"r","timestamp":"2026-11-27T10:00:05Z"}"#, .unknownType),
        (#"{"type":7,"run_id":"r","timestamp":"2026-11-27T10:00:05Z"}"#, .wrongFieldType),
        (#"{"type":"patch_applied","timestamp":"2026-11-27T10:00:05Z"}"#, .missingRunID),
        (#"{"type":"patch_applied","run_id":"","timestamp":"2026-11-27T10:00:05Z"}"#, .missingRunID),
        (#"{"type":"patch_applied","run_id":null,"timestamp":"2026-11-27T10:00:05Z"}"#, .missingRunID),
        (#"{"type":"patch_applied","run_id":1,"timestamp":"2026-11-27T10:00:05Z"}"#, .wrongFieldType),
        (#"{"type":"patch_applied","run_id":"r"}"#, .missingTimestamp),
        (#"{"type":"patch_applied","run_id":"r","timestamp":null}"#, .missingTimestamp),
        (#"{"type":"patch_applied","run_id":"r","timestamp":"yesterday"}"#, .badTimestamp),
        (#"{"type":"patch_applied","run_id":"r","timestamp":"2026-02-30T00:00:00Z"}"#, .badTimestamp),
        (#"{"type":"patch_applied","run_id":"r","timestamp":-1}"#, .badTimestamp),
        (#"{"type":"patch_applied","run_id":"r","timestamp":true}"#, .badTimestamp),
        (
            #"{"type":"patch_applied","run_id":"r","timestamp":"2026-11-27T10:00:05Z","confidence":"high"}"#,
            .wrongFieldType
        ),
        (#"{"type":"canary_test","run_id":"r","timestamp":"2026-11-27T10:00:05Z","passed":"true"}"#, .wrongFieldType),
        (
            #"{"type":"canary_test","run_id":"r","timestamp":"2026-11-27T10:00:05Z","error_rate":null,"latency_p95":[1]}"#,
            .wrongFieldType
        ),
        (
            #"{"type":"fix_promoted","run_id":"r","timestamp":"2026-11-27T10:00:05Z","duration_s":1e999}"#,
            .wrongFieldType
        ),
        (#"{"type":"analysis_completed","run_id":"r","timestamp":"2026-11-27T10:00:05Z","method":1}"#, .wrongFieldType),
        (#"{"type":"analysis_completed","run_id":"r","timestamp":"2026-11-27T10:00:05Z","cause":{}}"#, .wrongFieldType),
        (#"{"type":"patch_applied","run_id":"r","timestamp":"2026-11-27T10:00:05Z","adapter":false}"#, .wrongFieldType),
    ])
    func problemsNameTheirReasonAndOrigin(line: String, reason: CTAEventProblem.Reason) {
        switch decode(line, origin: "cta.jsonl:42") {
        case .success(let event):
            Issue.record("accepted \(line) as \(event)")
        case .failure(let problem):
            #expect(problem.reason == reason, "\(problem)")
            #expect(problem.origin == "cta.jsonl:42")
            #expect(problem.description.hasPrefix("cta.jsonl:42: "))
            #expect(!problem.message.isEmpty)
        }
    }

    @Test func problemMessagesAreSpecific() {
        guard
            case .failure(let problem) = decode(
                #"{"type":"canary_test","run_id":"r","timestamp":"2026-11-27T10:00:05Z","passed":1}"#, origin: "a:1")
        else {
            Issue.record("accepted a numeric passed")
            return
        }
        #expect(problem.description == #"a:1: field "passed" must be a boolean, got number"#)
        guard case .failure(let unknown) = decode(#"{"type":"nope","run_id":"r"}"#, origin: "b:2") else {
            Issue.record("accepted an unknown type")
            return
        }
        #expect(unknown.description == #"b:2: unknown event type "nope""#)
    }

    @Test func neverTrapsOnHostileInput() {
        for line in [String(repeating: "{\"type\":", count: 10_000), "{\"type\":\"\u{0}\"}", "\u{0}"] {
            #expect(throws: CTAEventProblem.self) { try decode(line).get() }
        }
        let invalidUTF8: [UInt8] = [0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]
        #expect(throws: CTAEventProblem.self) { try decoder.decode(ArraySlice(invalidUTF8), origin: "x").get() }
    }
}
