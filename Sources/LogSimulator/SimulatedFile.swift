import TraceTailCore

/// The files of a simulated log directory, one per service plus the CTA agent's event log.
public enum SimulatedFile: Int, CaseIterable, Sendable, Hashable, Comparable {
    case novaAPI
    case novaConductor
    case novaScheduler
    case novaCompute
    case glanceAPI
    case neutronServer
    case ctaAgent

    /// The file name inside the output directory.
    public var fileName: String {
        switch self {
        case .novaAPI: "nova-api.log"
        case .novaConductor: "nova-conductor.log"
        case .novaScheduler: "nova-scheduler.log"
        case .novaCompute: "nova-compute.log"
        case .glanceAPI: "glance-api.log"
        case .neutronServer: "neutron-server.log"
        case .ctaAgent: "cta-agent.jsonl"
        }
    }

    /// The service name DESIGN §3 derives from the file name (`nova-api.log` → `nova-api`).
    public var service: String {
        let name = fileName
        return String(name[..<name.firstIndex(of: ".")!])
    }

    /// True for the oslo.log text files (every file but the CTA event log).
    public var isOsloLog: Bool { self != .ctaAgent }

    public static func < (lhs: SimulatedFile, rhs: SimulatedFile) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One generated line (without its newline) and the event time it carries.
public struct SimulatedLine: Sendable, Equatable {
    /// The time printed in the line (whole milliseconds).
    public var time: EventTime
    /// The file it belongs to.
    public var file: SimulatedFile
    /// The text, without the trailing newline.
    public var text: String
    /// Generation order; breaks ties between equal times so a traceback stays behind its ERROR line.
    var sequence: UInt64

    /// Creates a line.
    public init(time: EventTime, file: SimulatedFile, text: String, sequence: UInt64 = 0) {
        self.time = time
        self.file = file
        self.text = text
        self.sequence = sequence
    }
}
