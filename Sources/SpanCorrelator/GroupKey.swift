import TraceTailCore

/// What a line correlates by: the unit the correlator keeps open, emits and remembers.
///
/// Packed integers only (NOTES.md: string request-id keys cost 39 % throughput).
/// * `.request`: an OpenStack local request id R (`a`/`b` = R's UUID halves); one open
///   span per service that logged R, all emitted together so the entry span can be chosen
///   with every line of R in view.
/// * `.explicit`: a line's own trace context (`a`/`b` = trace id, `c` = span id).
/// * `.idless`: an id-less HTTP request line, a one-span trace (`c` = its derived span id).
struct GroupKey: Hashable, Codable {
    enum Kind: UInt8, Codable {
        case request = 1
        case explicit = 2
        case idless = 3
    }

    var kind: Kind
    var a: UInt64
    var b: UInt64
    var c: UInt64

    static func request(_ id: RequestID) -> GroupKey {
        GroupKey(kind: .request, a: id.uuid.high, b: id.uuid.low, c: 0)
    }

    static func explicit(trace: TraceID, span: UInt64) -> GroupKey {
        GroupKey(kind: .explicit, a: trace.high, b: trace.low, c: span)
    }

    static func idless(span: UInt64) -> GroupKey { GroupKey(kind: .idless, a: 0, b: 0, c: span) }

    /// One combine instead of four: `b` and `c` are already uniformly random bits.
    func hash(into hasher: inout Hasher) {
        hasher.combine(b ^ (c &* 0x9e37_79b9_7f4a_7c15) ^ (a >> 1) ^ UInt64(kind.rawValue))
    }
}

// Checkpoints hold up to `rememberedSpans` + `maxOpenSpans` keys: written as the array
// `[kind, a, b, c]`, not as a keyed object, which keeps a 100 000-span checkpoint a third of the
// size and encoding time.
extension GroupKey {
    init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        kind = try c.decode(Kind.self)
        a = try c.decode(UInt64.self)
        b = try c.decode(UInt64.self)
        self.c = try c.decode(UInt64.self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(kind)
        try c.encode(a)
        try c.encode(b)
        try c.encode(self.c)
    }
}
