/// Resource limits applied to every match, so a hostile line gives `.limitHit`, never a hang.
public struct MatchLimits: Sendable, Hashable {
    /// Upper bound on internal match-function calls (backtracking steps). Default 1,000,000.
    public var matchLimit: UInt32
    /// Upper bound on backtracking depth for the interpreter. Default 10,000.
    public var depthLimit: UInt32
    /// Upper bound on interpreter heap for backtracking, in KiB. Default 20,480 (20 MiB).
    public var heapLimitKiB: UInt32
    /// Maximum JIT stack size in bytes. Default 1 MiB.
    public var jitStackBytes: Int

    /// Creates limits; the defaults fit one-line log records with room to spare.
    public init(
        matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000, heapLimitKiB: UInt32 = 20_480,
        jitStackBytes: Int = 1 << 20
    ) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.heapLimitKiB = heapLimitKiB
        self.jitStackBytes = jitStackBytes
    }

    /// The defaults.
    public static let standard = MatchLimits()
}
