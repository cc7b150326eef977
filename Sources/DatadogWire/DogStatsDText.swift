/// The escaping rules of the DogStatsD grammar (ANCHORS §3.1), on bytes.
///
/// Hand-written because every metric line passes through them and they are a byte loop each.
enum DogStatsDText {
    /// A metric name: ASCII alphanumerics, `_` and `.` kept, every other character `_`.
    static func metricName(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            if scalar.isASCII, let byte = UInt8(exactly: scalar.value),
                (0x30...0x39).contains(byte) || (0x61...0x7a).contains(byte | 0x20) || byte == 0x5f || byte == 0x2e
            {
                out.append(byte)
            } else {
                out.append(0x5f)
            }
        }
        return out
    }

    /// A tag key or value with the grammar's separators (`|` field, `,` tag, `#` tags marker,
    /// newline and CR message) replaced by `_`; in keys also `:`, since the first `:` of a tag
    /// splits key from value.
    static func tagPart(_ text: String, isKey: Bool) -> [UInt8] {
        var out = Array(text.utf8)
        for i in out.indices {
            switch out[i] {
            case 0x7c, 0x2c, 0x23, 0x0a, 0x0d: out[i] = 0x5f
            case 0x3a where isKey: out[i] = 0x5f
            default: break
            }
        }
        return out
    }

    /// A tag, `key:value`, or just `key` when the value is empty; nil when the key is empty.
    static func tag(key: String, value: String) -> [UInt8]? {
        guard !key.isEmpty else { return nil }
        var out = tagPart(key, isKey: true)
        if !value.isEmpty {
            out.append(0x3a)
            out += tagPart(value, isKey: false)
        }
        return out
    }

    /// The `|#k:v,…` field: `tags` sorted by key, then each constant whose key `tags` lacks
    /// (a second `env` would make the metric match both environments). Empty when no tag remains.
    static func tagsField(_ tags: [String: String], constants: [(key: String, rendered: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        func add(_ tag: [UInt8]) {
            if out.isEmpty {
                out += [0x7c, 0x23]  // |#
            } else {
                out.append(0x2c)
            }
            out += tag
        }
        for key in tags.keys.sorted() {
            if let tag = tag(key: key, value: tags[key]!) { add(tag) }
        }
        for constant in constants where tags[constant.key] == nil {
            add(constant.rendered)
        }
        return out
    }

    /// A finite value as a decimal the Agent parses back to the same double, without an
    /// exponent unless the number is astronomically large or small; nil for NaN and infinities.
    static func value(_ value: Double) -> [UInt8]? {
        guard value.isFinite else { return nil }
        // Integral values up to 2^63 print exactly as integers (`1717000000`, not `1.717e+09`).
        if value == value.rounded(.towardZero), abs(value) < 9.2e18 {
            return Array(String(Int64(value)).utf8)
        }
        // Swift prints the shortest text that round-trips; only its exponent form needs work.
        let text = String(value)
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]),
            (-20...20).contains(exponent)
        else { return Array(text.utf8) }
        var mantissa = text[..<e]
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        let dot = mantissa.firstIndex(of: ".")
        let intDigits = dot.map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
        let digits = Array(mantissa.filter { $0 != "." })
        let point = intDigits + exponent  // digits before the decimal point
        var out = negative ? "-" : ""
        if point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + String(digits)
        } else if point >= digits.count {
            out += String(digits) + String(repeating: "0", count: point - digits.count)
        } else {
            out += String(digits[..<point]) + "." + String(digits[point...])
        }
        return Array(out.utf8)
    }
}
