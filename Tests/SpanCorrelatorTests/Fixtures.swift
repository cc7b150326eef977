import SpanCorrelator
import TraceTailCore

/// A test-only builder of `LogEvent`s: writes each field into one storage buffer and records
/// its byte range, the way the parser does for oslo lines.
struct Line {
    var source: UInt32 = 0
    var lineID: Int
    /// `YYYY-MM-DD HH:MM:SS.mmm` as logged; nil for a line without a timestamp.
    var time: String?
    var pid: Int? = 2931
    var level: LogLevel? = .info
    var component: String? = "nova.compute.manager"
    /// `req-…` as logged.
    var requestID: String?
    var globalRequestID: String?
    var instance: String?
    var message: String? = "something happened"
    var method: String?
    var path: String?
    var status: Int?
    var latencyMs: Double?
    var traceID: TraceID?
    var spanID: SpanID?
    var parentID: SpanID?
    var fileToken: String?
    var continuation = false
    /// `callee_request_id` as a client response line logs it.
    var callee: String?

    init(_ lineID: Int, _ time: String?, source: UInt32 = 0) {
        self.lineID = lineID
        self.time = time
        self.source = source
    }

    var event: LogEvent {
        var storage: [UInt8] = []
        func put(_ text: String?) -> ByteRange? {
            guard let text else { return nil }
            let start = storage.count
            storage.append(contentsOf: text.utf8)
            let range = ByteRange(start: start, end: storage.count)
            storage.append(0x20)
            return range
        }
        let tokenRange = put(fileToken)
        let timeRange = put(time)
        let componentRange = put(component)
        let requestRange = put(requestID)
        _ = put(globalRequestID)
        let instanceRange = put(instance)
        let methodRange = put(method)
        let pathRange = put(path)
        let messageRange = put(message)
        let calleeRange = put(callee)
        var event = LogEvent(source: SourceID(source), lineID: lineID, storage: storage[...])
        event.fileToken = tokenRange
        event.timestampText = timeRange
        event.timestamp = time.map(Line.parseTime)
        event.pid = pid
        event.level = level
        event.component = componentRange
        event.requestID = requestID.flatMap { RequestID($0.lowercased()) }
        event.requestIDText = requestRange
        event.globalRequestID = globalRequestID.flatMap { RequestID($0.lowercased()) }
        event.instanceID = instanceRange
        event.message = messageRange
        if method != nil || path != nil || status != nil || latencyMs != nil {
            event.http = HTTPFields(method: methodRange, path: pathRange, status: status, latencyMs: latencyMs)
        }
        event.traceID = traceID
        event.spanID = spanID
        event.parentID = parentID
        event.isContinuation = continuation
        if let calleeRange {
            event.extraCaptures.append(ExtraCapture(name: PatternName("callee_request_id"), range: calleeRange))
        }
        event.matchedRule = "test"
        return event
    }

    /// `2017-05-16 00:00:00.008` → event time (UTC).
    static func parseTime(_ text: String) -> EventTime {
        let b = Array(text.utf8)
        func n(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) } }
        let millis = b.count > 20 ? n(20..<23) : 0
        return CivilTime(
            year: n(0..<4), month: n(5..<7), day: n(8..<10), hour: n(11..<13), minute: n(14..<16),
            second: n(17..<19), nanosecond: millis * 1_000_000
        ).eventTime
    }
}

/// Runs lines through a correlator to the end.
func correlate(
    _ events: [LogEvent], configuration: SpanCorrelator.Configuration = .init(),
    sources: [SourceID: SpanCorrelator.Source] = [SourceID(0): .init(fileName: "nova-compute.log")]
) -> (spans: [Span], correlator: SpanCorrelator) {
    var correlator = SpanCorrelator(configuration: configuration, sources: sources)
    var out: [Span] = []
    for event in events { correlator.consume(event, into: &out) }
    correlator.finish(into: &out)
    return (out, correlator)
}

/// FNV-1a 64 of a string, as DESIGN §3 states it.
func fnv(_ text: String) -> UInt64 { FNV1a.hash64(text) }

/// Low 64 bits of `req-<uuid>`.
func low64(_ request: String) -> UInt64 { RequestID(request)!.uuid.low }

/// A span as comparable text, order-free: for tree comparisons.
func signature(_ span: Span) -> String {
    let attributes = span.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    return [
        span.traceID.description, span.spanID.description, span.parentID?.description ?? "-", span.service,
        span.name, span.resource, String(span.start.nanoseconds), String(span.durationNanoseconds),
        String(span.error), attributes,
    ].joined(separator: "|")
}
