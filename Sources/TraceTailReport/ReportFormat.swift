import Foundation
import TraceTailCore

/// Number, time and text formatting shared by the text and HTML reports.
enum ReportFormat {
    /// A duration for people: `840 µs`, `12.3 ms`, `245 ms`, `1.24 s`, `2m 05s`.
    static func duration(nanoseconds ns: Int64) -> String {
        let ms = Double(ns) / 1e6
        if ms < 1 { return "\(Int((ms * 1000).rounded())) µs" }
        if ms < 100 { return fixed(ms, 1) + " ms" }
        if ms < 1000 { return "\(Int(ms.rounded())) ms" }
        return seconds(ms / 1000)
    }

    /// Seconds for people: `1.24 s`, `42.0 s`, `8m 00s`, `1h 02m`.
    static func seconds(_ s: Double) -> String {
        if s < 60 { return fixed(s, s < 10 ? 2 : 1) + " s" }
        let total = Int(s.rounded())
        if total < 3600 { return "\(total / 60)m " + pad2(total % 60) + "s" }
        return "\(total / 3600)h " + pad2(total % 3600 / 60) + "m"
    }

    /// Milliseconds with one decimal, no unit: `12.3`.
    static func milliseconds(_ ms: Double) -> String { fixed(ms, 1) }

    /// A fraction as a percentage with one decimal: 0.125 → `12.5%`.
    static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 1) + "%" }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        return String(format: "%.\(digits)f", value)
    }

    /// An integer with thousands separators: `12,345`.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `HH:MM:SS` in UTC.
    static func clock(_ t: EventTime) -> String {
        let c = CivilTime(t)
        return pad2(c.hour) + ":" + pad2(c.minute) + ":" + pad2(c.second)
    }

    /// `HH:MM` in UTC, for axis ticks.
    static func clockMinutes(_ t: EventTime) -> String {
        let c = CivilTime(t)
        return pad2(c.hour) + ":" + pad2(c.minute)
    }

    /// `YYYY-MM-DD HH:MM:SS` in UTC.
    static func dateTime(_ t: EventTime) -> String {
        let c = CivilTime(t)
        return "\(c.year)-" + pad2(c.month) + "-" + pad2(c.day) + " " + clock(t)
    }

    /// Log text made safe for one terminal line: control characters (ANSI escapes included) become
    /// `?`, newlines `⏎`, and the result is cut to `limit` characters with `…`.
    static func oneLine(_ text: String, limit: Int = 120) -> String {
        var out = ""
        var n = 0
        for scalar in text.unicodeScalars {
            if n == limit {
                out.append("…")
                break
            }
            switch scalar.value {
            case 0x0A, 0x0D: out.append("⏎")
            case 0x09: out.append(" ")
            case 0..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: out.append("?")
            default: out.unicodeScalars.append(scalar)
            }
            n += 1
        }
        return out
    }

    /// `text` padded with spaces to `width` characters (left-aligned).
    static func padRight(_ text: String, _ width: Int) -> String {
        let n = text.count
        return n >= width ? text : text + String(repeating: " ", count: width - n)
    }

    /// `text` padded with spaces to `width` characters (right-aligned).
    static func padLeft(_ text: String, _ width: Int) -> String {
        let n = text.count
        return n >= width ? text : String(repeating: " ", count: width - n) + text
    }

    private static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
}

/// ANSI styling that turns into nothing when colour is off, so layout code never branches on it.
struct ANSIStyle {
    var enabled: Bool

    func red(_ s: String) -> String { wrap(s, "31") }
    func green(_ s: String) -> String { wrap(s, "32") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func cyan(_ s: String) -> String { wrap(s, "36") }
    func bold(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }
    func boldRed(_ s: String) -> String { wrap(s, "1;31") }

    private func wrap(_ s: String, _ code: String) -> String {
        enabled && !s.isEmpty ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
