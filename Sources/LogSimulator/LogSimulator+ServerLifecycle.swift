import TraceTailCore

extension LogSimulator {
    /// `POST /v2.1/servers`: conductor, scheduler and compute log with the API's request id (the
    /// RPC context carries it); compute's calls to glance and neutron log the callee's own request
    /// id with the API's as `global_request_id`; neutron reports the plugged port back through
    /// `os-server-external-events`. nova-api writes its request line last.
    mutating func boot(_ call: APICall, cursor c: inout Cursor, into batch: inout LineBatch) {
        let server = SimulationWorld.Server(id: rng.uuid4(), port: rng.uuid4())
        let image = rng.pick(world.images)
        let ctx = call.context
        let conductorPID = rng.pick(SimulationWorld.conductorPIDs)
        let scheduler = SimulationWorld.schedulerPID
        let compute = SimulationWorld.computePID
        let host = SimulationWorld.computeHost
        let node = SimulationWorld.computeNode

        c.advance(&rng, ms: 40...90)
        batch.log(
            .novaConductor, c.time, pid: conductorPID, "INFO", "nova.conductor.manager", context: ctx,
            instance: server.id, "Scheduling build of instance with image \(image) and flavor m1.small")
        c.advance(&rng, ms: 10...30)
        batch.log(
            .novaScheduler, c.time, pid: scheduler, "DEBUG", "nova.scheduler.manager", context: ctx,
            "Starting to schedule for instances: ['\(server.id)']")
        c.advance(&rng, ms: 40...120)
        batch.log(
            .novaScheduler, c.time, pid: scheduler, "DEBUG", "nova.scheduler.manager", context: ctx,
            "Attempting to claim resources in the placement API for instance \(server.id)")
        c.advance(&rng, ms: 20...60)
        batch.log(
            .novaScheduler, c.time, pid: scheduler, "INFO", "nova.scheduler.filter_scheduler", context: ctx,
            instance: server.id, "Selected host \(host) (node \(node)): 3 of 4 hosts passed the filters")
        c.advance(&rng, ms: 10...30)
        batch.log(
            .novaConductor, c.time, pid: conductorPID, "DEBUG", "nova.conductor.manager", context: ctx,
            instance: server.id,
            "Selected host: \(host); Selected node: \(node); Alternates: [('compute-02', "
                + "'compute-02.example.org'), ('compute-03', 'compute-03.example.org')]")
        c.advance(&rng, ms: 20...50)
        let claimed = c.micros
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.claims", context: ctx, instance: server.id,
            "Claim successful on node \(node)")

        c.advance(&rng, ms: 5...15)
        glanceCall(
            from: ctx, method: "GET", path: "/v2/images/\(image)", status: 200, length: 1654, ms: 25...80,
            cursor: &c, into: &batch)

        c.advance(&rng, ms: 5...20)
        let spawnStart = c.micros
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.virt.libvirt.driver", context: ctx, instance: server.id,
            "Creating image(s)")

        c.advance(&rng, ms: 10...30)
        neutronCall(
            from: ctx, method: "POST", path: "/v2.0/ports", status: 201, length: 1150 + rng.int(in: 0...40),
            ms: 150...450, cursor: &c, into: &batch)
        c.advance(&rng, ms: 20...60)
        neutronCall(
            from: ctx, method: "GET", path: "/v2.0/ports?tenant_id=\(ctx.project ?? "")&device_id=\(server.id)",
            status: 200, length: 1200 + rng.int(in: 0...30), ms: 20...60, cursor: &c, into: &batch)

        c.advance(&rng, ms: 300...900)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.manager", context: nil, instance: server.id,
            "VM Started (Lifecycle Event)")
        c.advance(&rng, ms: 20...80)
        vifPlugged(server, cursor: &c, into: &batch)
        c.advance(&rng, ms: 100...300)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.manager", context: nil, instance: server.id,
            "VM Resumed (Lifecycle Event)")
        c.advance(&rng, ms: 2...8)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.virt.libvirt.driver", context: nil, instance: server.id,
            "Instance spawned successfully.")
        c.advance(&rng, ms: 1...4)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.manager", context: ctx, instance: server.id,
            "Took \(OsloFormat.centiSeconds(micros: c.micros - spawnStart)) seconds to spawn the instance on "
                + "the hypervisor.")
        c.advance(&rng, ms: 40...120)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.manager", context: ctx, instance: server.id,
            "Took \(OsloFormat.centiSeconds(micros: c.micros - claimed)) seconds to build instance.")
        c.advance(&rng, ms: 10...40)
        finishCall(call, c, status: 202, length: 402 + rng.int(in: 0...12), into: &batch)
        world.servers.append(server)
    }

    /// `DELETE /v2.1/servers/{id}`: compute tears the server down and neutron deletes its port.
    mutating func delete(_ call: APICall, cursor c: inout Cursor, into batch: inout LineBatch) {
        let server = world.servers.remove(at: call.target!)
        let ctx = call.context
        let compute = SimulationWorld.computePID
        c.advance(&rng, ms: 30...80)
        let terminating = c.micros
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.manager", context: ctx, instance: server.id,
            "Terminating instance")
        c.advance(&rng, ms: 300...800)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.virt.libvirt.driver", context: nil, instance: server.id,
            "Instance destroyed successfully.")
        c.advance(&rng, ms: 1...5)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.manager", context: ctx, instance: server.id,
            "Took \(OsloFormat.centiSeconds(micros: c.micros - terminating)) seconds to destroy the instance on "
                + "the hypervisor.")
        c.advance(&rng, ms: 10...30)
        let deallocating = c.micros
        neutronCall(
            from: ctx, method: "DELETE", path: "/v2.0/ports/\(server.port)", status: 204, length: 168,
            ms: 100...300, cursor: &c, into: &batch)
        c.advance(&rng, ms: 5...20)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.manager", context: ctx, instance: server.id,
            "Took \(OsloFormat.centiSeconds(micros: c.micros - deallocating)) seconds to deallocate network for "
                + "instance.")
        c.advance(&rng, ms: 10...30)
        finishCall(call, c, status: 204, length: 0, into: &batch)
    }

    /// `POST /v2.1/servers/{id}/action`: reboot, stop or start, carried out by compute.
    mutating func action(_ call: APICall, cursor c: inout Cursor, into batch: inout LineBatch) {
        let server = world.servers[call.target!]
        let ctx = call.context
        let compute = SimulationWorld.computePID
        let (request, outcome, logger): (String, String, String) =
            switch rng.below(3) {
            case 0: ("Rebooting instance", "Instance soft rebooted successfully.", "nova.virt.libvirt.driver")
            case 1: ("Stopping instance", "VM Stopped (Lifecycle Event)", "nova.compute.manager")
            default: ("Starting instance...", "VM Started (Lifecycle Event)", "nova.compute.manager")
            }
        c.advance(&rng, ms: 30...80)
        batch.log(
            .novaCompute, c.time, pid: compute, "INFO", "nova.compute.manager", context: ctx, instance: server.id,
            request)
        c.advance(&rng, ms: 300...900)
        batch.log(.novaCompute, c.time, pid: compute, "INFO", logger, context: nil, instance: server.id, outcome)
        c.advance(&rng, ms: 10...40)
        finishCall(call, c, status: 202, length: 0, into: &batch)
    }

    /// The request line of `call` ending at `cursor`.
    func finishCall(_ call: APICall, _ cursor: Cursor, status: Int, length: Int, into batch: inout LineBatch) {
        batch.add(
            .novaAPI, cursor.time,
            ServiceLines.nova(
                cursor.time, pid: call.pid, context: call.context, ip: call.ip, method: call.method, path: call.path,
                status: status, length: length, microversion: call.microversion,
                micros: cursor.micros - call.startMicros))
    }

    /// A call from nova-compute to glance: glance logs its own request id under nova's as global id.
    mutating func glanceCall(
        from caller: RequestContext, method: String, path: String, status: Int, length: Int,
        ms: ClosedRange<Int>, cursor c: inout Cursor, into batch: inout LineBatch
    ) {
        let call = downstreamCall(from: caller, ms: ms, pids: SimulationWorld.glancePIDs, cursor: &c)
        batch.add(
            .glanceAPI, c.time,
            ServiceLines.glance(
                c.time, pid: call.pid, context: call.context, ip: SimulationWorld.computeIP, method: method,
                path: path, status: status, length: length, micros: call.micros))
    }

    /// A call from nova-compute to neutron, logged like `glanceCall`.
    mutating func neutronCall(
        from caller: RequestContext, method: String, path: String, status: Int, length: Int,
        ms: ClosedRange<Int>, cursor c: inout Cursor, into batch: inout LineBatch
    ) {
        let call = downstreamCall(from: caller, ms: ms, pids: SimulationWorld.neutronPIDs, cursor: &c)
        batch.add(
            .neutronServer, c.time,
            ServiceLines.neutron(
                c.time, pid: call.pid, context: call.context, ip: SimulationWorld.computeIP, method: method,
                path: path, status: status, length: length, micros: call.micros, lastDigit: rng.below(10)))
    }

    /// What both downstream calls share: the call's duration, a fresh request id under the
    /// caller's as global id, and the serving process (in that order of random draws).
    private mutating func downstreamCall(
        from caller: RequestContext, ms: ClosedRange<Int>, pids: [Int], cursor c: inout Cursor
    ) -> (context: RequestContext, pid: Int, micros: Int64) {
        let start = c.micros
        c.advance(&rng, ms: ms)
        let context = RequestContext(
            global: caller.request, request: newRequestID(), user: caller.user, project: caller.project)
        return (context, rng.pick(pids), c.micros - start)
    }

    /// neutron tells nova the port is plugged: a separate nova-api request under neutron's own
    /// service context (no global id: neutron starts this conversation), then compute receives it.
    private mutating func vifPlugged(
        _ server: SimulationWorld.Server, cursor c: inout Cursor, into batch: inout LineBatch
    ) {
        let service = world.neutronService
        let call = APICall(
            route: .action, pid: rng.pick(SimulationWorld.apiPIDs), ip: SimulationWorld.neutronIP,
            microversion: "2.1",
            context: RequestContext(
                global: nil, request: newRequestID(), user: service.user, project: service.project),
            startMicros: c.micros, method: "POST", path: "/v2.1/os-server-external-events", target: nil)
        let event = "network-vif-plugged:\(server.port)"
        c.advance(&rng, ms: 30...70)
        batch.log(
            .novaAPI, c.time, pid: call.pid, "INFO", "nova.api.openstack.compute.server_external_events",
            context: call.context, "Creating event \(event) for instance \(server.id) on \(SimulationWorld.computeHost)"
        )
        c.advance(&rng, ms: 5...15)
        finishCall(call, c, status: 200, length: 183, into: &batch)
        c.advance(&rng, ms: 2...5)
        batch.log(
            .neutronServer, c.time, pid: rng.pick(SimulationWorld.neutronPIDs), "INFO", "neutron.notifiers.nova",
            context: nil,
            "Nova event response: {'server_uuid': '\(server.id)', 'name': 'network-vif-plugged', "
                + "'status': 'completed', 'tag': '\(server.port)', 'code': 200}")
        c.advance(&rng, ms: 3...10)
        batch.log(
            .novaCompute, c.time, pid: SimulationWorld.computePID, "DEBUG", "nova.compute.manager",
            context: call.context, instance: server.id, "Received event network-vif-plugged-\(server.port)")
    }
}
