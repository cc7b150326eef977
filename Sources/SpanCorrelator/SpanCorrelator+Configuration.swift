import TraceTailCore

extension SpanCorrelator {
    /// How lines are grouped into spans and when spans are emitted (DESIGN §3, config key
    /// `correlation` plus `metrics.error_status_min`).
    public struct Configuration: Sendable, Hashable {
        /// A span is emitted once no line has joined it for this much event time. Default 30 s.
        public var idleTimeout: EventDuration
        /// How far behind the newest event time a line may arrive and still join its span.
        /// The correlator's own watermark is `newest event time − allowedLateness`. Default 5 s.
        public var allowedLateness: EventDuration
        /// Bound on open spans; past it the least recently active request is emitted early
        /// (counted in `Counters.evicted`). Default 100 000.
        public var maxOpenSpans: Int
        /// Also emit one `log_event` child span per line (the seed's event spans). Default false.
        public var spanPerEvent: Bool
        /// HTTP status from which a span is an error. Default 500.
        public var errorStatusMin: Int
        /// How many emitted spans are remembered so that a late line becomes a `log_event`
        /// child of its span instead of a second copy. Default 100 000.
        public var rememberedSpans: Int
        /// How long (event time after a span's last line) an emitted span is remembered.
        /// Default 24 hours: memory is bounded by `rememberedSpans` anyway, and nova reuses
        /// one request id for a periodic task for as long as its process lives (Loghub's
        /// `req-3ea4052c…` recurs over hours), whose later lines must stay children of the one
        /// span rather than become a second copy (DESIGN §3).
        public var rememberFor: EventDuration
        /// Lines held for reordering within `allowedLateness`; past it the oldest is correlated
        /// at once (counted in `Counters.forcedReleases`). Default 100 000.
        public var maxBufferedLines: Int
        /// With `spanPerEvent`, at most this many per-line children are buffered per open span;
        /// further lines still join the span but get no child (counted). Default 4 096.
        public var maxEventsPerSpan: Int
        /// Only a service that logged the request's HTTP line may be its entry span
        /// (`correlation.entry_needs_request_line`). Off (DESIGN §3): with no request line, the
        /// earliest span is the entry. On for one TraceTail per host: a host that sees only
        /// nova-compute's part of a request must not give it the entry id that nova-api's host
        /// gives nova-api's span; its spans hang under the request instead. Default false.
        public var entryNeedsRequestLine = false

        /// Creates a configuration; every parameter has the DESIGN default.
        public init(
            idleTimeout: EventDuration = .seconds(30), allowedLateness: EventDuration = .seconds(5),
            maxOpenSpans: Int = 100_000, spanPerEvent: Bool = false, errorStatusMin: Int = 500,
            rememberedSpans: Int = 100_000, rememberFor: EventDuration = .minutes(24 * 60),
            maxEventsPerSpan: Int = 4_096,
            maxBufferedLines: Int = 100_000
        ) {
            self.maxBufferedLines = maxBufferedLines
            self.idleTimeout = idleTimeout
            self.allowedLateness = allowedLateness
            self.maxOpenSpans = maxOpenSpans
            self.spanPerEvent = spanPerEvent
            self.errorStatusMin = errorStatusMin
            self.rememberedSpans = rememberedSpans
            self.rememberFor = rememberFor
            self.maxEventsPerSpan = maxEventsPerSpan
        }
    }

    /// A source file as the correlator needs it: its name (for `file` and for the service
    /// fallback) and the service configured for it, if any.
    public struct Source: Sendable, Hashable {
        /// File name (a path is fine; the last component is used), e.g. `nova-api.log`.
        public var fileName: String
        /// `sources[].service` from the config; wins over every other service rule.
        public var service: String?

        /// Creates a source description.
        public init(fileName: String, service: String? = nil) {
            self.fileName = fileName
            self.service = service
        }
    }

    /// What the correlator has done, for `/status` and tests. All counts are since creation.
    public struct Counters: Sendable, Hashable, Codable {
        /// Every `LogEvent` consumed.
        public var lines = 0
        /// Lines that became part of a span: joined or opened one, attached as continuation,
        /// became a late child, or opened an id-less one-span trace.
        public var events = 0
        /// Spans emitted, `openstack.request` and `log_event` alike.
        public var spansEmitted = 0
        /// The `log_event` subset of `spansEmitted` (late lines and `spanPerEvent` children).
        public var eventSpansEmitted = 0
        /// Root spans emitted (`openstack.request` with no parent): each starts a trace.
        public var tracesStarted = 0
        /// Lines for an already-emitted span, emitted as its `log_event` children.
        public var late = 0
        /// Spans emitted early because `maxOpenSpans` was reached.
        public var evicted = 0
        /// Lines with no trace context, no request id and no HTTP request: they join no span.
        public var idlessDropped = 0
        /// Continuation / traceback lines attached to the previous event of their pid.
        public var continuationAttached = 0
        /// Continuation lines whose pid had no previous event in a span.
        public var orphanContinuations = 0
        /// Lines the parser could not match (`LogEvent.unmatched`); they join nothing.
        public var unmatched = 0
        /// Lines correlated before their time because the reorder buffer was full.
        public var forcedReleases = 0
        /// `spanPerEvent` children not emitted because a span reached `maxEventsPerSpan`.
        public var eventChildrenDropped = 0

        /// All zero.
        public init() {}
    }
}
