extension String {
    /// This string cut to at most `maxBytes` UTF-8 bytes, never inside a character's encoding.
    ///
    /// Datadog's limits ("100 chars" for a service, "25000" for a meta value, …) are applied
    /// by the agent in UTF-8 bytes (`TruncateUTF8`), so cutting by bytes keeps us under both
    /// readings; cutting at a scalar boundary keeps the result valid UTF-8, which the agent
    /// would otherwise repair with replacement characters.
    func truncatedUTF8(maxBytes: Int) -> String {
        let utf8 = utf8
        guard utf8.count > maxBytes else { return self }
        var end = utf8.index(utf8.startIndex, offsetBy: max(0, maxBytes))
        // Step back over continuation bytes (10xxxxxx) to the start of the cut scalar.
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) {
            end = utf8.index(before: end)
        }
        return String(Substring(utf8[..<end]))
    }

    /// This string cut to at most `maxCharacters` characters (grapheme clusters), for limits
    /// that Datadog's API documents in characters of displayed text.
    func truncatedCharacters(_ maxCharacters: Int) -> String {
        count > maxCharacters ? String(prefix(maxCharacters)) : self
    }
}
