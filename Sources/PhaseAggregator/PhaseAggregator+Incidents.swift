import TraceTailCore

extension PhaseAggregator {
    /// Feeds one boundary's verdict to a service's tracker and emits what it decided.
    mutating func judge(
        _ key: TrackerKey, healthy: Bool, verdict: Verdict, at t: EventTime, into output: inout [OutputRecord]
    ) {
        var tracker = trackers[key] ?? IncidentTracker(recoveryIntervals: configuration.recoveryIntervals)
        let transition = tracker.observe(healthy: healthy, at: t)
        trackers[key] = tracker.isOpen ? tracker : nil  // closed trackers hold no state worth keeping
        let runID = timeline.state(at: t).runID

        switch transition {
        case .none:
            return
        case .detected:
            openIncidents[key] = report.incidents.count
            report.incidents.append(
                Summary.Incident(
                    service: key.service, type: key.type, detectedAt: t, recoveredAt: nil, resolvedAt: nil,
                    mttrSeconds: nil, runID: runID, resolvedRunID: nil, method: nil))
            // The counter has exactly DESIGN's tags; the event also names the service, and
            // `source` tells it apart from the CTA agent's own `incident_detected` events.
            let tags = [TagKey.incidentType: key.type.rawValue, TagKey.status: "detected", TagKey.runID: runID]
            output.append(
                .metric(MetricPoint(name: MetricName.incidents, type: .count, value: 1, timestamp: t, tags: tags)))
            var eventTags = tags
            eventTags[TagKey.service] = key.service
            eventTags[TagKey.source] = EventName.incidentSource
            output.append(
                .event(
                    TelemetryEvent(
                        name: EventName.incidentDetected, timestamp: t, tags: eventTags,
                        text: detectionText(key, verdict, at: t))))
        case .resolved(let detectedAt, let recoveredAt):
            let method = runMethods[runID] ?? "unknown"
            let mttr = Double((recoveredAt - detectedAt).nanoseconds) / 1e9
            if let index = openIncidents.removeValue(forKey: key) {
                report.incidents[index].recoveredAt = recoveredAt
                report.incidents[index].resolvedAt = t
                report.incidents[index].mttrSeconds = mttr
                report.incidents[index].resolvedRunID = runID
                report.incidents[index].method = method
            }
            let tags = [TagKey.incidentType: key.type.rawValue, TagKey.status: "resolved", TagKey.runID: runID]
            output.append(
                .metric(MetricPoint(name: MetricName.incidents, type: .count, value: 1, timestamp: t, tags: tags)))
            output.append(
                .metric(
                    MetricPoint(
                        name: MetricName.mttr, type: .gauge, value: mttr, timestamp: t,
                        tags: [TagKey.service: key.service, TagKey.method: method, TagKey.runID: runID])))
            var eventTags = tags
            eventTags[TagKey.service] = key.service
            eventTags[TagKey.source] = EventName.incidentSource
            eventTags[TagKey.method] = method
            eventTags["mttr_seconds"] = TagValue.rounded(mttr)
            let what = key.type == .errorRate ? "error-rate" : "latency"
            output.append(
                .event(
                    TelemetryEvent(
                        name: EventName.incidentResolved, timestamp: t, tags: eventTags,
                        text:
                            "\(key.service): \(what) incident detected at \(detectedAt) resolved; healthy since "
                            + "\(recoveredAt), MTTR \(TagValue.rounded(mttr)) s (run \(runID), method \(method))")))
        }
    }

    private func detectionText(_ key: TrackerKey, _ verdict: Verdict, at t: EventTime) -> String {
        let count = verdict.count
        let windowText = "in the \(configuration.window) window ending \(t)"
        switch key.type {
        case .errorRate:
            let percent = TagValue.rounded((count == 0 ? 0 : Double(verdict.errors) / Double(count)) * 100)
            let threshold = TagValue.rounded(configuration.errorRateThreshold * 100)
            return "\(key.service): error rate \(percent)% (\(verdict.errors) of \(count) requests) "
                + "above \(threshold)% \(windowText)"
        case .latency:
            let p95 = TagValue.rounded(verdict.p95Ms ?? 0)
            let threshold = TagValue.rounded(configuration.latencyThresholdMs ?? 0)
            return "\(key.service): p95 latency \(p95) ms over \(count) requests above \(threshold) ms \(windowText)"
        }
    }
}

/// What one boundary saw of one service: enough to explain a detection.
struct Verdict: Sendable {
    var count: Int
    var errors: Int
    /// Only computed when latency incidents are on.
    var p95Ms: Double?
}
