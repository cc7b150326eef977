/// Severity of a log line as oslo.log writes it.
public enum LogLevel: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case trace, debug, info, audit, warning, error, critical

    /// Parses `DEBUG`, `INFO`, `WARNING`/`WARN`, `ERROR`, `CRITICAL`/`FATAL`, `AUDIT`, `TRACE`,
    /// in any case.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        var upper: [UInt8] = []
        upper.reserveCapacity(8)
        for b in bytes.prefix(9) { upper.append(b >= 0x61 && b <= 0x7a ? b - 0x20 : b) }
        guard upper.count == bytes.count else { return nil }
        switch String(decoding: upper, as: UTF8.self) {
        case "TRACE": self = .trace
        case "DEBUG": self = .debug
        case "INFO": self = .info
        case "AUDIT": self = .audit
        case "WARNING", "WARN": self = .warning
        case "ERROR": self = .error
        case "CRITICAL", "FATAL": self = .critical
        default: return nil
        }
    }

    /// True for ERROR and CRITICAL: such a line makes its span an error (DESIGN §3).
    public var isError: Bool { self == .error || self == .critical }

    /// The upper-case name, as logged.
    public var description: String {
        switch self {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .audit: "AUDIT"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }
}

/// A half-open byte range `[start, end)` relative to the start of `LogEvent.storage`.
public struct ByteRange: Hashable, Sendable, BitwiseCopyable {
    public var start: Int32
    public var end: Int32
    /// Creates a range; `start <= end`.
    public init(start: Int, end: Int) {
        self.start = Int32(truncatingIfNeeded: start)
        self.end = Int32(truncatingIfNeeded: end)
    }
    /// Number of bytes.
    public var count: Int { Int(end - start) }
}

/// Stable small id of a source file within one run (index into the run's file table).
public struct SourceID: Hashable, Sendable, Comparable {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: SourceID, rhs: SourceID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Why a line produced no useful event; unmatched lines are records too, counted by reason.
public enum UnmatchedReason: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No rule matched the line.
    case noRule
    /// PCRE2 hit its match, depth or heap limit (a hostile line); counted, never retried.
    case limitHit
    /// The line is empty or only whitespace.
    case empty
    /// A JSON line that is not a JSON object.
    case invalidJSON
    /// A timestamp that matched the pattern but is not a real date.
    case badTimestamp

    public var description: String {
        switch self {
        case .noRule: "no_rule"
        case .limitHit: "limit_hit"
        case .empty: "empty"
        case .invalidJSON: "invalid_json"
        case .badTimestamp: "bad_timestamp"
        }
    }
}

/// HTTP request fields of a request line (nova / neutron `status: N len: N time: S`,
/// glance/eventlet `"GET …" 404 442 0.909730`, or JSON `status`/`latency_ms`).
public struct HTTPFields: Hashable, Sendable {
    /// `GET`, `POST`, …
    public var method: ByteRange?
    /// Request path as logged, query included.
    public var path: ByteRange?
    /// HTTP status code.
    public var status: Int?
    /// Response length in bytes.
    public var bytes: Int?
    /// Latency in milliseconds (converted from seconds where the log gives seconds).
    public var latencyMs: Double?

    public init(
        method: ByteRange? = nil, path: ByteRange? = nil, status: Int? = nil, bytes: Int? = nil,
        latencyMs: Double? = nil
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.bytes = bytes
        self.latencyMs = latencyMs
    }

    /// True when no field is set.
    public var isEmpty: Bool { method == nil && path == nil && status == nil && bytes == nil && latencyMs == nil }
}

/// One parsed log line (DESIGN §2). Text fields are byte ranges into `storage`, so parsing
/// allocates no `String`; call `text(_:)` where a field leaves the process.
///
/// For oslo lines `storage` is the line itself (possibly cut at `max_line_bytes`); for JSON
/// lines it is a buffer of decoded values, because JSON strings may hold escapes.
public struct LogEvent: Sendable {
    /// The file this line came from.
    public var source: SourceID
    /// 1-based line number within that file (Loghub's LineId).
    public var lineID: Int
    /// Bytes the ranges below point into.
    public var storage: ArraySlice<UInt8>
    /// Event time; nil when the line carries none (continuation lines).
    public var timestamp: EventTime?
    /// The timestamp exactly as logged (used by the id-less span rule of DESIGN §3).
    public var timestampText: ByteRange?
    public var pid: Int?
    public var level: LogLevel?
    /// Logger name, e.g. `nova.osapi_compute.wsgi.server`.
    public var component: ByteRange?
    public var requestID: RequestID?
    /// Absent when the log says `None` or `-`.
    public var globalRequestID: RequestID?
    /// The request id exactly as logged (`req-…`), for FNV-derived span ids.
    public var requestIDText: ByteRange?
    public var user: ByteRange?
    public var project: ByteRange?
    /// `[instance: UUID]` value.
    public var instanceID: ByteRange?
    /// Text after the context bracket and the instance tag, as logged.
    public var message: ByteRange?
    public var http: HTTPFields?
    /// Explicit trace context (`dd.trace_id=`, `trace_id=`, JSON `trace_id`).
    public var traceID: TraceID?
    public var spanID: SpanID?
    public var parentID: SpanID?
    /// Loghub's leading file token (`nova-api.log.1.2017-05-16_13:53:08`), when present.
    public var fileToken: ByteRange?
    /// True for traceback / continuation lines that belong to the previous event of the pid.
    public var isContinuation: Bool
    /// The rule that matched; nil when nothing did.
    public var matchedRuleName: PatternName?
    /// Why nothing matched; nil when a rule matched.
    public var unmatched: UnmatchedReason?
    /// True when the line was longer than `max_line_bytes` and was cut.
    public var truncated: Bool
    /// Other named captures of the matching rule, as string attributes.
    public var extraCaptures: ExtraCaptures

    /// An event with only its position set; parsers fill in the rest. Inlinable so the parser,
    /// in another module, builds it in place instead of calling out and copying it back.
    @inlinable
    public init(source: SourceID, lineID: Int, storage: ArraySlice<UInt8>) {
        self.source = source
        self.lineID = lineID
        self.storage = storage
        self.isContinuation = false
        self.truncated = false
        self.extraCaptures = ExtraCaptures()
    }

    /// Name of the rule that matched; nil when nothing did.
    public var matchedRule: String? {
        get { matchedRuleName?.name }
        set { matchedRuleName = newValue.map(PatternName.init) }
    }

    /// The extra captures with their names as strings (for output and tests; the hot path uses
    /// `extraCaptures`).
    public var extra: [(name: String, range: ByteRange)] {
        get { extraCaptures.map { (name: $0.key.map { text($0) ?? "" } ?? $0.name.name, range: $0.range) } }
        set {
            extraCaptures = ExtraCaptures()
            for (name, range) in newValue { extraCaptures.append(ExtraCapture(name: PatternName(name), range: range)) }
        }
    }

    /// The bytes of a field.
    @inlinable
    public func bytes(_ range: ByteRange) -> ArraySlice<UInt8> {
        let base = storage.startIndex
        return storage[(base + Int(range.start))..<(base + Int(range.end))]
    }

    /// A field as a `String` (invalid UTF-8 repaired with U+FFFD); nil when absent.
    public func text(_ range: ByteRange?) -> String? {
        guard let range else { return nil }
        return String(decoding: bytes(range), as: UTF8.self)
    }
}
