import TraceTailCore

extension SpanCorrelator {
    /// Everything the correlator needs to continue after a restart exactly as if it had never
    /// stopped (DESIGN §7): held lines, open spans, remembered emitted spans, continuation
    /// targets, the watermark and the counters — as values only. Interned service and component
    /// names are written as their strings in id order (ids are re-interned in that order, so
    /// they come back the same), held lines with only their own bytes, and hash indexes are
    /// rebuilt on restore.
    public struct State: Codable, Sendable {
        /// Format version, for readers of older checkpoints.
        public var version = 1
        /// The counters at the checkpoint; a restored correlator counts on from them.
        public var counters: Counters
        var services: [String]
        var components: [String]
        var sources: [SourceEntry]
        var pids: [PidEntry]
        var newest: EventTime
        var watermark: EventTime
        /// Held lines in release order.
        var held: [HeldLine]
        var table: GroupTable.Layout
        var openOrder: [OpenOrder.Entry]
        var emitted: EmittedMemory.Layout
        /// Callee links not yet used (absent in checkpoints of earlier versions).
        var callees: [CalleeLinks.Entry]? = nil

        struct SourceEntry: Codable {
            var fileName: String
            var fileService: Int32
            var configuredService: Int32?
            var lastTarget: LineTarget?
            var lastTime: EventTime?
        }

        struct PidEntry: Codable {
            var key: PidKey
            var state: PidState
        }

        struct HeldLine: Codable {
            /// Its sort time (an untimed line's is its file's previous time), as when it was pushed.
            var time: Int64
            var event: LogEvent.Checkpoint
        }
    }

    /// The state to write into a checkpoint (see `State`). Does not change the correlator.
    public func checkpointState() -> State {
        var buffer = self.buffer
        var held: [State.HeldLine] = []
        held.reserveCapacity(buffer.count)
        while let order = buffer.minOrder, let event = buffer.popMin() {
            held.append(State.HeldLine(time: order.time, event: event.checkpoint))
        }
        var pids = self.pids.entries.map { State.PidEntry(key: $0.key, state: $0.value) }
        // Sorted only so that equal states encode to equal bytes.
        pids.sort { ($0.key.source, $0.key.pid) < ($1.key.source, $1.key.pid) }
        return State(
            counters: counters, services: services.names, components: components.names,
            sources: sources.map {
                State.SourceEntry(
                    fileName: $0.fileName, fileService: $0.fileService, configuredService: $0.configuredService,
                    lastTarget: $0.lastTarget, lastTime: $0.lastTime)
            },
            pids: pids, newest: newest, watermark: watermark, held: held, table: table.layout,
            openOrder: openOrder.pending, emitted: emitted.layout, callees: callees.entries)
    }

    /// A correlator that continues from `state`. Settings come from `configuration` (a reload may
    /// have changed them; bounds apply from the next line on); `sources` re-describes files as
    /// `register(_:as:)` does, keeping what the checkpoint knew of each file's previous line.
    public init(configuration: Configuration, restoring state: State, sources: [SourceID: Source] = [:]) {
        self.init(configuration: configuration)
        counters = state.counters
        // Re-interning in saved order gives every name its saved id (the saved table never held
        // two names of one hash: `intern` refuses the second).
        services = SymbolTable(capacity: services.capacity)
        servicePrefix = []
        for name in state.services {
            _ = services.intern(name)
            servicePrefix.append(SpanCorrelator.prefixHash(Array(name.utf8)[...]))
        }
        components = SymbolTable(capacity: components.capacity)
        for name in state.components { _ = components.intern(name) }
        self.sources = state.sources.map { entry in
            var source = SourceState(fileName: entry.fileName, fileService: entry.fileService)
            source.configuredService = entry.configuredService
            source.lastTarget = entry.lastTarget
            source.lastTime = entry.lastTime
            return source
        }
        for entry in state.pids { pids.set(entry.key, entry.state) }
        newest = state.newest
        watermark = state.watermark
        for line in state.held {
            let event = LogEvent(checkpoint: line.event)
            let order = LineOrder(time: line.time, source: event.source.rawValue, line: event.lineID)
            // Pushed in release order, every line goes to the FIFO side: the order is kept exactly.
            buffer.push(event, order: order)
        }
        table = GroupTable(layout: state.table)
        openOrder = OpenOrder(pending: state.openOrder)
        emitted = EmittedMemory(layout: state.emitted, capacity: configuration.rememberedSpans)
        callees = CalleeLinks(entries: state.callees ?? [], capacity: configuration.maxOpenSpans)
        for (id, source) in sources.sorted(by: { $0.key < $1.key }) { register(source, as: id) }
    }
}
