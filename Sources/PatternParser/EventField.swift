import PCRE2
import TraceTailCore

/// Which `LogEvent` field a capture name fills. The mapping is by name, so user rules fill the
/// same fields as the shipped ones just by naming their captures (`%{INT:status:int}`).
enum EventField: Hashable, Sendable, BitwiseCopyable {
    case timestamp, fileToken, pid, level, component
    case requestID, globalRequestID, user, project, instanceID, message
    case method, path, status, bytes, latencySeconds, latencyMilliseconds
    case traceIDHex, spanIDHex, parentIDHex, traceIDDecimal, spanIDDecimal, parentIDDecimal
    /// Any other name: kept as a string attribute in `LogEvent.extra` (index into the
    /// rule's `extraNames`, so the enum stays trivially copyable on the hot path).
    case extra(Int)

    /// The capture names the parser understands (documented in patterns/README and base.grok).
    init(captureName name: String, extraIndex: Int) {
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
        default: self = .extra(extraIndex)
        }
    }
}

/// A rule with its captures resolved to fields and group numbers once, at setup. A class, so
/// the per-line loops retain one reference instead of copying a struct of strings and arrays.
final class ResolvedRule {
    let name: String
    /// `name` interned: what events record (no retain/release per line).
    let ruleName: PatternName
    let kind: PatternRule.Kind
    let regex: CompiledRegex
    /// The prefilter literal, kept as raw bytes for `ByteScan.find`.
    let literal: ByteLiteral
    /// Per capture: the field it fills and its (first) group number. Fixed buffers rather than
    /// arrays: reading them per line then costs no retain/release (they live as long as the rule).
    let fields: UnsafeBufferPointer<EventField>
    let groups: UnsafeBufferPointer<Int>
    /// Further groups per capture (duplicate names); empty for almost every capture.
    let alternates: [[Int]]
    let hasAlternates: Bool
    /// Names of the captures that become `LogEvent.extraCaptures`, interned.
    let extraNames: UnsafeBufferPointer<PatternName>

    init(_ rule: PatternRule) {
        name = rule.name
        ruleName = PatternName(rule.name)
        kind = rule.kind
        regex = rule.regex
        literal = ByteLiteral(rule.literal ?? [])
        var fields: [EventField] = []
        var groups: [Int] = []
        var alternates: [[Int]] = []
        var extraNames: [String] = []
        for capture in rule.captures {
            guard let first = capture.groups.first else { continue }
            let field = EventField(captureName: capture.name, extraIndex: extraNames.count)
            if case .extra = field { extraNames.append(capture.name) }
            fields.append(field)
            groups.append(first)
            alternates.append(Array(capture.groups.dropFirst()))
        }
        self.fields = Self.frozen(fields)
        self.groups = Self.frozen(groups)
        self.alternates = alternates
        self.hasAlternates = alternates.contains { !$0.isEmpty }
        self.extraNames = Self.frozen(extraNames.map(PatternName.init))
    }

    deinit {
        fields.deallocate()
        groups.deallocate()
        extraNames.deallocate()
    }

    /// A copy of `values` in memory of its own, freed in `deinit`.
    private static func frozen<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, values.count))
        _ = buffer.initialize(from: values)
        return UnsafeBufferPointer(rebasing: buffer[0..<values.count])
    }
}

/// A rule reference that costs nothing to use: walking the rules per line does no
/// retain/release (an `unowned(unsafe)` reference is still retained around each method call;
/// a guaranteed `Unmanaged` reference is not). Valid while the parser's strong array of the
/// rules lives.
struct RuleRef {
    private let rule: Unmanaged<ResolvedRule>
    private let regex: Unmanaged<CompiledRegex>
    let kind: PatternRule.Kind
    let ruleName: PatternName

    init(_ rule: ResolvedRule) {
        self.rule = .passUnretained(rule)
        self.regex = .passUnretained(rule.regex)
        self.kind = rule.kind
        self.ruleName = rule.ruleName
    }

    /// Matches the rule's regex against `raw`.
    @inline(__always)
    func match(_ raw: UnsafeRawBufferPointer, using scratch: MatchScratch) -> MatchOutcome {
        regex._withUnsafeGuaranteedRef { $0.match(raw, using: scratch) }
    }

    /// Runs `body` with the rule, borrowed.
    @inline(__always)
    func with<R>(_ body: (ResolvedRule) -> R) -> R { rule._withUnsafeGuaranteedRef(body) }
}

/// A prefilter literal as plain values (no reference), so the message-rule loop can reject
/// rules with `memchr` before touching any rule object. Valid while its `ByteLiteral` lives.
struct LiteralView {
    let bytes: UnsafeRawBufferPointer
    let anchor: Int

    init(_ literal: ByteLiteral) {
        bytes = literal.bytes
        anchor = literal.anchor
    }
}

/// A byte string in memory of its own, so the hot path can use it without `withUnsafeBytes`.
final class ByteLiteral {
    let bytes: UnsafeRawBufferPointer
    /// Index of the byte `ByteScan.find` searches for first: the least common-looking one, so
    /// `memchr` stops rarely on false candidates (`:` in `status: `, `=` in `trace_id=`).
    let anchor: Int

    init(_ value: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, value.count), alignment: 1)
        storage.copyBytes(from: value)
        self.bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<value.count])
        func commonness(_ b: UInt8) -> Int {
            switch b {
            case 0x20: 100
            case UInt8(ascii: "a")...UInt8(ascii: "z"): 50
            case UInt8(ascii: "0")...UInt8(ascii: "9"): 40
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): 30
            case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"): 20
            case UInt8(ascii: "_"): 15
            default: 10
            }
        }
        self.anchor = value.indices.min { commonness(value[$0]) < commonness(value[$1]) } ?? 0
    }

    /// The anchor byte itself (0 for an empty literal).
    var anchorByte: UInt8 { bytes.isEmpty ? 0 : bytes[anchor] }

    deinit { bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() } }
}
