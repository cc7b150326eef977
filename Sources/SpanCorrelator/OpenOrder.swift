import TraceTailCore

/// Open groups in the order they opened, with the time of their first line, so the oldest
/// still-open group is found in amortised O(1).
///
/// Why: every span a group will still emit ends at or after the group's first line, so the
/// first line of the oldest open group bounds the end of every span not yet emitted. The
/// aggregator uses that bound (`SpanCorrelator.settledThrough`) to evaluate a window only once
/// no span ending in it can still arrive — a long request whose spans are held until the whole
/// request is idle must not be missing from the windows it ended in.
///
/// Lines reach the table in event-time order (the reorder buffer releases them sorted), so
/// groups open in time order and a FIFO suffices; entries of closed groups are skipped lazily.
struct OpenOrder {
    private var entries: [(time: EventTime, group: Int32, key: GroupKey)] = []
    private var head = 0

    /// Notes that `group` opened for `key` with a first line at `time`.
    mutating func opened(_ group: Int32, key: GroupKey, at time: EventTime) {
        entries.append((time, group, key))
    }

    /// First-line time of the oldest group still open in `table`, or nil when none is.
    mutating func oldestOpen(in table: GroupTable) -> EventTime? {
        while head < entries.count {
            let entry = entries[head]
            if table.find(entry.key) == entry.group { return entry.time }
            head += 1
        }
        // Everything consumed: reclaim the storage.
        entries.removeAll(keepingCapacity: true)
        head = 0
        return nil
    }

    /// Drops consumed entries once they dominate the array (keeps memory ∝ open groups).
    mutating func compact() {
        guard head > 4096, head * 2 > entries.count else { return }
        entries.removeFirst(head)
        head = 0
    }
}

extension OpenOrder {
    /// One entry not yet consumed, for a checkpoint (slots stay valid: `GroupTable.Layout`
    /// keeps them).
    struct Entry: Codable {
        var time: EventTime
        var group: Int32
        var key: GroupKey
    }

    var pending: [Entry] { entries[head...].map { Entry(time: $0.time, group: $0.group, key: $0.key) } }

    init(pending: [Entry]) {
        entries = pending.map { ($0.time, $0.group, $0.key) }
    }
}
