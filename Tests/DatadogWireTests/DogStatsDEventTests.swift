import Testing
import TraceTailCore

@testable import DatadogWire

/// Event lines (`_e{…}`), against ANCHORS §3.1: UTF-8 byte lengths, `\n` escapes, fields.
@Suite struct DogStatsDEventTests {
    static func event(_ name: String, tags: [String: String] = [:], text: String, seconds: Int64 = 1_717_000_000)
        -> TelemetryEvent
    {
        TelemetryEvent(name: name, timestamp: EventTime(seconds: seconds), tags: tags, text: text)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func anchorsRemediationExample() throws {
        // ANCHORS' `_e{26,32}:remediation applied: fix-1|restarted nova-compute on node-3|t:info|k:fix-1|…`,
        // as our formatter titles and orders it.
        let line = DogStatsDFormatter().eventLine(
            Self.event(
                "patch_applied", tags: ["run_id": "fix-1", "phase": "after_fix"],
                text: "restarted nova-compute on node-3"))
        #expect(
            Self.text(line)
                == "_e{24,32}:TraceTail: patch_applied|restarted nova-compute on node-3|d:1717000000|k:fix-1|p:normal"
                + "|t:info|s:tracetail|#phase:after_fix,run_id:fix-1")
        _ = try DogStatsDGrammar.event(line)
    }

    @Test func lengthsAreUTF8BytesOfTheEscapedText() throws {
        let line = DogStatsDFormatter(options: .init(constantTags: [("env", "lab")])).eventLine(
            Self.event(
                "incident_detected", tags: ["service": "növa", "run_id": "run-1"], text: "naïve — 日本\nline2"))
        // Title: "TraceTail: incident_detected növa" = 10 + 1 + 17 + 1 + 5 bytes.
        // Text: "naïve"(6) " "(1) "—"(3) " "(1) "日本"(6) "\n"(2) "line2"(5) = 24 bytes.
        #expect(
            Self.text(line)
                == "_e{34,24}:TraceTail: incident_detected növa|naïve — 日本\\nline2|d:1717000000|k:run-1|p:normal"
                + "|t:error|s:tracetail|#run_id:run-1,service:növa,env:lab")
        let parsed = try DogStatsDGrammar.event(line)
        #expect(parsed.title == "TraceTail: incident_detected növa")
        #expect(parsed.text == "naïve — 日本\\nline2")
    }

    @Test(arguments: [
        ("incident_detected", "error"), ("incident_resolved", "success"), ("fix_rollback", "warning"),
        ("fix_promoted", "success"), ("phase_changed", "info"), ("patch_applied", "info"), ("", "info"),
    ])
    func alertTypes(name: String, alert: String) throws {
        let parsed = try DogStatsDGrammar.event(DogStatsDFormatter().eventLine(Self.event(name, text: "x")))
        #expect(parsed.fields["t"] == alert)
        #expect(parsed.fields["p"] == "normal")
        #expect(parsed.fields["s"] == "tracetail")
    }

    @Test func aggregationKeyIsRunIDElseEventName() throws {
        let withRun = try DogStatsDGrammar.event(
            DogStatsDFormatter().eventLine(Self.event("fix_promoted", tags: ["run_id": "run-7"], text: "")))
        #expect(withRun.fields["k"] == "run-7")
        let without = try DogStatsDGrammar.event(DogStatsDFormatter().eventLine(Self.event("phase_changed", text: "")))
        #expect(without.fields["k"] == "phase_changed")
        let long = try DogStatsDGrammar.event(
            DogStatsDFormatter().eventLine(
                Self.event("x", tags: ["run_id": String(repeating: "é", count: 60)], text: "")))
        #expect(long.fields["k"] == String(repeating: "é", count: 50))  // 100 bytes
    }

    @Test func pipesAndLineBreaksCannotBreakTheGrammar() throws {
        let line = DogStatsDFormatter().eventLine(
            Self.event("a|b", tags: ["service": "s|1\nx", "run_id": "r|1\n"], text: "one|two\r\nthree\rfour\n"))
        #expect(
            Self.text(line)
                == "_e{22,23}:TraceTail: a¦b s¦1 x|one¦two\\nthree\\nfour\\n|d:1717000000|k:r_1_|p:normal"
                + "|t:info|s:tracetail|#run_id:r_1_,service:s_1_x")
        _ = try DogStatsDGrammar.event(line)
    }

    @Test func textIsCutToFitThePacket() throws {
        let f = DogStatsDFormatter(options: .init(maxPacketBytes: 100))
        // Without text the line is 66 bytes plus the text length's digits: 32 more bytes fit,
        // "…" (3) included, and 29 would split an "é", so 14 of them go.
        let line = f.eventLine(Self.event("x", text: String(repeating: "é", count: 100)))
        #expect(
            Self.text(line)
                == "_e{12,31}:TraceTail: x|" + String(repeating: "é", count: 14)
                + "…|d:1717000000|k:x|p:normal|t:info|s:tracetail")
        #expect(line.count == 99)
        _ = try DogStatsDGrammar.event(line)
    }

    @Test func cutNeverSplitsANewlineEscape() throws {
        // 72 bytes leave room for 5 text bytes: "a\" + "…" would split the escape, so "a…" it is.
        let f = DogStatsDFormatter(options: .init(maxPacketBytes: 72))
        let line = f.eventLine(Self.event("x", text: "a\n" + String(repeating: "b", count: 50)))
        #expect(Self.text(line) == "_e{12,4}:TraceTail: x|a…|d:1717000000|k:x|p:normal|t:info|s:tracetail")
        _ = try DogStatsDGrammar.event(line)
    }

    @Test func lineThatCannotFitEvenWithoutTextIsLeftWhole() {
        let event = Self.event("x", tags: ["service": String(repeating: "s", count: 80)], text: "hello")
        let whole = DogStatsDFormatter(options: .init(maxPacketBytes: 8192)).eventLine(event)
        let small = DogStatsDFormatter(options: .init(maxPacketBytes: 50)).eventLine(event)
        #expect(small == whole)
        #expect(small.count > 50)
    }

    @Test func eventAtOrBeforeTheEpochHasNoDate() throws {
        let parsed = try DogStatsDGrammar.event(DogStatsDFormatter().eventLine(Self.event("x", text: "t", seconds: 0)))
        #expect(parsed.fields["d"] == nil)
    }
}
