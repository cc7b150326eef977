import TraceTailCore

/// Guesses a file's format from its first lines (DESIGN §5).
public enum FormatDetector {
    /// How many non-blank lines are examined.
    public static let sampleSize = 5

    /// Looks at up to the first 5 non-blank lines: when most of them are JSON objects the file is
    /// JSON — `.ctaEvents` if most of those objects have a `type` (any case) naming a
    /// `CTAEventType`, else `.json`; otherwise (or with no non-blank line) `.oslo`.
    ///
    /// A line that starts with `{` but does not parse (cut at `max_line_bytes`, say) still
    /// counts as JSON, so one truncated line cannot flip a JSON file to oslo.
    public static func detect(firstLines: [ArraySlice<UInt8>]) -> LogFormat {
        var examined = 0
        var jsonLike = 0
        var cta = 0
        for line in firstLines where examined < sampleSize {
            guard let first = line.firstIndex(where: { !JSONLineDecoder.isBlank($0) }) else { continue }
            examined += 1
            guard line[first] == UInt8(ascii: "{") else { continue }
            jsonLike += 1
            if let document = try? JSONDocument.parse(line), let type = document.string(document["type"]),
                CTAEventType(rawValue: type) != nil
            {
                cta += 1
            }
        }
        guard examined > 0, jsonLike * 2 > examined else { return .oslo }
        return cta * 2 > jsonLike ? .ctaEvents : .json
    }
}
