extension Captures {
    /// Start and end offsets of group `group`, or `(-1, -1)` when it did not participate.
    /// The parser's per-field loop uses this instead of the subscript: no `Optional<Range>` to
    /// build and no range precondition per capture.
    @inlinable
    public func bounds(_ group: Int) -> (start: Int, end: Int) {
        guard group >= 0, group < count else { return (-1, -1) }
        let start = ovector[2 &* group]
        guard start >= 0 else { return (-1, -1) }
        return (start, ovector[2 &* group &+ 1])
    }
}
