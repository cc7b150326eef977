import TraceTailCore

/// Whole-run latency digests per service and phase, for the summary.
///
/// Services live in an array found through a `SlotIndex`, so recording a span costs no SipHash
/// of its service name or phase (a `[String: [Phase: LatencyDigest]]` cost two per span).
struct ServiceTotals: Sendable {
    private var services: [String] = []
    /// Per service, the digest of each phase (indexed by `slot(of:)` of the phase).
    private var digests: [[LatencyDigest?]] = []
    private var slots = SlotIndex<String>()

    init() {}

    /// Adds one span of `service` in `phase`.
    mutating func record(
        service: String, phase: Phase, durationNanoseconds: Int64, error: Bool, exactLimit: Int
    ) {
        let s: Int
        if let found = slots.slot(of: service) {
            s = found
        } else {
            s = services.count
            services.append(service)
            digests.append([nil, nil])
            slots.insert(service, slot: s)
        }
        let p = Self.slot(of: phase)
        if digests[s][p] == nil { digests[s][p] = LatencyDigest(exactLimit: exactLimit) }
        digests[s][p]!.record(durationNanoseconds: durationNanoseconds, error: error)
    }

    private static func slot(of phase: Phase) -> Int {
        switch phase {
        case .beforeFix: 0
        case .afterFix: 1
        }
    }

    /// The digests as a dictionary (summary and checkpoint).
    var dictionary: [String: [Phase: LatencyDigest]] {
        var result: [String: [Phase: LatencyDigest]] = [:]
        for s in services.indices {
            var phases: [Phase: LatencyDigest] = [:]
            for phase in Phase.allCases { phases[phase] = digests[s][Self.slot(of: phase)] }
            result[services[s]] = phases
        }
        return result
    }

    /// The totals `dictionary` was taken of.
    init(_ dictionary: [String: [Phase: LatencyDigest]]) {
        for service in dictionary.keys.sorted() {
            slots.insert(service, slot: services.count)
            services.append(service)
            let phases = dictionary[service]!
            digests.append(Phase.allCases.map { phases[$0] })
        }
    }
}
