import TraceTailCore

/// Generates a realistic OpenStack log directory (nova-api, -conductor, -scheduler, -compute,
/// glance-api, neutron-server) plus the CTA agent's workflow events, as a pure value.
///
/// The generator advances in event time only: `lines(through:)` returns every line whose time is
/// at or before the given instant, each file's lines in time order. Because every line of a
/// happening lies at or after the happening's start, all lines up to `t` are known once every
/// happening starting at or before `t` has been generated, so asking in small steps (follow mode)
/// or all at once gives exactly the same lines.
public struct LogSimulator: Sendable {
    /// What is simulated.
    public let configuration: SimulationConfiguration
    var rng: SplitMix64
    var world: SimulationWorld
    /// Generated lines not yet handed out.
    var pending: [SimulatedLine] = []
    var nextSequence: UInt64 = 0
    /// Next start time of each source of happenings, in tie-break order.
    var due: [EventTime]
    /// Ticks done by each periodic source.
    var ticks: [Int]
    /// Everything up to this time has been handed out.
    public private(set) var emittedThrough: EventTime

    /// The independent sources of happenings.
    enum Source: Int, CaseIterable {
        case apiRequest
        case glanceBackground
        case neutronBackground
        case computePeriodic
        case schedulerPeriodic
        case conductorPeriodic
    }

    /// Creates the simulator; nothing is generated until lines are asked for.
    public init(configuration: SimulationConfiguration) {
        self.configuration = configuration
        var rng = SplitMix64(seed: configuration.seed)
        world = SimulationWorld(rng: &rng)
        let start = configuration.start
        due = Source.allCases.map { source in
            switch source {
            case .apiRequest, .glanceBackground, .neutronBackground: start
            case .computePeriodic: start + .seconds(13)
            case .schedulerPeriodic: start + .seconds(29)
            case .conductorPeriodic: start + .seconds(47)
            }
        }
        ticks = Array(repeating: 0, count: Source.allCases.count)
        emittedThrough = start - .milliseconds(1)
        self.rng = rng
        // Background arrivals start one gap after the start, like API requests.
        for source in [Source.apiRequest, .glanceBackground, .neutronBackground] {
            due[source.rawValue] = start + arrivalGap(for: source)
        }
        for event in LogSimulator.ctaEvents(configuration) {
            append(LineBatch(lines: [(event.time, .ctaAgent, event.json)]))
        }
    }

    /// True once every line of the run has been handed out.
    public var isFinished: Bool { emittedThrough >= configuration.end && pending.isEmpty }

    /// Every line with a time at or before `time` not handed out before, ordered by time (ties in
    /// generation order, so traceback lines follow their ERROR line).
    public mutating func lines(through time: EventTime) -> [SimulatedLine] {
        let end = configuration.end
        while let source = nextSource(), due[source.rawValue] <= time {
            let at = due[source.rawValue]
            var batch = LineBatch()
            generate(source, at: at, into: &batch)
            // A happening that would still be running at the end of the run is left out whole:
            // the files then never hold a half request.
            if let latest = batch.latest, latest < end { append(batch) }
        }
        if time > emittedThrough { emittedThrough = time }
        var ready: [SimulatedLine] = []
        var rest: [SimulatedLine] = []
        for line in pending {
            if line.time <= time { ready.append(line) } else { rest.append(line) }
        }
        pending = rest
        ready.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
        return ready
    }

    /// Every remaining line of the run.
    public mutating func remainingLines() -> [SimulatedLine] {
        lines(through: configuration.end + .minutes(10))
    }

    /// All lines of a configuration, in time order.
    public static func generate(_ configuration: SimulationConfiguration) -> [SimulatedLine] {
        var simulator = LogSimulator(configuration: configuration)
        return simulator.remainingLines()
    }

    /// The source due first that still starts inside the run.
    private func nextSource() -> Source? {
        var best: Source?
        for source in Source.allCases where due[source.rawValue] < configuration.end {
            if let current = best, due[current.rawValue] <= due[source.rawValue] { continue }
            best = source
        }
        return best
    }

    private mutating func append(_ batch: LineBatch) {
        for line in batch.lines {
            pending.append(SimulatedLine(time: line.time, file: line.file, text: line.text, sequence: nextSequence))
            nextSequence += 1
        }
    }

    /// Runs one happening of `source` starting at `time` and schedules the next one.
    private mutating func generate(_ source: Source, at time: EventTime, into batch: inout LineBatch) {
        let index = source.rawValue
        ticks[index] += 1
        switch source {
        case .apiRequest:
            apiRequest(at: time, into: &batch)
            due[index] = time + arrivalGap(for: source)
        case .glanceBackground:
            glanceBackgroundRequest(at: time, into: &batch)
            due[index] = time + arrivalGap(for: source)
        case .neutronBackground:
            neutronBackgroundRequest(at: time, into: &batch)
            due[index] = time + arrivalGap(for: source)
        case .computePeriodic:
            computePeriodicTasks(at: time, tick: ticks[index], into: &batch)
            due[index] = time + .seconds(60)
        case .schedulerPeriodic:
            schedulerPeriodicTasks(at: time, into: &batch)
            due[index] = time + .seconds(60)
        case .conductorPeriodic:
            conductorPeriodicTasks(at: time, tick: ticks[index], into: &batch)
            due[index] = time + .seconds(60)
        }
    }

    /// Poisson inter-arrival gap of a request source (at least 1 ms).
    private mutating func arrivalGap(for source: Source) -> EventDuration {
        let rate =
            switch source {
            case .apiRequest: configuration.rate
            default: configuration.rate * 0.15
            }
        let seconds = rng.exponential(mean: 1 / rate)
        return EventDuration(nanoseconds: max(1_000_000, Int64(seconds * 1e9)))
    }

    /// True when the fault shows at `time`.
    func isFaulty(_ time: EventTime) -> Bool { configuration.faultyPeriod?.contains(time) ?? false }

    /// A fresh request id.
    mutating func newRequestID() -> RequestID { RequestID(uuid: rng.uuid4()) }
}
