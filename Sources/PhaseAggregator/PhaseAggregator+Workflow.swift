import TraceTailCore

extension PhaseAggregator {
    /// Emits a released CTA event or phase change.
    mutating func releaseEvent(_ item: AgendaItem, into output: inout [OutputRecord]) {
        switch item.kind {
        case .phaseChanged(let transition):
            report.phaseTransitions.append(transition)
            output.append(
                .event(
                    TelemetryEvent(
                        name: EventName.phaseChanged, timestamp: transition.at,
                        tags: [
                            "phase": transition.phase.rawValue, "run_id": transition.runID,
                            "source": transition.source,
                        ],
                        text: "Phase is now \(transition.phase) for run \(transition.runID) (from \(transition.source))"
                    )))
        case .cta(let event):
            releaseCTA(event, into: &output)
        }
    }

    /// A CTA event becomes its seed counter (value 1, count, at the event time), its
    /// `cta.workflow.duration` where it ends a workflow, and an event named by its type.
    mutating func releaseCTA(_ event: CTAEvent, into output: inout [OutputRecord]) {
        let runID = runID(of: event, inForce: timeline.state(at: event.timestamp).runID)
        let t = event.timestamp
        if let (name, keys) = Self.counter(for: event.type) {
            var tags: [String: String] = [:]
            for key in keys { tags[key] = key == "run_id" ? runID : Self.seedTag(key, event.fields[key]) }
            output.append(.metric(MetricPoint(name: name, type: .count, value: 1, timestamp: t, tags: tags)))
        }

        switch event.type {
        case .analysisStarted:
            workflowStarts[runID] = t
        case .analysisCompleted:
            runMethods[runID] = Self.seedTag("method", event.fields["method"])
        case .fixPromoted, .fixRollback:
            if let start = workflowStarts[runID], start <= t {
                let outcome = event.type == .fixPromoted ? "promoted" : "rolled_back"
                output.append(
                    .metric(
                        MetricPoint(
                            name: MetricName.workflowDuration, type: .distribution,
                            value: Double((t - start).nanoseconds) / 1e9, timestamp: t,
                            tags: ["run_id": runID, "outcome": outcome])))
            }
        default:
            break
        }

        var fields: [String: String] = [:]
        for (key, value) in event.fields where key != "run_id" { fields[key] = TagValue.render(value) }
        var tags = fields
        tags["run_id"] = runID
        let text = Self.sentence(for: event.type, runID: runID, fields: fields)
        output.append(.event(TelemetryEvent(name: event.type.rawValue, timestamp: t, tags: tags, text: text)))
        report.workflow.append(
            Summary.WorkflowStep(time: t, type: event.type, runID: runID, fields: fields, text: text))
    }

    /// The seed counter of each event type and exactly the seed's tag keys for it (DESIGN §4:
    /// dashboards and outside tests match these sets; the event of the same CTA event carries
    /// every field and the run). `cta.cached_fix.found` is ours, for the "Cached Fix Hit Rate"
    /// widget.
    static func counter(for type: CTAEventType) -> (String, [String])? {
        switch type {
        case .analysisStarted: (MetricName.analysisStarted, ["run_id"])
        case .analysisCompleted: (MetricName.analysisCompleted, ["method", "cause", "confidence"])
        case .patchApplied: (MetricName.patchesApplied, ["adapter"])
        case .canaryTest: (MetricName.canaryTests, ["passed", "run_id"])
        case .fixPromoted: (MetricName.promotions, ["error_rate", "latency_p95"])
        case .fixRollback: (MetricName.rollbacks, ["error_rate", "latency_p95"])
        case .signatureSaved: (MetricName.signaturesSaved, ["cause", "confidence"])
        case .cachedFixFound: (MetricName.cachedFixFound, ["run_id"])
        case .incidentDetected: nil
        }
    }

    /// A seed tag value: numbers rounded to 2 decimals (also when sent as strings, so
    /// `"0.876"` and `0.876` give the same series), booleans `true`/`false`, absent `unknown`.
    static func seedTag(_ key: String, _ value: AttributeValue?) -> String {
        guard let value else { return "unknown" }
        if case .string(let text) = value {
            if key == "passed" {
                switch text.lowercased() {
                case "true", "1", "yes": return "true"
                case "false", "0", "no": return "false"
                default: return text
                }
            }
            if ["confidence", "error_rate", "latency_p95"].contains(key), let number = Double(text) {
                return TagValue.rounded(number)
            }
            return text.isEmpty ? "unknown" : text
        }
        return TagValue.render(value)
    }

    /// A human sentence for the incidents timeline.
    static func sentence(for type: CTAEventType, runID: String, fields: [String: String]) -> String {
        func field(_ key: String) -> String { fields[key] ?? "unknown" }
        let head: String
        switch type {
        case .analysisStarted: head = "CTA run \(runID) started its analysis"
        case .analysisCompleted:
            head =
                "CTA run \(runID) finished its analysis: cause \(field("cause")) by \(field("method")), "
                + "confidence \(field("confidence"))"
        case .cachedFixFound: head = "CTA run \(runID) found a cached fix"
        case .patchApplied: head = "CTA run \(runID) applied a patch with adapter \(field("adapter"))"
        case .canaryTest:
            head = "CTA run \(runID) canary test \(fields["passed"] == "true" ? "passed" : "failed")"
        case .fixPromoted: head = "CTA run \(runID) promoted its fix"
        case .fixRollback: head = "CTA run \(runID) rolled back its fix"
        case .signatureSaved: head = "CTA run \(runID) saved a signature for cause \(field("cause"))"
        case .incidentDetected: head = "CTA run \(runID) detected an incident"
        }
        let rest = fields.keys.sorted().map { "\($0)=\(fields[$0]!)" }.joined(separator: ", ")
        return rest.isEmpty ? head : "\(head) (\(rest))"
    }
}
