import TraceTailCore

/// The correlator stage (DESIGN §3): stitches parsed log lines into spans with deterministic
/// ids, so every host computes the same trace, span and parent ids with no coordination.
///
/// Pure and synchronous, driven by event time only. Lines are grouped by what identifies
/// them (`GroupKey`): their explicit trace context; else their OpenStack request id R, with
/// one span per service that logged R; else, for id-less HTTP request lines, a one-span
/// trace. A group is emitted once — when it has been idle for `idleTimeout` of event time
/// (the correlator's watermark is the newest event time minus `allowedLateness`, or the
/// watermark given to `advance(to:)` if later), when `maxOpenSpans` forces the least
/// recently active group out, or at `finish`.
///
/// **Entry span of R, decided at emission.** nova-api writes R's request line at the *end*
/// of the request, after conductor and compute have logged R, so nothing can be decided when
/// the first line arrives. All spans of R are emitted together, and then: the entry is the
/// span whose service logged an HTTP request line for R; if several did, the outermost one
/// (earliest `time − latency`, then longest, then least service name); if none did, the span
/// with the earliest first line (then least service name). The entry gets `low64(R)`
/// (parent `low64(G)` when R has a global id G ≠ R, else none); every other span of R gets
/// `FNV-1a(<service>/<R as logged>)` with parent `low64(R)`. Trace id: the line's explicit
/// trace id, else G, else R. Every choice is a minimum over the lines, never "first
/// arrived", so shuffling lines within `allowedLateness` yields the same spans.
///
/// **Late lines.** A line whose time is `idleTimeout` or more after its group's newest line,
/// or whose group was already emitted, is late: it becomes a `log_event` child of the span it
/// belongs to (its service's span, else the entry span), never a second copy. Emitted groups
/// are remembered for `rememberedSpans` groups and `rememberFor` of event time.
///
/// **Continuation lines** (`isContinuation`, no timestamp, or an id-less ERROR line with the
/// pid and timestamp of that pid's previous ERROR line) join the span of the previous event
/// of the same source and pid (pid-less continuations: of the same source), never another
/// pid's and never a trace of their own; an ERROR one makes that span an error.
///
/// **Derived ids** (all 64-bit FNV-1a over UTF-8, see `FNV1a`):
/// * non-entry span of R: `<service>/<R as logged>`
/// * id-less request line: `<service>/<line_id>/<timestamp as logged>`; trace id = that, zero-extended
/// * trace id without span id (and no R): span `<service>/<trace id, 32 hex>`
/// * `log_event` child of a line: `<service>/<anchor>/<line_id>`, anchor = R as logged
///   (request spans), the span id in 16 hex (explicit spans), or `<line_id>/<timestamp>` of
///   the id-less request line.
///
/// Service: the source's configured service, else Loghub's leading file token of the line
/// (`nova-api.log.1.2017-05-16_13:53:08` → `nova-api`), else the file name (`ServiceName`).
///
/// **Bounds** (memory is set by configuration, not input): open spans `maxOpenSpans`; held
/// lines `maxBufferedLines`; remembered emitted groups `rememberedSpans` / `rememberFor`;
/// per-span `spanPerEvent` children `maxEventsPerSpan`; pid states 65 536 (then reset);
/// interned names 4 096 services / 16 384 components (then `unknown` / the service name).
///
/// **Driving it.** Call `consume` for every line, `advance(to: now − allowedLateness)` during
/// quiet periods in `run` (the correlator already tracks `newest − allowedLateness` itself;
/// passing the newest event time would release held lines early), and `finish` at the end.
/// Attributes are listed in `SpanAttributeKey`; `phase` and `run_id` are added downstream.
public struct SpanCorrelator: Stage {
    public typealias Input = LogEvent
    public typealias Output = Span

    /// The configuration this correlator was made with.
    public let configuration: Configuration
    /// What it has done so far.
    public internal(set) var counters = Counters()

    var buffer = ReorderBuffer()
    var table = GroupTable()
    var emitted: EmittedMemory
    var services = SymbolTable(capacity: 4_096)
    /// FNV-1a state after `<service>/`, by service id.
    var servicePrefix: [UInt64] = []
    var components = SymbolTable(capacity: 16_384)
    var sources: [SourceState] = []
    var pids = FlatTable<PidKey, PidState>()
    /// Newest event time consumed.
    var newest = EventTime(nanoseconds: .min)
    /// Groups whose newest line is at least `idleTimeout` before this are emitted.
    var watermark = EventTime(nanoseconds: .min)
    /// Open groups by opening time, for `settledThrough`.
    var openOrder = OpenOrder()
    /// Scratch for the spans of the group being emitted (kept for its capacity).
    var closing: [SpanAccumulator] = []
    /// Requests called by other requests, from the callers' client lines (pre-global-id parenting).
    var callees: CalleeLinks
    let unknownService: Int32

    /// Sources with an id at or above this share one fallback slot (ids are small indices).
    static let maxSourceSlots = 65_536
    /// Pid states kept before the table is reset (pids churn slowly; this bounds memory).
    static let maxPidStates = 65_536
    /// Bytes of an error message kept for `error.message`.
    static let maxErrorMessageBytes = 1_024

    /// Creates a correlator. `sources` describes the files lines come from; more can be
    /// added later with `register(_:as:)`.
    public init(configuration: Configuration = Configuration(), sources: [SourceID: Source] = [:]) {
        self.configuration = configuration
        self.emitted = EmittedMemory(capacity: configuration.rememberedSpans)
        self.callees = CalleeLinks(capacity: configuration.maxOpenSpans)
        var services = SymbolTable(capacity: 4_096)
        let unknown = services.intern("unknown") ?? 0
        self.services = services
        self.unknownService = unknown
        self.servicePrefix = [SpanCorrelator.prefixHash(Array("unknown".utf8)[...])]
        for (id, source) in sources.sorted(by: { $0.key < $1.key }) { register(source, as: id) }
    }

    /// Describes (or re-describes) the file behind `id`; what is known of its previous line
    /// (for continuation lines and untimed lines) is kept.
    public mutating func register(_ source: Source, as id: SourceID) {
        let slot = SpanCorrelator.slot(of: id)
        while sources.count <= slot { sources.append(SourceState(fileName: "", fileService: unknownService)) }
        var state = SourceState(fileName: source.fileName, fileService: unknownService)
        // Lines already read from this file still precede its next ones (a restored checkpoint
        // re-registers its files): keep where its previous line went.
        state.lastTarget = sources[slot].lastTarget
        state.lastTime = sources[slot].lastTime
        let derived = ServiceName.derive(fromFileName: source.fileName)
        if !derived.isEmpty { state.fileService = internService(Array(derived.utf8)[...]) }
        if let configured = source.service, !configured.isEmpty {
            state.configuredService = internService(Array(configured.utf8)[...])
        }
        sources[slot] = state
    }

    /// Every span this correlator emits from now on ends at or after this time (absent lines
    /// more than `allowedLateness` late): the older of the watermark and the first line of the
    /// oldest open group. Downstream windows ending before it are complete.
    /// `.min` until the first line.
    public mutating func settledThrough() -> EventTime {
        openOrder.compact()
        guard let oldest = openOrder.oldestOpen(in: table) else { return watermark }
        return min(watermark, oldest)
    }

    /// Spans currently open (bounded by `maxOpenSpans`).
    public var openSpanCount: Int { table.openSpans }

    /// Emitted groups currently remembered for late lines (bounded by `rememberedSpans`).
    public var rememberedSpanCount: Int { emitted.count }

    /// Lines held in the reorder buffer (at most `maxBufferedLines`).
    public var bufferedLineCount: Int { buffer.count }

    /// Takes one line. It is held until event time passes it by `allowedLateness` (lines
    /// already older than that are correlated at once), then correlated in time order.
    ///
    /// `consuming`: the caller's event moves into the reorder buffer instead of being copied
    /// (and its references retained) on the way.
    public mutating func consume(_ event: consuming LogEvent, into output: inout [Span]) {
        counters.lines += 1
        let slot = ensureSource(event.source)
        let stamp = event.timestamp
        let time: EventTime
        if let stamp {
            time = stamp
            sources[slot].lastTime = stamp
        } else {
            // A continuation line sorts right after the previous line of its file.
            time = sources[slot].lastTime ?? newest
        }
        if time < watermark {
            process(event, slot: slot, into: &output)
        } else {
            let order = LineOrder(time: time.nanoseconds, source: event.source.rawValue, line: event.lineID)
            buffer.push(event, order: order)
        }
        if let stamp, stamp > newest {
            newest = stamp
            release(before: stamp - configuration.allowedLateness, into: &output)
        }
        if buffer.count > max(0, configuration.maxBufferedLines), let oldest = buffer.popMin() {
            counters.forcedReleases += 1
            process(oldest, slot: SpanCorrelator.slot(of: oldest.source), into: &output)
        }
    }

    /// Event time has reached `watermark` (in `run`, also from the wall clock): correlate the
    /// lines before it and emit the spans idle since `watermark − idleTimeout`.
    public mutating func advance(to watermark: EventTime, into output: inout [Span]) {
        release(before: watermark, into: &output)
    }

    /// Correlates every held line, then emits every open span.
    public mutating func finish(into output: inout [Span]) {
        while let event = buffer.popMin() {
            process(event, slot: SpanCorrelator.slot(of: event.source), into: &output)
        }
        while table.head >= 0 { emitGroup(table.head, evicted: false, into: &output) }
    }
}

/// Per-source state: names and the last Loghub token seen (so the token → service work is
/// a byte comparison per line, not a `String`).
struct SourceState {
    var fileName: String
    var fileService: Int32
    var configuredService: Int32?
    var lastToken: [UInt8] = []
    var lastTokenService: Int32 = -1
    /// Target of the previous event of this source, for continuation lines without a pid.
    var lastTarget: LineTarget?
    /// Newest timestamp consumed from this source, the sort time of its untimed lines.
    var lastTime: EventTime?

    init(fileName: String, fileService: Int32) {
        self.fileName = fileName
        self.fileService = fileService
    }
}

/// The span a line went to, so its continuation lines can follow it.
struct LineTarget: Codable {
    var key: GroupKey
    var service: Int32
    var anchor: UInt64
    /// Time of the line; a late continuation without a timestamp of its own takes it.
    var time: EventTime
}

struct PidKey: Hashable, Codable {
    var source: UInt32
    var pid: Int
}

/// The previous event of one pid in one source.
struct PidState: Codable {
    var target: LineTarget?
    var time: EventTime
    var wasError: Bool
}
