import CPCRE2

/// The result of one match attempt. Matching never throws: a hostile line is an outcome.
public enum MatchOutcome {
    /// The pattern matched; read the groups from `Captures`.
    case matched(Captures)
    /// The pattern did not match.
    case noMatch
    /// A match, depth, heap or JIT-stack limit stopped the attempt (catastrophic backtracking).
    case limitHit
    /// Any other PCRE2 run-time error (negative PCRE2 code); should not happen with UTF off.
    case failed(code: Int32)
}

/// Read-only view of the ovector after a successful match. Valid only until the next match
/// on the same `MatchScratch`; never store it.
public struct Captures {
    @usableFromInline let ovector: UnsafeMutablePointer<Int>
    /// Number of capture pairs that were set by the match (highest set group + 1).
    public let count: Int

    init(ovector: UnsafeMutablePointer<Int>, count: Int) {
        self.ovector = ovector
        self.count = count
    }

    /// Byte range of group `group` relative to the matched subject, or nil when the group did
    /// not participate.
    @inlinable
    public subscript(group: Int) -> Range<Int>? {
        guard group >= 0, group < count else { return nil }
        let start = ovector[2 * group]
        // PCRE2_UNSET is ~0, which Swift sees as -1.
        guard start >= 0 else { return nil }
        return start..<ovector[2 * group + 1]
    }

    /// Range of the whole match (group 0).
    public var whole: Range<Int> { ovector[0]..<ovector[1] }
}
