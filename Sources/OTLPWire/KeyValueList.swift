/// The `key=value,key2=value2` lists of `OTEL_EXPORTER_OTLP_HEADERS` and
/// `OTEL_RESOURCE_ATTRIBUTES` (the W3C Baggage form without properties).
enum KeyValueList {
    /// The pairs of `text`, in order. Entries are split at commas and each at its first `=`
    /// (a value may hold `=`, as base64 does); keys and values are trimmed; empty entries (a
    /// trailing comma) are skipped. Values, and keys when `decodeKeys`, are percent-decoded.
    static func parse(_ text: String, key: String, decodeKeys: Bool) throws(OTLPEnvironment.Problem) -> [(
        name: String, value: String
    )] {
        var pairs: [(name: String, value: String)] = []
        for (index, entry) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            guard !trimmed(entry).isEmpty else { continue }
            guard let equals = entry.firstIndex(of: "=") else { throw .malformedEntry(key: key, position: index + 1) }
            let rawName = String(trimmed(entry[..<equals]))
            guard !rawName.isEmpty else { throw .malformedEntry(key: key, position: index + 1) }
            let name: String
            if decodeKeys {
                guard let decoded = percentDecoded(rawName) else { throw .malformedValue(key: key, name: rawName) }
                name = decoded
            } else {
                name = rawName
            }
            guard let value = percentDecoded(trimmed(entry[entry.index(after: equals)...])) else {
                throw .malformedValue(key: key, name: name)
            }
            pairs.append((name, value))
        }
        return pairs
    }

    /// `%XX` escapes replaced by their bytes; nil when an escape is broken or the result is
    /// not UTF-8. `+` stays `+`: this is percent-encoding, not form encoding.
    static func percentDecoded(_ text: some StringProtocol) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "%") else {
                out.append(bytes[i])
                i += 1
                continue
            }
            guard i + 2 < bytes.count, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) else {
                return nil
            }
            out.append(high << 4 | low)
            i += 3
        }
        return String(validating: out, as: UTF8.self)
    }

    /// Without leading and trailing spaces, tabs and line breaks.
    static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return text[first...last]
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
