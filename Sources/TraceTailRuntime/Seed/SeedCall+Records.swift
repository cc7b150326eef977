import TraceTailCore

extension SeedCall {
    /// The records the call sends, stamped `now`.
    public func records(at now: EventTime) -> [OutputRecord] {
        func gauge(_ name: String, _ value: Double, _ tags: [String: String]) -> OutputRecord {
            .metric(MetricPoint(name: name, type: .gauge, value: value, timestamp: now, tags: tags))
        }
        func count(_ name: String, _ tags: [String: String]) -> OutputRecord {
            .metric(MetricPoint(name: name, type: .count, value: 1, timestamp: now, tags: tags))
        }
        switch self {
        case .errorRate(let phase, let value, let runID, let service):
            return [
                gauge(
                    MetricName.errorRate, value,
                    [TagKey.phase: phase.rawValue, TagKey.service: service, TagKey.runID: runID])
            ]
        case .latency(let phase, let ms, let runID, let service):
            return [
                gauge(
                    MetricName.latency, ms,
                    [TagKey.phase: phase.rawValue, TagKey.service: service, TagKey.runID: runID])
            ]
        case .mttr(let seconds, let runID, let method, let service):
            return [
                gauge(MetricName.mttr, seconds, [TagKey.service: service, TagKey.method: method, TagKey.runID: runID])
            ]
        case .incident(let type, let status, let runID, let confidence):
            var tags = [TagKey.incidentType: type, TagKey.status: status, TagKey.runID: runID]
            if let confidence { tags["confidence"] = TagValue.rounded(confidence) }
            return [count(MetricName.incidents, tags)]
        case .canary(let passed, let errorRate, let latencyP95, let runID):
            let tags = ["passed": passed ? "true" : "false", TagKey.runID: runID]
            var out = [count(MetricName.canaryTests, tags)]
            if let errorRate { out.append(gauge(MetricName.canaryErrorRate, errorRate, tags)) }
            if let latencyP95 { out.append(gauge(MetricName.canaryLatencyP95, latencyP95, tags)) }
            return out
        case .comparison(let before, let after, let runID, let service):
            var out: [OutputRecord] = []
            let base = [TagKey.service: service, TagKey.runID: runID]
            func phased(_ phase: Phase) -> [String: String] { base.merging([TagKey.phase: phase.rawValue]) { $1 } }
            if let b = before.errorRate { out.append(gauge(MetricName.errorRate, b, phased(.beforeFix))) }
            if let a = after.errorRate { out.append(gauge(MetricName.errorRate, a, phased(.afterFix))) }
            if let b = before.latencyMs { out.append(gauge(MetricName.latency, b, phased(.beforeFix))) }
            if let a = after.latencyMs { out.append(gauge(MetricName.latency, a, phased(.afterFix))) }
            if let b = before.errorRate, let a = after.errorRate {
                out.append(gauge(MetricName.improvementErrorRate, b - a, base))
                if b != 0 { out.append(gauge(MetricName.improvementErrorRatePct, (b - a) / b * 100, base)) }
            }
            if let b = before.latencyMs, let a = after.latencyMs {
                out.append(gauge(MetricName.improvementLatency, b - a, base))
                if b != 0 { out.append(gauge(MetricName.improvementLatencyPct, (b - a) / b * 100, base)) }
            }
            return out
        case .eventSpan(let event):
            return [.span(event.span(at: now))]
        }
    }
}

extension SeedCall.EventSpan {
    /// The seed's span: service `cta-agent`, tags `component`, `span_type`, `event_id`, `level`,
    /// `latency_ms`, `status`. Ids not given are derived from the event (FNV-1a of its type and
    /// line id), so sending the same event twice gives the same span.
    func span(at now: EventTime) -> Span {
        let durationNs = Int64((latencyMs ?? 0) * 1_000_000)
        let derived = FNV1a.hash64(
            "\(SeedCall.defaultService)/\(spanType)/\(lineID.map(String.init) ?? "")/\(now.nanoseconds)")
        let trace = traceID ?? TraceID(high: 0, low: derived)
        var attributes: [String: AttributeValue] = [
            "span_type": .string(spanType), SpanAttributeKey.component: .string(component ?? "log-processing"),
        ]
        if let lineID { attributes[SpanAttributeKey.eventID] = .int(Int(lineID)) }
        if let level { attributes[SpanAttributeKey.level] = .string(level) }
        if let latencyMs { attributes[SpanAttributeKey.latencyMs] = .double(latencyMs) }
        if let status { attributes[SpanAttributeKey.status] = .int(status) }
        if let message { attributes[SpanAttributeKey.errorMessage] = .string(message) }
        let isError = ["ERROR", "CRITICAL"].contains(level?.uppercased() ?? "") || (status ?? 0) >= 500
        return Span(
            traceID: trace, spanID: spanID ?? SpanID(derived == 0 ? 1 : derived), parentID: parentID,
            service: SeedCall.defaultService, name: spanType, resource: component ?? spanType,
            start: now.advanced(byNanoseconds: -durationNs), durationNanoseconds: durationNs, error: isError,
            attributes: attributes)
    }
}
