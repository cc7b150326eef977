import TraceTailCore

/// The `simulate` options as text, before validation: what the CLI collects, and what a test
/// reads back from the regenerate command in `samples/README.md`.
public struct SimulationArguments: Sendable, Equatable {
    /// `--out DIR`.
    public var out: String?
    /// `--duration D` (`30s`, `5m`, `1h`).
    public var duration: String?
    /// `--rate N` requests per second.
    public var rate: String?
    /// `--seed S`.
    public var seed: String?
    /// `--incident START+LENGTH`, or `none`. Default: the middle third of the run.
    public var incident: String?
    /// `--fix-at T`: an offset from the start (`16m`) or an ISO 8601 instant.
    public var fixAt: String?
    /// `--start ISO8601`.
    public var start: String?
    /// `--run-id ID`.
    public var runID: String?
    /// `--follow`.
    public var follow: Bool

    /// Creates arguments; nil means "not given".
    public init(
        out: String? = nil, duration: String? = nil, rate: String? = nil, seed: String? = nil,
        incident: String? = nil, fixAt: String? = nil, start: String? = nil, runID: String? = nil,
        follow: Bool = false
    ) {
        self.out = out
        self.duration = duration
        self.rate = rate
        self.seed = seed
        self.incident = incident
        self.fixAt = fixAt
        self.start = start
        self.runID = runID
        self.follow = follow
    }

    /// Reads `--name value` / `--name=value` words as the CLI accepts them (used to replay a
    /// documented command line; the CLI itself parses with swift-argument-parser).
    public init(words: [String]) throws(SimulationArgumentError) {
        self.init()
        var index = 0
        while index < words.count {
            var word = words[index]
            var inlineValue: String?
            if let equals = word.firstIndex(of: "="), word.hasPrefix("--") {
                inlineValue = String(word[word.index(after: equals)...])
                word = String(word[..<equals])
            }
            if word == "--follow" {
                follow = true
                index += 1
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index + 1 < words.count else {
                    throw SimulationArgumentError(option: word, value: "", reason: "missing value")
                }
                value = words[index + 1]
                index += 1
            }
            switch word {
            case "--out": out = value
            case "--duration": duration = value
            case "--rate": rate = value
            case "--seed": seed = value
            case "--incident": incident = value
            case "--fix-at": fixAt = value
            case "--start": start = value
            case "--run-id": runID = value
            default: throw SimulationArgumentError(option: word, value: value, reason: "unknown option")
            }
            index += 1
        }
    }

    /// Validates every value and builds the configuration. `now` is the default start in follow
    /// mode (live tailing needs log times near the wall clock); otherwise the fixed default is used.
    public func configuration(now: EventTime? = nil) throws(SimulationArgumentError) -> SimulationConfiguration {
        let start: EventTime =
            try start.map { text throws(SimulationArgumentError) in
                guard let time = ISO8601.parse(text) else {
                    throw SimulationArgumentError(
                        option: "--start", value: text,
                        reason: "expected an ISO 8601 instant such as 2026-11-27T10:00:00Z")
                }
                return time
            } ?? (follow ? now : nil) ?? SimulationConfiguration.defaultStart

        let duration: EventDuration =
            try duration.map { text throws(SimulationArgumentError) in
                try Self.positiveDuration(text, option: "--duration")
            } ?? .minutes(30)

        let rate: Double =
            try rate.map { text throws(SimulationArgumentError) in
                guard let value = Double(text), value.isFinite, value > 0, value <= 10_000 else {
                    throw SimulationArgumentError(
                        option: "--rate", value: text, reason: "expected requests per second, a number in (0, 10000]")
                }
                return value
            } ?? 2

        let seed: UInt64 =
            try seed.map { text throws(SimulationArgumentError) in
                let parsed = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
                guard let parsed else {
                    throw SimulationArgumentError(
                        option: "--seed", value: text, reason: "expected an unsigned 64-bit integer (decimal or 0x hex)"
                    )
                }
                return parsed
            } ?? 1

        // Without --incident the fault takes the middle third of the run (10m+10m for the default
        // 30 minutes), so any --duration alone still shows detection, fix and recovery.
        var window: IncidentWindow? = IncidentWindow(
            start: EventDuration(nanoseconds: duration.nanoseconds / 3),
            length: EventDuration(nanoseconds: duration.nanoseconds / 3))
        if let incident {
            window = try Self.incidentWindow(incident)
            if let window, window.start >= duration {
                throw SimulationArgumentError(
                    option: "--incident", value: incident,
                    reason: "the incident starts at or after the end of the run (--duration \(duration))")
            }
        }

        var fix: EventDuration?
        if let fixAt {
            fix = try Self.fixOffset(fixAt, start: start)
            if let window, fix! <= window.start {
                throw SimulationArgumentError(
                    option: "--fix-at", value: fixAt,
                    reason: "the fix must land after the incident starts (\(window.start) into the run)")
            }
        }

        if let runID, runID.isEmpty || runID.contains(where: { $0 == " " || $0 == "\"" || $0 == "\n" }) {
            throw SimulationArgumentError(
                option: "--run-id", value: runID, reason: "expected a non-empty id without spaces or quotes")
        }
        return SimulationConfiguration(
            start: start, duration: duration, rate: rate, seed: seed, incident: window, fixAt: fix,
            runID: runID ?? "run-1")
    }

    /// `START+LENGTH` (`10m+8m`, `90s+5m`, `1h+30s`); `none` or `off` for no incident.
    public static func incidentWindow(_ text: String) throws(SimulationArgumentError) -> IncidentWindow? {
        if text == "none" || text == "off" { return nil }
        let parts = text.split(separator: "+", omittingEmptySubsequences: false)
        let reason = "expected START+LENGTH such as 10m+8m (offsets from the run start; units ms, s, m, h)"
        guard parts.count == 2, let start = EventDuration(parsing: String(parts[0])),
            let length = EventDuration(parsing: String(parts[1]))
        else { throw SimulationArgumentError(option: "--incident", value: text, reason: reason) }
        guard length.nanoseconds > 0 else {
            throw SimulationArgumentError(option: "--incident", value: text, reason: "the LENGTH must be positive")
        }
        return IncidentWindow(start: start, length: length)
    }

    /// A duration greater than zero (`30s`, `5m`, `1h`, `1.5h`).
    public static func positiveDuration(_ text: String, option: String) throws(SimulationArgumentError)
        -> EventDuration
    {
        guard let value = EventDuration(parsing: text) else {
            throw SimulationArgumentError(
                option: option, value: text, reason: "expected a duration such as 30s, 5m or 1h")
        }
        guard value.nanoseconds > 0 else {
            throw SimulationArgumentError(option: option, value: text, reason: "the duration must be positive")
        }
        return value
    }

    /// The fix time as an offset: either a duration (`16m`) or an ISO 8601 instant after `start`.
    static func fixOffset(_ text: String, start: EventTime) throws(SimulationArgumentError) -> EventDuration {
        if let offset = EventDuration(parsing: text) { return offset }
        if let instant = ISO8601.parse(text) {
            guard instant > start else {
                throw SimulationArgumentError(
                    option: "--fix-at", value: text, reason: "the instant is not after the run start \(start)")
            }
            return instant - start
        }
        throw SimulationArgumentError(
            option: "--fix-at", value: text,
            reason: "expected an offset from the run start such as 16m, or an ISO 8601 instant")
    }
}
