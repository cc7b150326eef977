/// The nova-api calls clients make, with their share of the traffic.
enum APIRoute: Int, CaseIterable, Sendable {
    case serversDetail
    case serversIndex
    case flavorsDetail
    case serverShow
    case limits
    case keypairs
    case boot
    case delete
    case action

    /// Relative weights, in case order (percent of client requests).
    static let weights = [30, 6, 10, 16, 4, 4, 12, 8, 10]

    /// True for routes that name one server in their path.
    var targetsServer: Bool { self == .serverShow || self == .delete || self == .action }
}

/// One client request as nova-api sees it.
struct APICall: Sendable {
    var route: APIRoute
    var pid: Int
    var ip: String
    var microversion: String
    var context: RequestContext
    /// Arrival, in microseconds since the epoch.
    var startMicros: Int64
    var method: String
    var path: String
    /// Index into the world's servers for routes that target an existing server.
    var target: Int?
}
