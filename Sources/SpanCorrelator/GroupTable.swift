import TraceTailCore

/// One open correlation unit (see `GroupKey`) and its place in the LRU list.
struct OpenGroup: Codable {
    var key: GroupKey
    /// LRU neighbours (indices into `GroupTable.groups`), -1 at the ends.
    var prev: Int32 = -1
    var next: Int32 = -1
    /// First span of the group in `GroupTable.spans`, -1 when none.
    var firstSpan: Int32 = -1
    var spanCount: Int32 = 0
    /// Newest event time of any line that joined: idleness is measured from here.
    var lastActive: EventTime

    init(key: GroupKey, lastActive: EventTime) {
        self.key = key
        self.lastActive = lastActive
    }
}

/// Open groups and their spans in two slabs with free lists (no allocation per line once
/// warm), a key index, and an intrusive doubly-linked LRU list: touch, open, remove and
/// "least recently active" are all O(1).
struct GroupTable {
    private(set) var groups: [OpenGroup] = []
    private var freeGroups: [Int32] = []
    private(set) var spans: [SpanAccumulator] = []
    private var freeSpans: [Int32] = []
    private var index = GroupKeyTable<Int32>()
    /// Least recently active group, or -1.
    private(set) var head: Int32 = -1
    /// Most recently active group, or -1.
    private(set) var tail: Int32 = -1
    /// Spans in open groups.
    private(set) var openSpans = 0

    var isEmpty: Bool { head < 0 }
    var openGroups: Int { index.count }

    func find(_ key: GroupKey) -> Int32? { index.find(key) }

    subscript(group g: Int32) -> OpenGroup {
        get { groups[Int(g)] }
        _modify { yield &groups[Int(g)] }
    }

    subscript(span s: Int32) -> SpanAccumulator {
        get { spans[Int(s)] }
        _modify { yield &spans[Int(s)] }
    }

    /// Opens a group at the most-recent end of the LRU list.
    mutating func open(_ key: GroupKey, at time: EventTime) -> Int32 {
        let g: Int32
        if let reused = freeGroups.popLast() {
            g = reused
            groups[Int(g)] = OpenGroup(key: key, lastActive: time)
        } else {
            g = Int32(groups.count)
            groups.append(OpenGroup(key: key, lastActive: time))
        }
        index.set(key, g)
        linkAtTail(g)
        return g
    }

    /// Marks `g` as the most recently active group.
    mutating func touch(_ g: Int32) {
        guard g != tail else { return }
        unlink(g)
        linkAtTail(g)
    }

    /// The span of `g` for `service`; with nil, the group's only span.
    func span(in g: Int32, service: Int32?) -> Int32? {
        var s = groups[Int(g)].firstSpan
        while s >= 0 {
            if service == nil || spans[Int(s)].service == service { return s }
            s = spans[Int(s)].nextInGroup
        }
        return nil
    }

    /// Adds a span to `g`.
    mutating func addSpan(to g: Int32, _ accumulator: consuming SpanAccumulator) -> Int32 {
        var accumulator = accumulator
        accumulator.nextInGroup = groups[Int(g)].firstSpan
        let s: Int32
        if let reused = freeSpans.popLast() {
            s = reused
            // The free slot holds an empty accumulator: swap instead of assign-and-destroy.
            swap(&accumulator, &spans[Int(s)])
        } else {
            s = Int32(spans.count)
            spans.append(accumulator)
        }
        groups[Int(g)].firstSpan = s
        groups[Int(g)].spanCount += 1
        openSpans += 1
        return s
    }

    /// Closes `g`, returning it and appending its spans to `out` (a buffer the caller reuses,
    /// so closing a group allocates nothing); their slots are recycled.
    mutating func remove(_ g: Int32, into out: inout [SpanAccumulator]) -> OpenGroup {
        let group = groups[Int(g)]
        unlink(g)
        index.remove(group.key)
        let before = out.count
        var s = group.firstSpan
        while s >= 0 {
            let next = spans[Int(s)].nextInGroup
            // Move out and leave an empty value behind so the strings it held are released
            // (a swap: no copy, no retain of what it holds).
            var taken = SpanAccumulator()
            swap(&taken, &spans[Int(s)])
            out.append(taken)
            freeSpans.append(s)
            s = next
        }
        openSpans -= out.count - before
        groups[Int(g)].firstSpan = -1
        freeGroups.append(g)
        return group
    }

    private mutating func linkAtTail(_ g: Int32) {
        groups[Int(g)].prev = tail
        groups[Int(g)].next = -1
        if tail >= 0 { groups[Int(tail)].next = g } else { head = g }
        tail = g
    }

    private mutating func unlink(_ g: Int32) {
        let prev = groups[Int(g)].prev
        let next = groups[Int(g)].next
        if prev >= 0 { groups[Int(prev)].next = next } else { head = next }
        if next >= 0 { groups[Int(next)].prev = prev } else { tail = prev }
        groups[Int(g)].prev = -1
        groups[Int(g)].next = -1
    }
}

extension GroupTable {
    /// The slabs as values for a checkpoint. Slot numbers, free lists and the LRU links are
    /// kept as they are, so the restored table reuses slots in the same order and
    /// `OpenOrder`'s (key, slot) entries keep their meaning; free span slots hold nothing.
    struct Layout: Codable {
        var groups: [OpenGroup]
        var freeGroups: [Int32]
        var spanSlots: Int
        var spans: [LiveSpan]
        var freeSpans: [Int32]
        var head: Int32
        var tail: Int32

        struct LiveSpan: Codable {
            var slot: Int32
            var span: SpanAccumulator
        }
    }

    var layout: Layout {
        let free = Set(freeSpans)
        let live = spans.indices.filter { !free.contains(Int32($0)) }.map {
            Layout.LiveSpan(slot: Int32($0), span: spans[$0])
        }
        return Layout(
            groups: groups, freeGroups: freeGroups, spanSlots: spans.count, spans: live, freeSpans: freeSpans,
            head: head, tail: tail)
    }

    /// The table `layout` was taken of; the key index is rebuilt from the open groups.
    init(layout: Layout) {
        groups = layout.groups
        freeGroups = layout.freeGroups
        spans = Array(repeating: SpanAccumulator(), count: layout.spanSlots)
        for live in layout.spans { spans[Int(live.slot)] = live.span }
        freeSpans = layout.freeSpans
        head = layout.head
        tail = layout.tail
        var g = head
        while g >= 0 {
            index.set(groups[Int(g)].key, g)
            openSpans += Int(groups[Int(g)].spanCount)
            g = groups[Int(g)].next
        }
    }
}
