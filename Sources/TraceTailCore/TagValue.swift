/// Renders tag values so numeric tags cannot explode cardinality (DESIGN §4: 2 decimals).
public enum TagValue {
    /// A number rounded to 2 decimals and written without trailing zeros: 0.9234 → "0.92",
    /// 1.0 → "1", 0.5 → "0.5".
    public static func rounded(_ value: Double) -> String {
        guard value.isFinite else { return "nan" }
        let cents = (value * 100).rounded()
        let negative = cents < 0
        let magnitude = Int64(abs(cents))
        let whole = magnitude / 100
        let fraction = magnitude % 100
        var text = String(whole)
        if fraction != 0 {
            let digits = fraction < 10 ? "0\(fraction)" : String(fraction)
            text += "." + (digits.hasSuffix("0") ? String(digits.dropLast()) : digits)
        }
        return negative && magnitude != 0 ? "-" + text : text
    }

    /// An attribute value as a tag string: numbers rounded, booleans `true`/`false`.
    public static func render(_ value: AttributeValue) -> String {
        switch value {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): rounded(d)
        case .bool(let b): b ? "true" : "false"
        }
    }
}
