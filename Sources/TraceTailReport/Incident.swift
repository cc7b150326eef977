import TraceTailCore

/// One incident as the aggregator reported it: opened at a boundary, recovered, resolved.
struct Incident {
    var service: String
    /// `incident_type` tag (e.g. `error_rate`).
    var type: String
    var detectedAt: EventTime
    /// When the `incident_resolved` event was emitted (after the recovery boundaries).
    var resolvedAt: EventTime?
    /// The first healthy boundary: detection + MTTR when MTTR is known, else `resolvedAt`.
    var recoveredAt: EventTime?
    /// Seconds from detection to recovery (DESIGN §4), from `cta.mttr_seconds` when present.
    var mttrSeconds: Double?
    /// Analysis method from the MTTR tags, if any.
    var method: String?

    var isOpen: Bool { resolvedAt == nil }

    /// Pairs `incident_detected` with the next `incident_resolved` of the same service.
    ///
    /// Only events TraceTail detected (tag `source: tracetail`) are incidents: a CTA
    /// `incident_detected` event (the agent's own notice, whatever its tags) belongs on the
    /// workflow timeline only.
    static func build(events: [TelemetryEvent], metrics: [MetricPoint]) -> [Incident] {
        var incidents: [Incident] = []
        var open: [String: Int] = [:]
        for event in events {
            guard event.tags[TagKey.source] == EventName.incidentSource, let service = event.tags[TagKey.service] else {
                continue
            }
            switch event.name {
            case EventName.incidentDetected:
                guard open[service] == nil else { continue }
                open[service] = incidents.count
                incidents.append(
                    Incident(
                        service: service, type: event.tags[TagKey.incidentType] ?? event.tags["type"] ?? "error_rate",
                        detectedAt: event.timestamp))
            case EventName.incidentResolved:
                guard let index = open.removeValue(forKey: service) else { continue }
                incidents[index].resolvedAt = event.timestamp
                if let raw = event.tags[TagKey.mttrSeconds], let mttr = Double(raw) {
                    incidents[index].mttrSeconds = mttr
                }
            default: continue
            }
        }
        attachMTTR(to: &incidents, from: metrics)
        for i in incidents.indices {
            if let mttr = incidents[i].mttrSeconds {
                let nanos = Int64((mttr * 1e9).rounded())
                incidents[i].recoveredAt = incidents[i].detectedAt.advanced(byNanoseconds: nanos)
            } else if let resolved = incidents[i].resolvedAt {
                incidents[i].recoveredAt = resolved
                incidents[i].mttrSeconds = Double((resolved - incidents[i].detectedAt).nanoseconds) / 1e9
            }
        }
        return incidents
    }

    /// Gives each resolved incident the first unused `cta.mttr_seconds` point of its service
    /// emitted at or after its detection (the gauge is emitted once, at resolution).
    private static func attachMTTR(to incidents: inout [Incident], from metrics: [MetricPoint]) {
        var points = metrics.filter { $0.name == MetricName.mttr }.sorted { $0.timestamp < $1.timestamp }
        for i in incidents.indices where incidents[i].resolvedAt != nil {
            guard
                let k = points.firstIndex(where: {
                    $0.tags[TagKey.service] == incidents[i].service && $0.timestamp >= incidents[i].detectedAt
                })
            else { continue }
            if incidents[i].mttrSeconds == nil { incidents[i].mttrSeconds = points[k].value }
            incidents[i].method = points[k].tags[TagKey.method]
            points.remove(at: k)
        }
    }
}

/// A stretch of time spent in one remediation phase.
struct PhasePeriod: Equatable {
    var phase: Phase
    var start: EventTime
    var end: EventTime

    /// Periods from `phase_changed` events (tag `phase`, or `to`); without any, from the first
    /// span tagged `after_fix`. Empty when the stream carries no phase information at all.
    static func build(events: [TelemetryEvent], spans: [Span], range: ClosedRange<EventTime>?) -> [PhasePeriod] {
        guard let range else { return [] }
        var changes: [(EventTime, Phase)] = []
        for event in events where event.name == EventName.phaseChanged {
            guard let raw = event.tags[TagKey.phase] ?? event.tags["to"], let phase = Phase(rawValue: raw) else {
                continue
            }
            changes.append((event.timestamp, phase))
        }
        if changes.isEmpty {
            let phased = spans.filter { $0.phase != nil }
            guard !phased.isEmpty else { return [] }
            if let fix = phased.filter({ $0.phase == .afterFix }).map(\.start).min() {
                changes.append((fix, .afterFix))
            }
        }
        var periods: [PhasePeriod] = []
        var current = Phase.beforeFix
        var since = range.lowerBound
        for (time, phase) in changes where phase != current {
            let at = min(max(time, range.lowerBound), range.upperBound)
            if at > since { periods.append(PhasePeriod(phase: current, start: since, end: at)) }
            current = phase
            since = at
        }
        if range.upperBound > since || periods.isEmpty {
            periods.append(PhasePeriod(phase: current, start: since, end: range.upperBound))
        }
        return periods
    }
}
