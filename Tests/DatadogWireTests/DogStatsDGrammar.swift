/// A strict parser for the DogStatsD messages of ANCHORS §3.1, written for the tests from the
/// grammar (not from the formatter): a line that parses here parses in the Agent.
enum DogStatsDGrammar {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Metric: Equatable {
        var name: String
        var value: Double
        var type: String
        var timestamp: Int64?
        var tags: [String]?
    }

    struct Event: Equatable {
        var title: String
        /// As sent: newlines still as the two characters `\n`.
        var text: String
        /// `d`, `h`, `k`, `p`, `s`, `t` → value.
        var fields: [String: String]
        var tags: [String]?
    }

    static func text(_ bytes: ArraySlice<UInt8>) throws -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else { throw Failure(description: "invalid UTF-8") }
        return s
    }

    /// Splits on a separator byte, as the Agent does (never on Characters: `,` followed by a
    /// combining mark is one Character but still a separator).
    static func split(_ bytes: ArraySlice<UInt8>, on separator: Character) throws -> [String] {
        try bytes.split(separator: separator.asciiValue!, omittingEmptySubsequences: false).map { try text($0) }
    }

    /// `tag *( "," tag )`, every tag non-empty with a non-empty key.
    static func tags(_ field: String) throws -> [String] {
        let tags = try split(Array(field.utf8)[...], on: ",")
        for tag in tags {
            guard !tag.isEmpty, tag.utf8.first != UInt8(ascii: ":") else {
                throw Failure(description: "empty tag or key in \(field)")
            }
        }
        return tags
    }

    static func checkOneMessage(_ line: [UInt8]) throws {
        guard !line.isEmpty else { throw Failure(description: "empty message") }
        guard !line.contains(0x0a), !line.contains(0x0d) else {
            throw Failure(description: "line break inside a message")
        }
    }

    /// `name ":" value "|" type *( "|" metric-field )`, one value, no sample rate.
    static func metric(_ line: [UInt8]) throws -> Metric {
        try checkOneMessage(line)
        let fields = try split(line[...], on: "|")
        guard fields.count >= 2 else { throw Failure(description: "no type") }
        let nameAndValue = try split(Array(fields[0].utf8)[...], on: ":")
        guard nameAndValue.count == 2 else { throw Failure(description: "not one name and one value") }
        let name = nameAndValue[0]
        let valueText = nameAndValue[1]
        guard !name.isEmpty,
            name.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == "."
            })
        else { throw Failure(description: "bad metric name \(name)") }
        guard isDecimal(valueText), let value = Double(valueText), value.isFinite else {
            throw Failure(description: "bad value \(valueText)")
        }
        let type = fields[1]
        guard ["c", "g", "ms", "h", "s", "d"].contains(type) else { throw Failure(description: "bad type \(type)") }
        var metric = Metric(name: name, value: value, type: type)
        for field in fields.dropFirst(2) {
            if field.utf8.first == UInt8(ascii: "#") {
                guard metric.tags == nil else { throw Failure(description: "two tag fields") }
                metric.tags = try tags(String(field.utf8.dropFirst())!)
            } else if field.utf8.first == UInt8(ascii: "T") {
                guard metric.timestamp == nil, let t = Int64(field.dropFirst()), t > 0,
                    field.dropFirst().allSatisfy(\.isASCII)
                else { throw Failure(description: "bad timestamp field \(field)") }
                metric.timestamp = t
            } else {
                throw Failure(description: "unexpected field \(field)")
            }
        }
        return metric
    }

    /// `-?digits[.digits][e±digits]`: what the Agent's float parser takes, no hex, no `inf`.
    static func isDecimal(_ s: String) -> Bool {
        var chars = Array(s.utf8)[...]
        if chars.first == UInt8(ascii: "-") { chars = chars.dropFirst() }
        let mantissaEnd = chars.firstIndex(of: UInt8(ascii: "e")) ?? chars.endIndex
        let mantissa = chars[..<mantissaEnd]
        let parts = mantissa.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { (0x30...0x39).contains($0) } })
        else { return false }
        if mantissaEnd < chars.endIndex {
            var exponent = chars[chars.index(after: mantissaEnd)...]
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponent = exponent.dropFirst()
            }
            return !exponent.isEmpty && exponent.allSatisfy { (0x30...0x39).contains($0) }
        }
        return true
    }

    /// `"_e{" title-bytes "," text-bytes "}:" title "|" text *( "|" event-field )`.
    static func event(_ line: [UInt8]) throws -> Event {
        try checkOneMessage(line)
        guard line.starts(with: Array("_e{".utf8)) else { throw Failure(description: "not an event") }
        var i = 3
        func number(until terminator: UInt8) throws -> Int {
            let start = i
            while i < line.count, (0x30...0x39).contains(line[i]) { i += 1 }
            guard i > start, i < line.count, line[i] == terminator, let n = Int(try text(line[start..<i])) else {
                throw Failure(description: "bad length at \(start)")
            }
            i += 1
            return n
        }
        let titleLength = try number(until: UInt8(ascii: ","))
        let textLength = try number(until: UInt8(ascii: "}"))
        guard i < line.count, line[i] == UInt8(ascii: ":") else { throw Failure(description: "no ':' after lengths") }
        i += 1
        guard titleLength > 0 else { throw Failure(description: "empty title") }
        guard i + titleLength + 1 + textLength <= line.count, line[i + titleLength] == UInt8(ascii: "|") else {
            throw Failure(description: "lengths do not match the title and text")
        }
        let title = try text(line[i..<i + titleLength])
        i += titleLength + 1
        let body = try text(line[i..<i + textLength])
        i += textLength
        // A parser that splits on `|` must see the same title and text.
        guard !title.utf8.contains(UInt8(ascii: "|")), !body.utf8.contains(UInt8(ascii: "|")) else {
            throw Failure(description: "| inside title or text")
        }
        var event = Event(title: title, text: body, fields: [:])
        guard i == line.count || line[i] == UInt8(ascii: "|") else { throw Failure(description: "junk after text") }
        if i < line.count {
            for field in try split(line[(i + 1)...], on: "|") {
                if field.utf8.first == UInt8(ascii: "#") {
                    guard event.tags == nil else { throw Failure(description: "two tag fields") }
                    event.tags = try tags(String(field.utf8.dropFirst())!)
                    continue
                }
                let bytes = Array(field.utf8)
                guard bytes.count >= 2, bytes[1] == UInt8(ascii: ":") else {
                    throw Failure(description: "bad event field \(field)")
                }
                let name = try text(bytes[..<1])
                guard ["d", "h", "k", "p", "s", "t"].contains(name), event.fields[name] == nil else {
                    throw Failure(description: "bad event field \(field)")
                }
                event.fields[name] = try text(bytes[2...])
            }
        }
        if let d = event.fields["d"], Int64(d) == nil { throw Failure(description: "bad d: \(d)") }
        if let p = event.fields["p"], !["normal", "low"].contains(p) { throw Failure(description: "bad p: \(p)") }
        if let t = event.fields["t"], !["error", "warning", "info", "success"].contains(t) {
            throw Failure(description: "bad t: \(t)")
        }
        return event
    }
}
