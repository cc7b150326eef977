/// The input formats of DESIGN §2/§5.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// oslo.log text lines (nova, glance, neutron, …), Loghub's leading file token optional.
    case oslo
    /// JSON lines: oslo.log's JSONFormatter and the seed's event shape.
    case json
    /// JSON lines of CTA workflow events (`type`, `run_id`, `timestamp`, fields).
    case ctaEvents = "cta_events"
}
