import TraceTailCore

/// What is remembered of an emitted group, enough to hang a late line under the right span.
struct EmittedRecord: Codable {
    var trace: TraceID
    /// The group's entry span (request groups) or its only span; a late line whose service
    /// had no span of its own becomes a child of it.
    var entrySpan: SpanID
    var entryService: Int32
    /// Bit `s` set when service id `s` (< 64) had a span of its own in the group.
    var serviceMask: UInt64
    var kind: GroupKey.Kind
    var sequence: UInt64

    /// The span a late line of `service` (whose `<service>/<R>` hash is `anchor`) belongs to.
    func parent(service: Int32, anchor: UInt64) -> SpanID {
        guard kind == .request, service != entryService else { return entrySpan }
        // Non-entry spans of a request are FNV(`<service>/<R>`) = the late line's anchor.
        if service >= 0, service < 64, serviceMask & (1 << UInt64(service)) != 0 { return SpanID(anchor) }
        return entrySpan
    }
}

extension EmittedRecord {
    /// Written as an array (`[trace, entrySpan, entryService, serviceMask, kind, sequence]`):
    /// a checkpoint holds up to `rememberedSpans` of them.
    init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        trace = try c.decode(TraceID.self)
        entrySpan = try c.decode(SpanID.self)
        entryService = try c.decode(Int32.self)
        serviceMask = try c.decode(UInt64.self)
        kind = try c.decode(GroupKey.Kind.self)
        sequence = try c.decode(UInt64.self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(trace)
        try c.encode(entrySpan)
        try c.encode(entryService)
        try c.encode(serviceMask)
        try c.encode(kind)
        try c.encode(sequence)
    }
}

/// Emitted group keys, bounded by count (`rememberedSpans`, a FIFO ring) and by event time
/// (`rememberFor` after the group's last line). A line for a forgotten group opens a new one
/// (a duplicate span with the same deterministic ids, which downstream stores de-duplicate).
struct EmittedMemory {
    private var records = GroupKeyTable<EmittedRecord>()
    private var ringKeys: [GroupKey] = []
    private var ringTimes: [EventTime] = []
    private var ringSequences: [UInt64] = []
    private var ringHead = 0
    private var ringCount = 0
    private var nextSequence: UInt64 = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var count: Int { records.count }

    func lookup(_ key: GroupKey) -> EmittedRecord? { records.find(key) }

    /// Remembers `key`, forgetting the oldest entry when full.
    mutating func remember(_ key: GroupKey, _ record: EmittedRecord, lastActive: EventTime) {
        guard capacity > 0 else { return }
        if ringCount == capacity { forgetOldest() }
        var record = record
        record.sequence = nextSequence
        nextSequence &+= 1
        records.set(key, record)
        let slot = (ringHead + ringCount) % capacity
        if slot == ringKeys.count {
            ringKeys.append(key)
            ringTimes.append(lastActive)
            ringSequences.append(record.sequence)
        } else {
            ringKeys[slot] = key
            ringTimes[slot] = lastActive
            ringSequences[slot] = record.sequence
        }
        ringCount += 1
    }

    /// Forgets entries whose last line is older than `cutoff` (checked from the oldest; the
    /// ring is in emission order, which follows event time up to the allowed lateness).
    mutating func forget(before cutoff: EventTime) {
        while ringCount > 0, ringTimes[ringHead] < cutoff { forgetOldest() }
    }

    private mutating func forgetOldest() {
        let key = ringKeys[ringHead]
        // A key emitted again after being forgotten has a newer record; keep that one.
        if records.find(key)?.sequence == ringSequences[ringHead] { records.remove(key) }
        ringHead = (ringHead + 1) % capacity
        ringCount -= 1
    }
}

extension EmittedMemory {
    /// The memory as values for a checkpoint: the FIFO ring as it is (oldest first) and the
    /// current record of every remembered key.
    struct Layout: Codable {
        var capacity: Int
        var ring: [RingEntry]
        var records: [Remembered]
        var nextSequence: UInt64

        /// Written as `[key, lastActive, sequence]`.
        struct RingEntry: Codable {
            var key: GroupKey
            var lastActive: EventTime
            var sequence: UInt64

            init(key: GroupKey, lastActive: EventTime, sequence: UInt64) {
                self.key = key
                self.lastActive = lastActive
                self.sequence = sequence
            }

            init(from decoder: any Decoder) throws {
                var c = try decoder.unkeyedContainer()
                key = try c.decode(GroupKey.self)
                lastActive = try c.decode(EventTime.self)
                sequence = try c.decode(UInt64.self)
            }

            func encode(to encoder: any Encoder) throws {
                var c = encoder.unkeyedContainer()
                try c.encode(key)
                try c.encode(lastActive)
                try c.encode(sequence)
            }
        }

        /// Written as `[key, record]`.
        struct Remembered: Codable {
            var key: GroupKey
            var record: EmittedRecord

            init(key: GroupKey, record: EmittedRecord) {
                self.key = key
                self.record = record
            }

            init(from decoder: any Decoder) throws {
                var c = try decoder.unkeyedContainer()
                key = try c.decode(GroupKey.self)
                record = try c.decode(EmittedRecord.self)
            }

            func encode(to encoder: any Encoder) throws {
                var c = encoder.unkeyedContainer()
                try c.encode(key)
                try c.encode(record)
            }
        }
    }

    var layout: Layout {
        var ring: [Layout.RingEntry] = []
        var records: [Layout.Remembered] = []
        for i in 0..<ringCount {
            let slot = (ringHead + i) % capacity
            let key = ringKeys[slot]
            ring.append(Layout.RingEntry(key: key, lastActive: ringTimes[slot], sequence: ringSequences[slot]))
            if let record = self.records.find(key), record.sequence == ringSequences[slot] {
                records.append(Layout.Remembered(key: key, record: record))
            }
        }
        return Layout(capacity: capacity, ring: ring, records: records, nextSequence: nextSequence)
    }

    /// The memory `layout` was taken of, with `capacity` from the current configuration. With
    /// the same capacity every entry keeps its place (so forgetting continues exactly); with
    /// another, the newest current entries are remembered again in order.
    init(layout: Layout, capacity: Int) {
        self.init(capacity: capacity)
        guard self.capacity > 0 else { return }
        if self.capacity == layout.capacity {
            for entry in layout.ring {
                ringKeys.append(entry.key)
                ringTimes.append(entry.lastActive)
                ringSequences.append(entry.sequence)
            }
            ringCount = layout.ring.count
            for remembered in layout.records { records.set(remembered.key, remembered.record) }
            nextSequence = layout.nextSequence
        } else {
            var lastActive: [UInt64: EventTime] = [:]
            for entry in layout.ring { lastActive[entry.sequence] = entry.lastActive }
            for remembered in layout.records.suffix(self.capacity) {
                remember(
                    remembered.key, remembered.record,
                    lastActive: lastActive[remembered.record.sequence] ?? EventTime(nanoseconds: .min))
            }
        }
    }
}
