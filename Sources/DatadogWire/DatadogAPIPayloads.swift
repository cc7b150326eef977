import TraceTailCore

/// JSON bodies for Datadog's HTTP API (ANCHORS §3.3), written with TraceTailCore's `JSONWriter`
/// as UTF-8 bytes.
///
/// Each function returns as many bodies as it takes to keep every one under `maxBodyBytes`
/// (uncompressed; the API takes 5 MB decompressed, 500 KB compressed). Non-finite values are
/// left out. Tags are `key:value` strings (`key` alone for an empty value, none for an empty
/// key), the record's own sorted by key, then each constant tag whose key the record lacks.
public enum DatadogAPIPayloads {
    /// 3 MiB: under the API's 5 MB decompressed limit with room to spare.
    public static let defaultMaxBodyBytes = 3 << 20
    /// Datadog shows at most 4000 characters of an event's text.
    public static let maxEventTextCharacters = 4000

    /// Bodies for `POST /api/v2/series`: gauges (type 3) and counts (type 1, with `interval`
    /// seconds, which gives a count its meaning). One series per metric name, type and tag set,
    /// its points in time order; distributions are not series and are left out
    /// (`distributionPoints`).
    ///
    /// - Parameters:
    ///   - interval: the aggregation interval in seconds, sent with counts.
    ///   - host: sent as the series' `host` resource when known.
    public static func series(
        _ points: [MetricPoint], interval: Int64, host: String?, constantTags: [(String, String)] = [],
        maxBodyBytes: Int = defaultMaxBodyBytes
    ) -> [[UInt8]] {
        var groups = Grouping<SeriesKey, (timestamp: Int64, value: Double)>()
        for point in points where point.type != .distribution && point.value.isFinite {
            let key = SeriesKey(name: point.name, type: point.type, tags: tagStrings(point.tags, constantTags))
            groups.append((unixSeconds(point.timestamp), point.value), to: key)
        }
        let series = groups.ordered.map { key, points in
            // Stable, so points of the same second keep their arrival order.
            (
                key: key,
                points: points.enumerated().sorted {
                    ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset)
                }.map(\.element)
            )
        }

        func write(_ w: inout JSONWriter, _ index: Int, _ items: Range<Int>) {
            let (key, points) = series[index]
            w.beginObject()
            w.key("metric")
            w.string(key.name)
            w.key("type")
            w.int(key.type == .count ? 1 : 3)
            if key.type == .count {
                w.key("interval")
                w.int(interval)
            }
            w.key("points")
            w.beginArray()
            for point in points[items] { writePoint(&w, point) }
            w.endArray()
            writeTags(&w, key.tags)
            if let host {
                w.key("resources")
                w.beginArray()
                w.beginObject()
                w.key("name")
                w.string(host)
                w.key("type")
                w.string("host")
                w.endObject()
                w.endArray()
            }
            w.endObject()
        }
        func writePoint(_ w: inout JSONWriter, _ point: (timestamp: Int64, value: Double)) {
            w.beginObject()
            w.key("timestamp")
            w.int(point.timestamp)
            w.key("value")
            w.double(point.value)
            w.endObject()
        }

        var packer = JSONBodyPacker(maxBodyBytes: maxBodyBytes)
        for (index, entry) in series.enumerated() {
            packer.add(
                series: index, emptyBytes: measure { write(&$0, index, 0..<0) },
                itemBytes: entry.points.map { point in measure { writePoint(&$0, point) } })
        }
        return render(packer.finish(), write)
    }

    /// Bodies for `POST /api/v1/distribution_points`: one series per metric name and tag set,
    /// each point `[<second>, [values…]]` holding every value of that second, seconds in order.
    /// Only `.distribution` points are taken.
    public static func distributionPoints(
        _ points: [MetricPoint], host: String? = nil, constantTags: [(String, String)] = [],
        maxBodyBytes: Int = defaultMaxBodyBytes
    ) -> [[UInt8]] {
        var groups = Grouping<DistributionKey, (second: Int64, value: Double)>()
        for point in points where point.type == .distribution && point.value.isFinite {
            let key = DistributionKey(name: point.name, tags: tagStrings(point.tags, constantTags))
            groups.append((unixSeconds(point.timestamp), point.value), to: key)
        }

        func writePoint(_ w: inout JSONWriter, _ item: DistributionItem) {
            w.beginArray()
            w.int(item.second)
            w.beginArray()
            for value in item.values { w.double(value) }
            w.endArray()
            w.endArray()
        }
        func writeObject(_ w: inout JSONWriter, _ key: DistributionKey, _ items: ArraySlice<DistributionItem>) {
            w.beginObject()
            w.key("metric")
            w.string(key.name)
            w.key("points")
            w.beginArray()
            for item in items { writePoint(&w, item) }
            w.endArray()
            writeTags(&w, key.tags)
            w.key("type")
            w.string("distribution")
            if let host {
                w.key("host")
                w.string(host)
            }
            w.endObject()
        }

        var series: [(key: DistributionKey, items: [DistributionItem])] = []
        for (key, samples) in groups.ordered {
            let emptyBytes = measure { writeObject(&$0, key, []) }
            let budget = maxBodyBytes - JSONBodyPacker.envelopeBytes - emptyBytes
            // Stable, so the values of one second keep their arrival order.
            let sorted = samples.enumerated().sorted { ($0.element.second, $0.offset) < ($1.element.second, $1.offset) }
            var items: [DistributionItem] = []
            var i = 0
            while i < sorted.count {
                let second = sorted[i].element.second
                var j = i
                while j < sorted.count, sorted[j].element.second == second { j += 1 }
                // A second with more values than fit in a body becomes several points of that second.
                let empty = DistributionItem(second: second, values: [], bytes: 0)
                items += DistributionItem.split(
                    second: second, values: sorted[i..<j].map(\.element.value), budget: budget,
                    overhead: measure { writePoint(&$0, empty) })
                i = j
            }
            series.append((key, items))
        }

        var packer = JSONBodyPacker(maxBodyBytes: maxBodyBytes)
        for (index, entry) in series.enumerated() {
            packer.add(
                series: index, emptyBytes: measure { writeObject(&$0, entry.key, []) },
                itemBytes: entry.items.map(\.bytes))
        }
        return render(packer.finish()) { w, index, items in
            writeObject(&w, series[index].key, series[index].items[items])
        }
    }

    // MARK: - Shared

    /// `key:value` (or `key`) strings: `tags` sorted by key, then constants whose key is absent.
    static func tagStrings(_ tags: [String: String], _ constants: [(String, String)]) -> [String] {
        func render(_ key: String, _ value: String) -> String? {
            key.isEmpty ? nil : value.isEmpty ? key : key + ":" + value
        }
        var out = tags.keys.sorted().compactMap { render($0, tags[$0]!) }
        for (key, value) in constants where tags[key] == nil {
            if let tag = render(key, value) { out.append(tag) }
        }
        return out
    }

    static func writeTags(_ w: inout JSONWriter, _ tags: [String]) {
        w.key("tags")
        w.beginArray()
        for tag in tags { w.string(tag) }
        w.endArray()
    }

    /// Whole seconds since the epoch, rounded down.
    static func unixSeconds(_ time: EventTime) -> Int64 { DogStatsDFormatter.unixSeconds(time) }

    /// The UTF-8 length of what `body` writes into a fresh writer.
    static func measure(_ body: (inout JSONWriter) -> Void) -> Int {
        var w = JSONWriter()
        body(&w)
        return w.output.utf8.count
    }

    /// The planned bodies as bytes: `{"series":[…]}` around each body's parts.
    static func render(
        _ plan: [[JSONBodyPacker.Part]], _ writeObject: (inout JSONWriter, Int, Range<Int>) -> Void
    ) -> [[UInt8]] {
        plan.map { parts in
            var w = JSONWriter()
            w.beginObject()
            w.key("series")
            w.beginArray()
            for part in parts { writeObject(&w, part.series, part.items) }
            w.endArray()
            w.endObject()
            return Array(w.output.utf8)
        }
    }
}

private struct SeriesKey: Hashable {
    var name: String
    var type: MetricType
    var tags: [String]
}

private struct DistributionKey: Hashable {
    var name: String
    var tags: [String]
}

/// One `[second, [values…]]` point and its JSON length.
private struct DistributionItem {
    var second: Int64
    var values: ArraySlice<Double>
    var bytes: Int

    /// The values of one second as points of at most `budget` bytes each (one value per point
    /// at least). `overhead` is the length of the point without values, `[<second>,[]]`; the
    /// values add their own lengths and a comma between each two.
    static func split(second: Int64, values: [Double], budget: Int, overhead: Int) -> [DistributionItem] {
        var items: [DistributionItem] = []
        var start = 0
        var bytes = overhead
        for (i, value) in values.enumerated() {
            let length = JSONWriter.number(value).utf8.count + (i == start ? 0 : 1)
            if i > start, bytes + length > budget {
                items.append(DistributionItem(second: second, values: values[start..<i], bytes: bytes))
                start = i
                bytes = overhead + length - 1
            } else {
                bytes += length
            }
        }
        items.append(DistributionItem(second: second, values: values[start...], bytes: bytes))
        return items
    }
}

/// Values grouped by key, keys in order of first appearance.
struct Grouping<Key: Hashable, Value> {
    private var slots: [Key: Int] = [:]
    private(set) var ordered: [(key: Key, values: [Value])] = []

    mutating func append(_ value: Value, to key: Key) {
        if let slot = slots[key] {
            ordered[slot].values.append(value)
        } else {
            slots[key] = ordered.count
            ordered.append((key, [value]))
        }
    }
}
