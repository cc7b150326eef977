/// Which `LogEvent` field a capture name fills. The mapping is by name, so user rules fill the
/// same fields as the shipped ones just by naming their captures (`%{INT:status:int}`).
enum EventField: Hashable, Sendable {
    case timestamp, fileToken, pid, level, component
    case requestID, globalRequestID, user, project, instanceID, message
    case method, path, status, bytes, latencySeconds, latencyMilliseconds
    case traceIDHex, spanIDHex, parentIDHex, traceIDDecimal, spanIDDecimal, parentIDDecimal
    /// Any other name: kept as a string attribute in `LogEvent.extra`.
    case extra(String)

    /// The capture names the parser understands (documented in patterns/README and base.grok).
    init(captureName name: String) {
        switch name {
        case "timestamp": self = .timestamp
        case "file", "file_token": self = .fileToken
        case "pid": self = .pid
        case "level": self = .level
        case "component", "logger": self = .component
        case "request_id": self = .requestID
        case "global_request_id": self = .globalRequestID
        case "user", "user_id": self = .user
        case "project", "project_id", "tenant_id": self = .project
        case "instance_id": self = .instanceID
        case "message": self = .message
        case "method": self = .method
        case "path": self = .path
        case "status": self = .status
        case "bytes", "length": self = .bytes
        case "latency_s", "duration_s": self = .latencySeconds
        case "latency_ms", "duration_ms": self = .latencyMilliseconds
        case "trace_id": self = .traceIDHex
        case "span_id": self = .spanIDHex
        case "parent_id", "parent_span_id": self = .parentIDHex
        case "dd_trace_id": self = .traceIDDecimal
        case "dd_span_id": self = .spanIDDecimal
        case "dd_parent_id": self = .parentIDDecimal
        default: self = .extra(name)
        }
    }
}

/// A rule with its captures resolved to fields and group numbers once, at setup.
struct ResolvedRule {
    struct Field {
        var field: EventField
        /// The only group, or the first of several (duplicate names).
        var group: Int
        /// Further groups carrying the same name; usually empty.
        var alternates: [Int]
        /// Attribute name for `.extra`.
        var name: String
    }

    let rule: PatternRule
    let fields: [Field]
    /// The prefilter literal, kept as raw bytes for `ByteScan.find`.
    let literal: ByteLiteral

    init(_ rule: PatternRule) {
        self.rule = rule
        self.literal = ByteLiteral(rule.literal ?? [])
        self.fields = rule.captures.compactMap { capture in
            guard let first = capture.groups.first else { return nil }
            return Field(
                field: EventField(captureName: capture.name), group: first,
                alternates: Array(capture.groups.dropFirst()), name: capture.name)
        }
    }
}

/// A byte string in memory of its own, so the hot path can use it without `withUnsafeBytes`.
final class ByteLiteral {
    let bytes: UnsafeRawBufferPointer

    init(_ value: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, value.count), alignment: 1)
        storage.copyBytes(from: value)
        self.bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<value.count])
    }

    deinit { bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() } }
}
