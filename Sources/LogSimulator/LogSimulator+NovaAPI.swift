import TraceTailCore

extension LogSimulator {
    /// One client request to nova-api: picks the route, the outcome (a 500 is far likelier while
    /// the fault shows) and the latency, then writes every service's lines for it.
    mutating func apiRequest(at time: EventTime, into batch: inout LineBatch) {
        let route = APIRoute(rawValue: rng.weighted(APIRoute.weights))!
        let tenant = rng.pick(world.tenants)
        var call = APICall(
            route: route, pid: rng.pick(SimulationWorld.apiPIDs), ip: rng.pick(SimulationWorld.clientIPs),
            microversion: rng.pick(SimulationWorld.microversions),
            context: RequestContext(global: nil, request: newRequestID(), user: tenant.user, project: tenant.project),
            startMicros: time.nanoseconds / 1000, method: "GET", path: "", target: nil)
        describe(&call)

        let faulty = isFaulty(time)
        let fails = rng.chance(faulty ? 0.36 : 0.005)
        var factor = 1.0
        if faulty {
            // Requests queue for a database connection: everything is several times slower.
            factor = 3 + 2.5 * rng.unit()
        } else if rng.chance(0.04) {
            factor = 1.5 + 1.5 * rng.unit()  // the ordinary slow tail
        }
        var cursor = Cursor(micros: call.startMicros, factor: factor)

        if fails {
            serverError(call, poolExhausted: faulty, cursor: &cursor, into: &batch)
            return
        }
        if route.targetsServer && call.target == nil {
            notFound(call, cursor: &cursor, into: &batch)
            return
        }
        switch route {
        case .serversDetail:
            cursor.advance(&rng, ms: 150...320)
            finishCall(call, cursor, status: 200, length: 19 + min(world.servers.count, 1000) * 1297, into: &batch)
        case .serversIndex:
            cursor.advance(&rng, ms: 60...140)
            finishCall(call, cursor, status: 200, length: 15 + min(world.servers.count, 1000) * 351, into: &batch)
        case .flavorsDetail:
            cursor.advance(&rng, ms: 25...90)
            finishCall(call, cursor, status: 200, length: 2940, into: &batch)
        case .limits:
            cursor.advance(&rng, ms: 30...80)
            finishCall(call, cursor, status: 200, length: 476, into: &batch)
        case .keypairs:
            cursor.advance(&rng, ms: 20...60)
            finishCall(call, cursor, status: 200, length: 318, into: &batch)
        case .serverShow:
            cursor.advance(&rng, ms: 70...160)
            finishCall(call, cursor, status: 200, length: 1880 + rng.int(in: 0...40), into: &batch)
        case .boot:
            boot(call, cursor: &cursor, into: &batch)
        case .delete:
            delete(call, cursor: &cursor, into: &batch)
        case .action:
            action(call, cursor: &cursor, into: &batch)
        }
    }

    /// Fills in method, path and target server of a call.
    private mutating func describe(_ call: inout APICall) {
        if call.route.targetsServer {
            // Some clients ask for servers that are already gone: a steady trickle of 404s.
            if !world.servers.isEmpty && !rng.chance(0.08) { call.target = rng.below(world.servers.count) }
        }
        let id = call.target.map { world.servers[$0].id } ?? rng.uuid4()
        switch call.route {
        case .serversDetail: call.path = "/v2.1/servers/detail"
        case .serversIndex: call.path = "/v2.1/servers"
        case .flavorsDetail: call.path = "/v2.1/flavors/detail"
        case .limits: call.path = "/v2.1/limits"
        case .keypairs: call.path = "/v2.1/os-keypairs"
        case .serverShow: call.path = "/v2.1/servers/\(id)"
        case .boot: (call.method, call.path) = ("POST", "/v2.1/servers")
        case .delete: (call.method, call.path) = ("DELETE", "/v2.1/servers/\(id)")
        case .action: (call.method, call.path) = ("POST", "/v2.1/servers/\(id)/action")
        }
    }

    private mutating func notFound(_ call: APICall, cursor: inout Cursor, into batch: inout LineBatch) {
        cursor.advance(&rng, ms: 20...60)
        let id = call.path.split(separator: "/")[2]
        batch.log(
            .novaAPI, cursor.time, pid: call.pid, "INFO", "nova.api.openstack.wsgi", context: call.context,
            "HTTP exception thrown: Instance \(id) could not be found.")
        cursor.advance(&rng, ms: 1...3)
        finishCall(call, cursor, status: 404, length: 111, into: &batch)
    }

    /// An unexpected exception: the ERROR record, its traceback (one line per traceback line,
    /// each with oslo's exception prefix and no context), the fault reply and the 500 line.
    private mutating func serverError(
        _ call: APICall, poolExhausted: Bool, cursor: inout Cursor, into batch: inout LineBatch
    ) {
        if poolExhausted {
            // The checkout waits the whole pool_timeout before giving up.
            cursor.advance(&rng, ms: 5...30)
            cursor.micros += 2_000_000 + rng.int64(in: 0...60_000)
        } else {
            cursor.advance(&rng, ms: 20...200)
        }
        let time = cursor.time
        let logger = "nova.api.openstack.wsgi"
        batch.log(
            .novaAPI, time, pid: call.pid, "ERROR", logger, context: call.context, "Unexpected exception in API method")
        for text in Traceback.lines(route: call.route, poolExhausted: poolExhausted) {
            batch.add(.novaAPI, time, OsloFormat.exceptionLine(time, pid: call.pid, logger, text))
        }
        cursor.advance(&rng, ms: 1...2)
        batch.log(
            .novaAPI, cursor.time, pid: call.pid, "INFO", logger, context: call.context,
            "HTTP exception thrown: Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ "
                + "and attach the Nova API log if possible.")
        cursor.advance(&rng, ms: 0...2)
        finishCall(call, cursor, status: 500, length: 216, into: &batch)
    }
}
