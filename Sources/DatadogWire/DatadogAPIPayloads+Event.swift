import TraceTailCore

extension DatadogAPIPayloads {
    /// The body for `POST /api/v1/events`: `title`, `text` (cut to 4000 characters),
    /// `date_happened` (seconds), `priority` `normal`, `alert_type`, `aggregation_key` (≤ 100),
    /// `source_type_name` `tracetail`, `host` when known, `tags`. Title, alert type and
    /// aggregation key are `DatadogEventStyle`'s, as on DogStatsD.
    ///
    /// One event is one request, so there is no splitting: the only unbounded parts left are the
    /// title and tags, which TraceTail keeps short.
    public static func event(
        _ event: TelemetryEvent, host: String?, constantTags: [(String, String)] = []
    ) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("title")
        w.string(DatadogEventStyle.title(event))
        w.key("text")
        w.string(event.text.truncatedCharacters(maxEventTextCharacters))
        w.key("date_happened")
        w.int(unixSeconds(event.timestamp))
        w.key("priority")
        w.string("normal")
        w.key("alert_type")
        w.string(DatadogEventStyle.alertType(event))
        w.key("aggregation_key")
        w.string(DatadogEventStyle.aggregationKey(event))
        w.key("source_type_name")
        w.string(DatadogEventStyle.sourceType)
        if let host {
            w.key("host")
            w.string(host)
        }
        writeTags(&w, tagStrings(event.tags, constantTags))
        w.endObject()
        return Array(w.output.utf8)
    }
}
