import TraceTailCore

/// Kind of incident: judged on the window's error rate, or on its p95 latency.
public enum IncidentType: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case errorRate = "error_rate"
    case latency

    public static func < (lhs: IncidentType, rhs: IncidentType) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The per-service, per-type incident state machine of DESIGN §4, as a pure value.
///
/// Fed one verdict per boundary (`healthy` or not); it answers what happened at that boundary.
/// Closed → an unhealthy boundary opens an incident (detected there). Open → each healthy
/// boundary extends a streak whose first boundary is remembered; an unhealthy one resets it
/// (a flap keeps the same incident); `recoveryIntervals` healthy boundaries in a row resolve it
/// with recovery time = the streak's first boundary.
struct IncidentTracker: Sendable, Equatable, Codable {
    /// What a boundary did to the incident.
    enum Transition: Equatable {
        case none
        case detected
        /// Resolved; `recoveredAt` is the first healthy boundary of the streak.
        case resolved(detectedAt: EventTime, recoveredAt: EventTime)
    }

    let recoveryIntervals: Int
    /// Detection boundary of the open incident.
    private(set) var openedAt: EventTime?
    /// First boundary of the current healthy streak while open.
    private(set) var firstHealthy: EventTime?
    private(set) var healthyStreak = 0

    init(recoveryIntervals: Int) { self.recoveryIntervals = max(recoveryIntervals, 1) }

    var isOpen: Bool { openedAt != nil }

    /// Applies the verdict of boundary `time`.
    mutating func observe(healthy: Bool, at time: EventTime) -> Transition {
        guard let opened = openedAt else {
            if healthy { return .none }
            openedAt = time
            healthyStreak = 0
            firstHealthy = nil
            return .detected
        }
        guard healthy else {
            healthyStreak = 0
            firstHealthy = nil
            return .none
        }
        if healthyStreak == 0 { firstHealthy = time }
        healthyStreak += 1
        guard healthyStreak >= recoveryIntervals, let recovered = firstHealthy else { return .none }
        openedAt = nil
        firstHealthy = nil
        healthyStreak = 0
        return .resolved(detectedAt: opened, recoveredAt: recovered)
    }
}

extension IncidentTracker {
    /// `saved`'s incident and streak under the current `recoveryIntervals` (a reload may change it).
    init(recoveryIntervals: Int, restoring saved: IncidentTracker) {
        self.init(recoveryIntervals: recoveryIntervals)
        openedAt = saved.openedAt
        firstHealthy = saved.firstHealthy
        healthyStreak = saved.healthyStreak
    }
}
