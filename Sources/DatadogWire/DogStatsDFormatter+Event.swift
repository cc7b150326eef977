import TraceTailCore

extension DogStatsDFormatter {
    /// `_e{<title bytes>,<text bytes>}:title|text|d:<seconds>|k:<key>|p:normal|t:<alert>|s:tracetail[|#tags]`.
    ///
    /// Title, alert type and aggregation key follow `DatadogEventStyle`. Newlines in the text
    /// travel as the two characters `\n` (the Agent turns them back), `|` in title or text
    /// becomes `¦` so no parser can mistake it for a field break, and a text that would make
    /// the line longer than `maxPacketBytes` is cut (between characters, ending in `…`) so the event
    /// still fits one datagram. Lengths are UTF-8 bytes of what is sent.
    public func eventLine(_ event: TelemetryEvent) -> [UInt8] {
        let title = Self.eventTitle(DatadogEventStyle.title(event))
        let text = EventText(event.text)

        var suffix: [UInt8] = []
        let seconds = Self.unixSeconds(event.timestamp)
        if seconds > 0 { suffix += Array("|d:\(seconds)".utf8) }
        let key = DatadogEventStyle.aggregationKey(event)
        if !key.isEmpty { suffix += Array("|k:".utf8) + DogStatsDText.tagPart(key, isKey: false) }
        suffix += Array("|p:normal|t:\(DatadogEventStyle.alertType(event))|s:\(DatadogEventStyle.sourceType)".utf8)
        suffix += DogStatsDText.tagsField(event.tags, constants: constants)

        // Everything but the text and its length: `_e{`, title length, `,`, `}:`, title, `|`, suffix.
        let fixed = 3 + Self.digits(title.count) + 1 + 2 + title.count + 1 + suffix.count
        var body = text.bytes
        if fixed + Self.digits(body.count) + body.count > options.maxPacketBytes {
            let ellipsis = Array("…".utf8)
            // The longest cut whose line, ellipsis included, fits; when even an empty text does
            // not fit, the line goes whole and the batcher counts it as oversized.
            if let cut = text.cuts.last(where: {
                fixed + Self.digits($0 + ellipsis.count) + $0 + ellipsis.count <= options.maxPacketBytes
            }) {
                body = Array(text.bytes[..<cut]) + ellipsis
            }
        }

        var out = Array("_e{\(title.count),\(body.count)}:".utf8)
        out.reserveCapacity(fixed + 8 + body.count)
        out += title
        out.append(0x7c)
        out += body
        out += suffix
        return out
    }

    /// The title's bytes: `|` as `¦`, line breaks as spaces (a title is one line).
    static func eventTitle(_ title: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(title.utf8.count)
        for byte in title.utf8 {
            switch byte {
            case 0x7c: out += brokenBar
            case 0x0a, 0x0d: out.append(0x20)
            default: out.append(byte)
            }
        }
        return out
    }

    /// `¦` (U+00A6), the stand-in for `|`.
    static let brokenBar: [UInt8] = [0xc2, 0xa6]

    /// Decimal digits of a non-negative count.
    static func digits(_ n: Int) -> Int { String(n).utf8.count }
}

/// An event's text escaped for DogStatsD, with the offsets where it may be cut: after a whole
/// character, never inside a UTF-8 sequence or between the two bytes of a `\n` escape.
private struct EventText {
    var bytes: [UInt8] = []
    /// Ascending, starting at 0.
    var cuts: [Int] = [0]

    init(_ text: String) {
        bytes.reserveCapacity(text.utf8.count)
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            switch scalar {
            // CRLF is one line break, already written for its CR.
            case "\n" where afterCR: continue
            case "\n", "\r": bytes += [0x5c, 0x6e]  // the two characters \n
            case "|": bytes += DogStatsDFormatter.brokenBar
            default: UTF8.encode(scalar) { bytes.append($0) }
            }
            cuts.append(bytes.count)
        }
    }
}
