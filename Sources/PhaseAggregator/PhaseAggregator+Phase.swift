import TraceTailCore

extension PhaseAggregator {
    /// Records a CTA event: it may change the phase or the run now (spans consumed from here on
    /// see it) and is queued for release in event-time order.
    mutating func consumeCTA(_ event: CTAEvent) {
        noteEventTime(event.timestamp)
        agenda.insertSorted(AgendaItem(time: event.timestamp, sequence: nextSequence(), kind: .cta(event)))
        let inForce = timeline.state(at: event.timestamp)
        let run = runID(of: event, inForce: inForce.runID)
        let source = "cta:\(event.type.rawValue)"
        if event.type == configuration.afterFixOn {
            applyPhase(.afterFix, runID: run, at: event.timestamp, source: source)
        } else if event.type == .fixRollback {
            applyPhase(.beforeFix, runID: run, at: event.timestamp, source: source)
        } else if run != inForce.runID {
            timeline.insert(
                PhaseTransition(
                    at: event.timestamp, phase: inForce.phase, runID: run, source: source, changesPhase: false))
        }
    }

    /// The run a CTA event belongs to: the pinned run, else the event's own, else the one in force.
    func runID(of event: CTAEvent, inForce: String) -> String {
        if configuration.pinRunID { return configuration.runID }
        return event.runID.isEmpty ? inForce : event.runID
    }

    /// Moves the timeline to `phase` at `at`. Not a change when that phase is already in force
    /// there (then only the run may switch). A real change queues `phase_changed`, and a change
    /// to `after_fix` is a fix that gets its own comparison.
    mutating func applyPhase(_ phase: Phase, runID: String, at: EventTime, source: String) {
        let inForce = timeline.state(at: at)
        guard inForce.phase != phase else {
            if runID != inForce.runID {
                timeline.insert(
                    PhaseTransition(at: at, phase: phase, runID: runID, source: source, changesPhase: false))
            }
            return
        }
        let transition = PhaseTransition(at: at, phase: phase, runID: runID, source: source)
        timeline.insert(transition)
        let sequence = nextSequence()
        agenda.insertSorted(AgendaItem(time: at, sequence: sequence, kind: .phaseChanged(transition)))
        if phase == .afterFix {
            let fix = PendingFix(at: at, runID: runID, sequence: sequence)
            let index = pendingFixes.firstIndex { $0.at > at } ?? pendingFixes.endIndex
            pendingFixes.insert(fix, at: index)
        }
    }
}

extension Array where Element == AgendaItem {
    /// Inserts after every item with time ≤ the new one's: equal times keep arrival order.
    mutating func insertSorted(_ item: AgendaItem) {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid].time <= item.time { low = mid + 1 } else { high = mid }
        }
        insert(item, at: low)
    }
}
