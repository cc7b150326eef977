import TraceTailCore

/// Orders lines independently of arrival: event time, then source, then line number. The
/// "first" line of a span (its pid, file, component, …) is the least line in this order, so
/// a span's content does not depend on the order its lines were read in.
struct LineOrder: Comparable, Codable {
    var time: Int64
    var source: UInt32
    var line: Int

    static let last = LineOrder(time: .max, source: .max, line: .max)

    static func < (lhs: LineOrder, rhs: LineOrder) -> Bool {
        (lhs.time, lhs.source, lhs.line) < (rhs.time, rhs.source, rhs.line)
    }
}

/// The outermost HTTP request line seen for one span (earliest start, then longest).
struct RequestLine: Codable {
    var method: String?
    var path: String?
    var status: Int?
    var start: EventTime
    var end: EventTime
    var order: LineOrder

    /// True when `self` should represent the span rather than `other`.
    func isOuter(than other: RequestLine) -> Bool {
        if start != other.start { return start < other.start }
        if end != other.end { return end > other.end }
        return order < other.order
    }
}

/// An `[instance: …]` value: packed when it is a UUID (always, in practice).
enum InstanceValue: Codable {
    case uuid(UUID128)
    case text(String)

    var description: String {
        switch self {
        case .uuid(let u): UUIDText.canonical(u)
        case .text(let t): t
        }
    }
}

/// One line kept for a `log_event` child span (`spanPerEvent`) or made from a late line.
struct ChildRecord {
    var lineID: Int
    /// The event's own id (the seed's `LineId`, decoded into the `event_id` attribute), when
    /// it has one; the child's `event_id` tag is this, else the line number.
    var eventID: Int?
    var source: UInt32
    var service: Int32
    /// FNV-1a state after `<service>/<anchor text>`; the child id continues it with `/<line_id>`.
    var anchor: UInt64
    var time: EventTime?
    var level: LogLevel?
    var component: Int32
    var latencyMs: Double?
    var status: Int?
    var errorMessage: String?
}

/// Everything one open span has accumulated. Plain fields, no per-line allocation: strings
/// are made only for the rare winners (request line, first error message).
struct SpanAccumulator: Codable {
    /// Next span of the same group in `GroupTable.spans`, or -1.
    var nextInGroup: Int32 = -1
    var service: Int32 = 0
    /// FNV-1a of `<service>/<R as logged>` (request spans: the non-entry span id and the
    /// prefix of child ids), of `<service>/<span id hex>` (explicit), or the id-less span id.
    var anchor: UInt64 = 0
    var lineCount = 0
    var first = LineOrder.last
    var firstPid: Int?
    var component: Int32 = -1
    var start = EventTime(nanoseconds: .max)
    var end = EventTime(nanoseconds: .min)
    var error = false
    var maxStatus = 0
    var errorOrder = LineOrder.last
    var errorMessage: String?
    var request: RequestLine?
    var instanceOrder = LineOrder.last
    var instance: InstanceValue?
    var parentOrder = LineOrder.last
    var explicitParent: SpanID?
    var requestOrder = LineOrder.last
    var requestID: RequestID?
    /// Least global request id seen (one per request in practice; least keeps it order-free).
    var globalID: RequestID?
    /// Least explicit trace id of lines that had a trace id but no span id.
    var explicitTrace: TraceID?
    var children: [ChildRecord] = []

    init() {}

    init(service: Int32, anchor: UInt64) {
        self.service = service
        self.anchor = anchor
    }
}
