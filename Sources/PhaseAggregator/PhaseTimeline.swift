import TraceTailCore

/// One change of the phase or of the run in force, at an event time.
public struct PhaseTransition: Sendable, Hashable, Codable {
    /// When it takes effect: spans starting at or after this instant carry it.
    public var at: EventTime
    /// Phase in force from `at`.
    public var phase: Phase
    /// Run in force from `at`.
    public var runID: String
    /// Who asked: `fix_at`, `cta:patch_applied`, `cta:fix_rollback`, or the `.phase` input's source.
    public var source: String
    /// False for entries that only switch the run (a CTA event of a new run), not the phase.
    public var changesPhase: Bool

    public init(at: EventTime, phase: Phase, runID: String, source: String, changesPhase: Bool = true) {
        self.at = at
        self.phase = phase
        self.runID = runID
        self.source = source
        self.changesPhase = changesPhase
    }
}

/// The phase/run timeline as a sorted list of transitions.
///
/// Sorted by `at`; entries at the same instant keep arrival order, and the state at `t` is the
/// last entry with `at ≤ t` (so a fix at `t` already applies to a span starting at `t`). Before
/// the first entry the phase is `before_fix` and the run is the configured one. The list only
/// grows by real changes, so it stays as small as the number of fixes, rollbacks and runs.
struct PhaseTimeline: Sendable {
    private(set) var transitions: [PhaseTransition] = []
    let defaultRunID: String

    init(defaultRunID: String) { self.defaultRunID = defaultRunID }

    /// Phase and run in force at `time`.
    func state(at time: EventTime) -> (phase: Phase, runID: String) {
        guard let index = lastIndex(atOrBefore: time) else { return (.beforeFix, defaultRunID) }
        return (transitions[index].phase, transitions[index].runID)
    }

    /// Phase and run in force just before `time` (entries at `time` excluded).
    func state(before time: EventTime) -> (phase: Phase, runID: String) {
        let index = insertionIndex(after: time.advanced(byNanoseconds: -1))
        guard index > 0 else { return (.beforeFix, defaultRunID) }
        return (transitions[index - 1].phase, transitions[index - 1].runID)
    }

    /// The first phase change after `time` (strictly later) whose phase is `phase`.
    func nextChange(to phase: Phase, after time: EventTime) -> EventTime? {
        let start = insertionIndex(after: time)
        return transitions[start...].first { $0.changesPhase && $0.phase == phase }?.at
    }

    /// Inserts after every entry with `at ≤ transition.at` (arrival order among equals).
    mutating func insert(_ transition: PhaseTransition) {
        transitions.insert(transition, at: insertionIndex(after: transition.at))
    }

    /// Forgets entries before `time` except the last of them, which still gives the state in
    /// force at `time`: lookups at or after `time` are unchanged and the list stays bounded.
    mutating func prune(before time: EventTime) {
        let firstKept = insertionIndex(after: time.advanced(byNanoseconds: -1)) - 1
        if firstKept > 0 { transitions.removeFirst(firstKept) }
    }

    /// Index of the first entry with `at > time`.
    private func insertionIndex(after time: EventTime) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid].at <= time { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private func lastIndex(atOrBefore time: EventTime) -> Int? {
        let index = insertionIndex(after: time)
        return index == 0 ? nil : index - 1
    }
}

extension PhaseTimeline {
    /// A timeline holding `transitions` (already sorted, as `transitions` was at a checkpoint).
    init(defaultRunID: String, transitions: [PhaseTransition]) {
        self.init(defaultRunID: defaultRunID)
        self.transitions = transitions
    }
}
