import TraceTailCore

/// Encodes metric points for OTLP/HTTP `POST /v1/metrics` (`ExportMetricsServiceRequest`
/// JSON, ANCHORS §3.4).
///
/// * Resources: one per `service` tag value (`service.name`), points without one under the
///   default service name; each also carries the constant resource attributes.
/// * Metric names are kept as they are (`cta.error_rate`); one metric object per name and type
///   within a resource.
/// * Gauges: one `gauge` data point per input point (`timeUnixNano`, `asDouble`).
/// * Counts: a monotonic delta `sum`. All values of one name and tag set in one interval
///   bucket are added into one data point whose window is the bucket: `timeUnixNano` is the
///   bucket's end (a multiple of `interval`, DESIGN §4's boundaries; a point exactly on a
///   boundary belongs to the bucket ending there) and `startTimeUnixNano` = end − interval.
///   Counts are event-time increments, so two points at nearby times would otherwise be two
///   overlapping delta windows of one stream, which backends merge or reject.
/// * Distributions (`cta.request.latency` in ms, `cta.workflow.duration` in s): a delta
///   `histogram`, aggregated the same way, with `count`, `sum`, `min`, `max`, `bucketCounts`
///   and the fixed `explicitBounds`.
/// * Data point attributes are the point's tags, `service` included although it is also the
///   resource's `service.name`: a backend or pipeline that drops resource attributes (or
///   flattens resources away) still tells services apart.
/// * NaN and infinite values are left out and counted (`skippedNonFinite`).
///
/// Data points are ordered by time, then by first appearance.
public struct OTLPMetricsEncoder: Sendable {
    /// Upper bounds of the histogram buckets, for every distribution.
    ///
    /// One list, because a bound list is not tied to a unit: these span four decades with
    /// roughly 1-2.5-5 steps, which places request latencies in ms (5 ms … 60 s, where OpenStack
    /// API calls lie) and workflow durations in s (5 s … 16 h, where fix workflows lie) alike,
    /// and keeps every histogram of the export mergeable with every other of its metric. Exact
    /// `min`, `max` and `sum` come with each point anyway.
    public static let explicitBounds: [Double] = [
        5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
    ]

    /// The options in force.
    public var options: OTLPEncoderOptions
    /// The aggregation interval (DESIGN §4, 10 s by default): width of a count or histogram
    /// data point's window.
    public var interval: EventDuration

    /// An encoder with `options` whose counts and distributions are aggregated per `interval`
    /// (must be positive).
    public init(options: OTLPEncoderOptions = OTLPEncoderOptions(), interval: EventDuration) {
        precondition(interval.nanoseconds > 0, "the metrics interval must be positive")
        self.options = options
        self.interval = interval
    }

    /// The bodies for `points`, in order. Every finite point is in exactly one data point of
    /// one body, unless that data point's own encoding cannot fit in `maxBodyBytes`.
    public func encode(_ points: [MetricPoint]) -> OTLPExportBodies {
        var nonFinite = 0
        var resources = OrderedGroups<String, OrderedGroups<MetricKey, MetricAccumulator>>()
        for point in points {
            guard point.value.isFinite else {
                nonFinite += 1
                continue
            }
            let service = options.serviceName(tag: point.tags[TagKey.service])
            let key = MetricKey(name: point.name, type: point.type)
            resources.update(service, default: .init()) { metrics in
                metrics.update(key, default: MetricAccumulator(type: point.type)) {
                    $0.add(point, bucketEnd: bucketEnd(of: point.timestamp))
                }
            }
        }

        var builder = OTLPBodyBuilder(envelopeKey: "resourceMetrics", maxBodyBytes: options.maxBodyBytes)
        var writer = JSONWriter()
        for (resourceIndex, (service, metrics)) in resources.entries.enumerated() {
            let resource = OTLPJSON.resourceContainer(
                id: resourceIndex, service: service, constants: options.resourceAttributes,
                scopeKey: "scopeMetrics", itemsKey: "metrics")
            for (metricIndex, (key, accumulator)) in metrics.entries.enumerated() {
                let metric = OTLPBodyBuilder.Container(
                    id: metricIndex, head: Self.metricHead(key), tail: Array("]}}".utf8))
                for dataPoint in accumulator.dataPoints() {
                    writer.reset()
                    dataPoint.write(&writer, interval: interval)
                    builder.add(writer.bytes, path: [resource, metric], records: dataPoint.records)
                }
            }
        }
        let bodies = builder.finish()
        return OTLPExportBodies(
            bodies: bodies, skippedNonFinite: nonFinite, skippedOversized: builder.oversizedRecords)
    }

    /// The end of the interval bucket holding `time`: the first multiple of `interval` at or
    /// after it, so the bucket is (end − interval, end].
    func bucketEnd(of time: EventTime) -> Int64 {
        let width = interval.nanoseconds
        let (quotient, remainder) = time.nanoseconds.quotientAndRemainder(dividingBy: width)
        // Division truncates towards zero, which is already the ceiling below zero.
        return (remainder > 0 ? quotient + 1 : quotient) &* width
    }

    /// `{"name":…,"gauge":{"dataPoints":[` and its kin, opened up to the data points.
    static func metricHead(_ key: MetricKey) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("name")
        w.string(key.name)
        switch key.type {
        case .gauge:
            w.key("gauge")
            w.beginObject()
        case .count:
            w.key("sum")
            w.beginObject()
            w.key("aggregationTemporality")
            w.int(deltaTemporality)
            w.key("isMonotonic")
            w.bool(true)
        case .distribution:
            w.key("histogram")
            w.beginObject()
            w.key("aggregationTemporality")
            w.int(deltaTemporality)
        }
        w.key("dataPoints")
        w.beginArray()
        return w.bytes
    }

    /// `AGGREGATION_TEMPORALITY_DELTA`: each point counts its own interval only, as DogStatsD
    /// counts do; TraceTail keeps no running totals to report cumulatively.
    static let deltaTemporality = 1
}

/// One metric of one resource: its name and OTLP kind.
struct MetricKey: Hashable {
    var name: String
    var type: MetricType
}
