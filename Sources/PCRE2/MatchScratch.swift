import CPCRE2

/// Per-task mutable match state: match data (the ovector), a match context carrying the limits,
/// and a JIT stack. One scratch serves any number of `CompiledRegex`es, but only one task;
/// it is deliberately not `Sendable`.
public final class MatchScratch {
    /// The match data and its size. Behind a pointer the class never reassigns, so reading
    /// them per match costs no dynamic exclusivity check (a `var` stored property of a class
    /// does: `swift_beginAccess` on every line).
    private struct State {
        var capacity: Int
        var matchData: OpaquePointer
    }
    private let state: UnsafeMutablePointer<State>

    /// Capture pairs the match data can hold (group 0 included); grows on demand.
    public var capacity: Int { state.pointee.capacity }
    var matchData: OpaquePointer { state.pointee.matchData }
    let context: OpaquePointer
    private let jitStack: OpaquePointer?
    /// The limits this scratch enforces.
    public let limits: MatchLimits

    /// Creates scratch space.
    /// - Parameters:
    ///   - limits: match/depth/heap limits and JIT stack size; always set, never unlimited.
    ///   - capacity: initial number of capture pairs (group 0 included).
    public init(limits: MatchLimits = .standard, capacity: Int = 32) {
        self.limits = limits
        let pairs = max(1, capacity)
        guard let data = pcre2_match_data_create_8(UInt32(pairs), nil),
            let context = pcre2_match_context_create_8(nil)
        else { preconditionFailure("PCRE2 could not allocate match data (out of memory)") }
        self.state = .allocate(capacity: 1)
        state.initialize(to: State(capacity: pairs, matchData: data))
        self.context = context
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        // A JIT stack of our own: the default 32 KiB machine-stack area makes heavy
        // backtracking fail early with JIT_STACKLIMIT; a bounded larger stack gives the
        // match limit a chance to be the one that stops it.
        let stack = pcre2_jit_stack_create_8(32 * 1024, max(32 * 1024, limits.jitStackBytes), nil)
        self.jitStack = stack
        if let stack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(stack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        state.deallocate()
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Makes sure `pairs` capture pairs fit; reallocates (rarely: once per larger pattern).
    func reserve(pairs: Int) {
        guard pairs > capacity else { return }
        guard let data = pcre2_match_data_create_8(UInt32(pairs), nil) else {
            preconditionFailure("PCRE2 could not allocate match data (out of memory)")
        }
        pcre2_match_data_free_8(matchData)
        state.pointee = State(capacity: pairs, matchData: data)
    }
}

@available(*, unavailable)
extension MatchScratch: Sendable {}
