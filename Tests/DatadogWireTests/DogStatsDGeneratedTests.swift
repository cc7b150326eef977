import Testing
import TraceTailCore

@testable import DatadogWire

/// Thousands of generated metrics and events with hostile names, tags and text: every line must
/// parse under the test's own grammar and say exactly what the record said, escaped as ANCHORS
/// §3.1 requires.
@Suite struct DogStatsDGeneratedTests {
    static let alphabet = [
        "a", "Z", "0", ".", "_", "-", "|", ",", "#", ":", "\n", "\r", "\r\n", " ", "\\", "é", "日本", "🇫🇷", "\u{301}",
    ]
    static let constants = [("env", "la|b"), ("version", ""), ("", "nokey")]

    static func hostile(_ rng: inout SplitMix64, maxLength: Int) -> String {
        (0..<rng.below(maxLength + 1)).map { _ in alphabet[rng.below(alphabet.count)] }.joined()
    }

    static func tags(_ rng: inout SplitMix64) -> [String: String] {
        var tags: [String: String] = [:]
        for _ in 0..<rng.below(6) { tags[hostile(&rng, maxLength: 6)] = hostile(&rng, maxLength: 6) }
        if rng.below(3) == 0 { tags["service"] = hostile(&rng, maxLength: 6) }
        if rng.below(3) == 0 { tags["run_id"] = hostile(&rng, maxLength: 6) }
        if rng.below(4) == 0 { tags["env"] = hostile(&rng, maxLength: 3) }
        return tags
    }

    // MARK: Expectations, from the rules rather than from the formatter

    static func expectedName(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.map { s in
                    s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == ".")
                        ? s : "_"
                }))
    }

    static func expectedPart(_ text: String, key: Bool) -> String {
        let banned: Set<Unicode.Scalar> = key ? ["|", ",", "#", "\n", "\r", ":"] : ["|", ",", "#", "\n", "\r"]
        return String(String.UnicodeScalarView(text.unicodeScalars.map { banned.contains($0) ? "_" : $0 }))
    }

    static func expectedTags(_ tags: [String: String]) -> [String]? {
        var out: [String] = []
        func add(_ key: String, _ value: String) {
            guard !key.isEmpty else { return }
            let k = expectedPart(key, key: true)
            out.append(value.isEmpty ? k : k + ":" + expectedPart(value, key: false))
        }
        for key in tags.keys.sorted() { add(key, tags[key]!) }
        for (key, value) in constants where tags[key] == nil { add(key, value) }
        return out.isEmpty ? nil : out
    }

    /// Line breaks as one `\n` each (CRLF is one), the way the Agent will show the text.
    static func normalizedBreaks(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for s in text.unicodeScalars {
            if s == "\n", afterCR {
                afterCR = false
                continue
            }
            afterCR = s == "\r"
            out.append(s == "\r" ? "\n" : s)
        }
        return String(out)
    }

    /// What the Agent shows: `\n` escapes back to line breaks, `¦` stands for `|`.
    static func unescaped(_ text: String) -> String {
        var out = ""
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        while let s = pending {
            pending = scalars.next()
            if s == "\\", pending == "n" {
                out += "\n"
                pending = scalars.next()
            } else {
                out.unicodeScalars.append(s == "¦" ? "|" : s)
            }
        }
        return out
    }

    static func randomValue(_ rng: inout SplitMix64) -> Double {
        switch rng.below(6) {
        case 0: return Double(Int64(bitPattern: rng.next()) >> rng.below(64))
        case 1: return rng.unit()
        case 2: return (rng.unit() - 0.5) * Double(sign: .plus, exponent: rng.below(120) - 60, significand: 1)
        case 3: return Double(bitPattern: rng.next())  // anything, NaN and infinities included
        case 4: return Double(rng.below(1000)) / 8
        default: return -Double(rng.below(100_000))
        }
    }

    @Test func generatedMetricsParseAndSayWhatTheRecordSaid() throws {
        var rng = SplitMix64(seed: 0xd06_57a7)
        let types: [MetricType] = [.gauge, .count, .distribution]
        var checked = 0
        for _ in 0..<3000 {
            let timestamps = rng.below(2) == 0
            let f = DogStatsDFormatter(options: .init(constantTags: Self.constants, timestamps: timestamps))
            let point = MetricPoint(
                name: Self.hostile(&rng, maxLength: 10), type: types[rng.below(3)], value: Self.randomValue(&rng),
                timestamp: EventTime(nanoseconds: Int64(rng.below(4_000_000_000)) * 1_000_000_000 - 5_000_000_000),
                tags: Self.tags(&rng))
            guard let line = f.line(point) else {
                #expect(point.name.isEmpty || !point.value.isFinite, "no line for \(point)")
                continue
            }
            #expect(!point.name.isEmpty && point.value.isFinite)
            let parsed: DogStatsDGrammar.Metric
            do {
                parsed = try DogStatsDGrammar.metric(line)
            } catch {
                Issue.record("\(error): \(String(decoding: line, as: UTF8.self))")
                continue
            }
            let seconds = point.timestamp.nanoseconds / 1_000_000_000
            #expect(parsed.name == Self.expectedName(point.name))
            #expect(parsed.value == point.value)
            #expect(parsed.type == ["gauge": "g", "count": "c", "distribution": "d"][point.type.rawValue])
            #expect(parsed.timestamp == (timestamps && point.type != .distribution && seconds > 0 ? seconds : nil))
            #expect(parsed.tags == Self.expectedTags(point.tags))
            checked += 1
        }
        #expect(checked > 2000)
    }

    @Test func generatedEventsParseAndKeepTheirText() throws {
        var rng = SplitMix64(seed: 0xe7e_47)
        for _ in 0..<1500 {
            let event = TelemetryEvent(
                name: Self.hostile(&rng, maxLength: 8),
                timestamp: EventTime(seconds: 1_717_000_000 + Int64(rng.below(1000))),
                tags: Self.tags(&rng), text: Self.hostile(&rng, maxLength: 40))
            let roomy = DogStatsDFormatter(options: .init(constantTags: Self.constants, maxPacketBytes: 8192))
            let line = roomy.eventLine(event)
            let parsed: DogStatsDGrammar.Event
            do {
                parsed = try DogStatsDGrammar.event(line)
            } catch {
                Issue.record("\(error): \(String(decoding: line, as: UTF8.self))")
                continue
            }
            let service = event.tags["service"].flatMap { $0.isEmpty ? nil : " " + $0 } ?? ""
            // A title is one line: each line-break character becomes a space, `|` becomes `¦`.
            let title = ("TraceTail: " + event.name + service).unicodeScalars.map { s -> String in
                s == "\n" || s == "\r" ? " " : s == "|" ? "¦" : String(s)
            }
            #expect(parsed.title == title.joined())
            #expect(Self.unescaped(parsed.text) == Self.normalizedBreaks(event.text))
            #expect(parsed.tags == Self.expectedTags(event.tags))
            let runID = event.tags["run_id"] ?? ""
            let key = Self.expectedPart(runID.isEmpty ? event.name : runID, key: false)
            #expect(parsed.fields["k"] == (key.isEmpty ? nil : key))
            #expect(parsed.fields["d"] == String(event.timestamp.nanoseconds / 1_000_000_000))

            // A small packet: the line fits by cutting the text, or cannot and is left whole.
            let tight = DogStatsDFormatter(options: .init(constantTags: Self.constants, maxPacketBytes: 150)).eventLine(
                event)
            if tight.count > 150 {
                #expect(tight == line)
            } else if tight != line {
                let cut = try DogStatsDGrammar.event(tight)
                #expect(cut.text.hasSuffix("…"))
                #expect(Array(parsed.text.utf8).starts(with: Array(cut.text.dropLast().utf8)))
                #expect(cut.title == parsed.title && cut.fields == parsed.fields && cut.tags == parsed.tags)
            }
        }
    }
}
