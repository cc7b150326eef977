import PCRE2
import TraceTailCore

/// Which `LogEvent` field a capture name fills. The mapping is by name, so user rules fill the
/// same fields as the shipped ones just by naming their captures (`%{INT:status:int}`).
enum EventField: UInt8, Hashable, Sendable, BitwiseCopyable {
    case timestamp, fileToken, pid, level, component
    case requestID, globalRequestID, user, project, instanceID, message
    case method, path, status, bytes, latencySeconds, latencyMilliseconds
    case traceIDHex, spanIDHex, parentIDHex, traceIDDecimal, spanIDDecimal, parentIDDecimal
    /// Any other name: kept as an extra capture of the event (`FieldSlot.extraName`).
    case extra

    /// The fields of every oslo line, applied by straight-line code (`FieldPlan`).
    var isCommon: Bool {
        switch self {
        case .timestamp, .pid, .level, .component, .requestID, .user, .project, .instanceID, .message: true
        default: false
        }
    }

    /// The capture names the parser understands (documented in patterns/README and base.grok).
    init(captureName name: String) {
        switch name {
        case "timestamp": self = .timestamp
        // A wrapper's program (`nova_compute[…]`, `devstack@n-cpu.service[…]`) names the service
        // as Loghub's file token does.
        case "file", "file_token", "service": self = .fileToken
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
        default: self = .extra
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
    /// Per capture: the field it fills and its (first) group number, in a fixed buffer rather
    /// than an array: reading it per line then costs no retain/release (it lives as long as the
    /// rule).
    let slots: UnsafeBufferPointer<FieldSlot>
    /// Further groups per capture (duplicate names); empty for almost every capture.
    let alternates: [[Int]]
    let hasAlternates: Bool
    /// The same captures as one group number per known field, for the straight-line path
    /// (rules without duplicate names) of the fields every oslo line has, and the other
    /// captures (HTTP, trace context, extras) as a list.
    let plan: UnsafePointer<FieldPlan>
    let others: UnsafeBufferPointer<FieldSlot>

    init(_ rule: PatternRule) {
        name = rule.name
        ruleName = PatternName(rule.name)
        kind = rule.kind
        regex = rule.regex
        literal = rule.prefilter ?? ByteLiteral([])
        var slots: [FieldSlot] = []
        var alternates: [[Int]] = []
        for capture in rule.captures {
            guard let first = capture.groups.first else { continue }
            let field = EventField(captureName: capture.name)
            slots.append(
                FieldSlot(
                    field: field, group: Int32(first), extraName: field == .extra ? PatternName(capture.name) : nil))
            alternates.append(Array(capture.groups.dropFirst()))
        }
        self.slots = Self.frozen(slots)
        self.alternates = alternates
        self.hasAlternates = alternates.contains { !$0.isEmpty }
        var plan = FieldPlan()
        for slot in slots { plan[slot.field] = slot.group }
        let planStorage = UnsafeMutablePointer<FieldPlan>.allocate(capacity: 1)
        planStorage.initialize(to: plan)
        self.plan = UnsafePointer(planStorage)
        self.others = Self.frozen(slots.filter { !$0.field.isCommon })
    }

    deinit {
        slots.deallocate()
        plan.deallocate()
        others.deallocate()
    }

    /// A copy of `values` in memory of its own, freed in `deinit`.
    private static func frozen<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, values.count))
        _ = buffer.initialize(from: values)
        return UnsafeBufferPointer(rebasing: buffer[0..<values.count])
    }
}

/// The group number of each known field in one rule (-1 when the rule does not capture it).
/// Applying a rule is then straight-line code over fixed fields instead of a loop dispatching
/// on each capture's kind, which cost ~25 instructions of loop overhead per capture.
struct FieldPlan: BitwiseCopyable {
    private var groups = (
        Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1),
        Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1), Int32(-1),
        Int32(-1), Int32(-1), Int32(-1), Int32(-1)
    )
    subscript(field: EventField) -> Int32 {
        get { withUnsafeBytes(of: groups) { $0.load(fromByteOffset: Int(field.rawValue) * 4, as: Int32.self) } }
        set {
            withUnsafeMutableBytes(of: &groups) {
                $0.storeBytes(of: newValue, toByteOffset: Int(field.rawValue) * 4, as: Int32.self)
            }
        }
    }
}

/// One capture of a rule: the event field it fills and the group that carries it.
struct FieldSlot: BitwiseCopyable {
    var field: EventField
    var group: Int32
    /// The interned capture name, for `.extra` fields.
    var extraName: PatternName?
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
/// Immutable after `init`, hence shareable between tasks.
final class ByteLiteral: @unchecked Sendable {
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
