import TraceTailCore

/// Everything that determines a simulated run. Equal configurations give byte-identical output.
public struct SimulationConfiguration: Sendable, Equatable {
    /// Event time of the first instant of the run. Default 2026-11-27T10:00:00Z, so committed
    /// samples never depend on when they were generated.
    public var start: EventTime
    /// Length of the run; no request starts so late that it would end after `start + duration`.
    public var duration: EventDuration
    /// Client requests per second reaching nova-api (on average; arrivals are a Poisson process).
    public var rate: Double
    /// Seed of the generator.
    public var seed: UInt64
    /// The injected fault, as offsets from `start`; nil for a healthy run.
    public var incident: IncidentWindow?
    /// Offset from `start` at which the fix lands (CTA `patch_applied`); nil for none.
    public var fixAt: EventDuration?
    /// `run_id` of the CTA events.
    public var runID: String

    /// The fixed default start, 2026-11-27T10:00:00Z.
    public static let defaultStart = CivilTime(year: 2026, month: 11, day: 27, hour: 10).eventTime
    /// The default incident, `10m+10m`.
    public static let defaultIncident = IncidentWindow(start: .minutes(10), length: .minutes(10))

    /// Creates a configuration; the defaults are the demo run (30 min, 2 req/s, seed 1, incident
    /// at 10m+10m fixed at 16m).
    public init(
        start: EventTime = SimulationConfiguration.defaultStart,
        duration: EventDuration = .minutes(30),
        rate: Double = 2,
        seed: UInt64 = 1,
        incident: IncidentWindow? = SimulationConfiguration.defaultIncident,
        fixAt: EventDuration? = nil,
        runID: String = "run-1"
    ) {
        self.start = start
        self.duration = duration
        self.rate = rate
        self.seed = seed
        self.incident = incident
        self.fixAt = fixAt ?? incident.map(IncidentWindow.defaultFix)
        self.runID = runID
    }

    /// `start + duration`.
    public var end: EventTime { start + duration }

    /// Absolute time of the fix, when there is one.
    public var fixTime: EventTime? { fixAt.map { start + $0 } }

    /// The absolute span during which the fault shows: from the incident start until the
    /// incident ends by itself or the fix lands, whichever is first. Nil when nothing shows.
    public var faultyPeriod: Range<EventTime>? {
        guard let incident else { return nil }
        let from = start + incident.start
        var until = from + incident.length
        if let fix = fixTime, fix < until { until = fix }
        return from < until ? from..<until : nil
    }
}

/// An incident as offsets from the run start: `START+LENGTH`, e.g. `10m+8m`.
public struct IncidentWindow: Sendable, Equatable, CustomStringConvertible {
    /// Offset of the first faulty instant from the run start.
    public var start: EventDuration
    /// How long the fault lasts when nothing fixes it.
    public var length: EventDuration

    /// Creates a window.
    public init(start: EventDuration, length: EventDuration) {
        self.start = start
        self.length = length
    }

    /// The fix time used when none is given: 60 % into the incident, so a demo shows detection,
    /// the fix and the recovery before the fault would have ended on its own.
    public static func defaultFix(_ window: IncidentWindow) -> EventDuration {
        EventDuration(nanoseconds: window.start.nanoseconds + window.length.nanoseconds / 10 * 6)
    }

    public var description: String { "\(start)+\(length)" }
}
