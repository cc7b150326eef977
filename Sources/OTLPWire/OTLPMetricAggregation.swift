import TraceTailCore

/// Values grouped by key, keys in order of first appearance.
struct OrderedGroups<Key: Hashable, Value> {
    private var slots: [Key: Int] = [:]
    private(set) var entries: [(key: Key, value: Value)] = []

    /// Changes the value of `key`, starting from `initial` when the key is new.
    mutating func update(_ key: Key, default initial: @autoclosure () -> Value, _ change: (inout Value) -> Void) {
        if let slot = slots[key] {
            change(&entries[slot].value)
        } else {
            slots[key] = entries.count
            var value = initial()
            change(&value)
            entries.append((key, value))
        }
    }
}

/// The data points of one metric as they are being gathered.
struct MetricAccumulator {
    /// A count or distribution data point's identity: its tags and its bucket.
    struct SeriesBucket: Hashable {
        var tags: [String: String]
        var bucketEnd: Int64
    }

    let type: MetricType
    /// Gauge points as they came.
    private var gauges: [(time: EventTime, value: Double, tags: [String: String])] = []
    /// Count and distribution points, one per series and bucket.
    private var buckets = OrderedGroups<SeriesBucket, Aggregate>()

    init(type: MetricType) { self.type = type }

    mutating func add(_ point: MetricPoint, bucketEnd: Int64) {
        if type == .gauge {
            gauges.append((point.timestamp, point.value, point.tags))
        } else {
            buckets.update(SeriesBucket(tags: point.tags, bucketEnd: bucketEnd), default: Aggregate()) {
                $0.add(point.value)
            }
        }
    }

    /// The data points in time order; points of one time keep their order of first appearance.
    func dataPoints() -> [MetricDataPoint] {
        switch type {
        case .gauge:
            return gauges.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map {
                MetricDataPoint(
                    kind: .gauge(value: $0.element.value), time: $0.element.time.nanoseconds, tags: $0.element.tags,
                    records: 1)
            }
        case .count, .distribution:
            return buckets.entries.enumerated().sorted {
                ($0.element.key.bucketEnd, $0.offset) < ($1.element.key.bucketEnd, $1.offset)
            }.map { _, entry in
                MetricDataPoint(
                    kind: type == .count ? .sum(value: entry.value.sum) : .histogram(entry.value),
                    time: entry.key.bucketEnd, tags: entry.key.tags, records: entry.value.count)
            }
        }
    }
}

/// Count, sum, extremes and bucket counts of the values of one data point.
struct Aggregate {
    var count = 0
    var sum = 0.0
    var min = Double.infinity
    var max = -Double.infinity
    /// One more than `OTLPMetricsEncoder.explicitBounds`: the last counts values above them all.
    var bucketCounts = [UInt64](repeating: 0, count: OTLPMetricsEncoder.explicitBounds.count + 1)

    mutating func add(_ value: Double) {
        count += 1
        sum += value
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        bucketCounts[Self.bucket(of: value)] += 1
    }

    /// OTLP buckets are upper-inclusive: bucket i holds (bounds[i−1], bounds[i]].
    static func bucket(of value: Double) -> Int {
        let bounds = OTLPMetricsEncoder.explicitBounds
        return bounds.firstIndex { value <= $0 } ?? bounds.count
    }
}

/// One data point ready to write.
struct MetricDataPoint {
    enum Kind {
        case gauge(value: Double)
        case sum(value: Double)
        case histogram(Aggregate)
    }

    var kind: Kind
    /// Nanoseconds: the gauge's time, or the end of the sum's or histogram's bucket.
    var time: Int64
    var tags: [String: String]
    /// Input points it stands for.
    var records: Int

    var isGauge: Bool {
        if case .gauge = kind { return true }
        return false
    }

    func write(_ w: inout JSONWriter, interval: EventDuration) {
        w.beginObject()
        // A gauge is an instant; sums and histograms cover their bucket.
        if !isGauge {
            OTLPJSON.writeUnixNano(&w, "startTimeUnixNano", EventTime(nanoseconds: time &- interval.nanoseconds))
        }
        OTLPJSON.writeUnixNano(&w, "timeUnixNano", EventTime(nanoseconds: time))
        switch kind {
        case .gauge(let value), .sum(let value):
            w.key("asDouble")
            w.double(value)
        case .histogram(let aggregate):
            w.key("count")
            w.string(String(aggregate.count))
            w.key("sum")
            w.double(aggregate.sum)
            w.key("min")
            w.double(aggregate.min)
            w.key("max")
            w.double(aggregate.max)
            w.key("bucketCounts")
            w.beginArray()
            for count in aggregate.bucketCounts { w.string(String(count)) }
            w.endArray()
            w.key("explicitBounds")
            w.beginArray()
            for bound in OTLPMetricsEncoder.explicitBounds { w.double(bound) }
            w.endArray()
        }
        OTLPJSON.writeStringAttributes(&w, tags)
        w.endObject()
    }
}
