import TraceTailCore

/// The simulated cloud: tenants, images, the compute host and the servers that exist right now.
/// Generated from the seed at start; servers come and go with boot and delete requests.
struct SimulationWorld: Sendable {
    /// A keystone user and its project (32 hex ids each).
    struct Tenant: Sendable, Equatable {
        var user: String
        var project: String
    }

    /// A server on the compute host and its neutron port.
    struct Server: Sendable, Equatable {
        var id: UUID128
        var port: UUID128
    }

    /// Worker pids per service: uwsgi/eventlet workers of one host each.
    static let apiPIDs = [4242, 4243, 4245]
    static let conductorPIDs = [3121, 3122]
    static let schedulerPID = 2873
    static let computePID = 2931
    static let glancePIDs = [1877, 1879]
    static let neutronPIDs = [1523, 1524, 1526]

    /// Addresses: the load balancer in front of nova-api, dashboard, compute host, neutron server.
    static let clientIPs = ["10.0.0.5", "10.0.0.6"]
    static let dashboardIP = "10.0.0.7"
    static let computeIP = "10.0.0.21"
    static let neutronIP = "10.0.0.9"
    static let computeHost = "compute-01"
    static let computeNode = "compute-01.example.org"
    static let microversions = ["2.1", "2.1", "2.79", "2.90"]

    var tenants: [Tenant]
    /// neutron's service user, which posts `network-vif-plugged` events to nova.
    var neutronService: Tenant
    var images: [UUID128]
    var network: UUID128
    var servers: [Server]

    init(rng: inout SplitMix64) {
        tenants = (0..<4).map { _ in Tenant(user: rng.hex32(), project: rng.hex32()) }
        neutronService = Tenant(user: rng.hex32(), project: rng.hex32())
        images = (0..<3).map { _ in rng.uuid4() }
        network = rng.uuid4()
        servers = (0..<12).map { _ in Server(id: rng.uuid4(), port: rng.uuid4()) }
    }
}
