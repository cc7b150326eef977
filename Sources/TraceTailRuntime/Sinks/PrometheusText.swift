/// A small writer of Prometheus text exposition 0.0.4 for TraceTail's own counters, which come
/// as a snapshot of absolute values (`/status`) rather than as increments a client library
/// could hold; hand-written because it is a few lines and runs once per scrape.
struct PrometheusText {
    private(set) var text = ""

    /// Starts a family: `# HELP` and `# TYPE`, once, before its samples.
    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    /// One sample; labels in the order given.
    mutating func sample(_ name: String, _ value: Double, labels: [(String, String)] = []) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.number(value) + "\n"
    }

    /// A metric name from a dotted TraceTail name: anything outside `[a-zA-Z0-9_:]` becomes `_`,
    /// and a leading digit gets a `_` in front.
    static func metricName(_ name: String) -> String {
        var out = String(
            name.unicodeScalars.map { scalar -> Character in
                let c = Character(scalar)
                return scalar.isASCII && (c.isLetter || c.isNumber || c == "_" || c == ":") ? c : "_"
            })
        if out.first.map({ $0.isNumber }) ?? true { out = "_" + out }
        return out
    }

    /// A label name: `[a-zA-Z_][a-zA-Z0-9_]*`, never starting with the reserved `__`.
    static func labelName(_ name: String) -> String {
        var out = String(
            name.unicodeScalars.map { scalar -> Character in
                let c = Character(scalar)
                return scalar.isASCII && (c.isLetter || c.isNumber || c == "_") ? c : "_"
            })
        if out.first.map({ $0.isNumber }) ?? true { out = "_" + out }
        while out.hasPrefix("__") { out.removeFirst() }
        return out.isEmpty ? "_" : out
    }

    static func escapeLabel(_ value: String) -> String {
        value.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
    }

    static func escapeHelp(_ value: String) -> String {
        value.replacingAll("\\", "\\\\").replacingAll("\n", "\\n")
    }

    /// Go's float spelling as Prometheus reads it: integers without a fraction, `NaN`, `+Inf`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, _ replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
