import TraceTailCore

extension LogSimulator {
    /// nova-compute's periodic tasks: a few `Running periodic task` records with no context
    /// (`[-]`), the resource audit under its own admin request id (no user: `- - - - - -`), and
    /// every tenth run a power-state sync warning.
    mutating func computePeriodicTasks(at time: EventTime, tick: Int, into batch: inout LineBatch) {
        let pid = SimulationWorld.computePID
        let tasks = [
            "ComputeManager._poll_rebooting_instances", "ComputeManager._poll_rescued_instances",
            "ComputeManager._poll_unconfirmed_resizes", "ComputeManager._instance_usage_audit",
            "ComputeManager._poll_volume_usage", "ComputeManager._reclaim_queued_deletes",
            "ComputeManager._heal_instance_info_cache", "ComputeManager._cleanup_running_deleted_instances",
        ]
        var c = Cursor(micros: time.nanoseconds / 1000, factor: 1)
        for offset in 0..<3 {
            let task = tasks[(tick * 3 + offset) % tasks.count]
            batch.log(
                .novaCompute, c.time, pid: pid, "DEBUG", "nova.compute.manager", context: nil,
                "Running periodic task \(task)")
            c.advance(&rng, ms: 0...3)
        }
        let audit = RequestContext(global: nil, request: newRequestID(), user: nil, project: nil)
        c.advance(&rng, ms: 5...20)
        batch.log(
            .novaCompute, c.time, pid: pid, "INFO", "nova.compute.resource_tracker", context: audit,
            "Auditing locally available compute resources for \(SimulationWorld.computeHost) "
                + "(node: \(SimulationWorld.computeNode))")
        c.advance(&rng, ms: 300...900)
        let n = world.servers.count
        batch.log(
            .novaCompute, c.time, pid: pid, "INFO", "nova.compute.resource_tracker", context: audit,
            "Final resource view: name=\(SimulationWorld.computeNode) phys_ram=257579MB used_ram=\(512 + 2048 * n)MB "
                + "phys_disk=1787GB used_disk=\(20 * n)GB total_vcpus=64 used_vcpus=\(n) pci_stats=[]")
        if tick % 10 == 0 {
            c.advance(&rng, ms: 10...40)
            batch.log(
                .novaCompute, c.time, pid: pid, "WARNING", "nova.compute.manager", context: nil,
                "While synchronizing instance power states, found \(n) instances in the database and "
                    + "\(n + 1) instances on the hypervisor.")
        }
    }

    /// nova-scheduler's periodic host discovery (no context).
    mutating func schedulerPeriodicTasks(at time: EventTime, into batch: inout LineBatch) {
        batch.log(
            .novaScheduler, time, pid: SimulationWorld.schedulerPID, "DEBUG", "nova.scheduler.manager", context: nil,
            "Running periodic task SchedulerManager._discover_hosts_in_cells")
    }

    /// nova-conductor's periodic work (no context) and, once, oslo.messaging's call-queue warning.
    mutating func conductorPeriodicTasks(at time: EventTime, tick: Int, into batch: inout LineBatch) {
        let pid = rng.pick(SimulationWorld.conductorPIDs)
        batch.log(
            .novaConductor, time, pid: pid, "DEBUG", "nova.conductor.manager", context: nil,
            "Running periodic task ConductorManager._cleanup_stale_build_requests")
        if tick == 3 {
            var c = Cursor(micros: time.nanoseconds / 1000, factor: 1)
            c.advance(&rng, ms: 200...900)
            batch.log(
                .novaConductor, c.time, pid: pid, "WARNING", "oslo_messaging._drivers.amqpdriver", context: nil,
                "Number of call queues is 11, greater than warning threshold: 10. There could be a leak. "
                    + "Increasing threshold to: 20")
        }
    }

    /// A dashboard listing images: glance traffic that no nova request caused (global id `None`).
    mutating func glanceBackgroundRequest(at time: EventTime, into batch: inout LineBatch) {
        let tenant = rng.pick(world.tenants)
        let context = RequestContext(global: nil, request: newRequestID(), user: tenant.user, project: tenant.project)
        var c = Cursor(micros: time.nanoseconds / 1000, factor: 1)
        c.advance(&rng, ms: 30...120)
        batch.add(
            .glanceAPI, c.time,
            ServiceLines.glance(
                c.time, pid: rng.pick(SimulationWorld.glancePIDs), context: context, ip: SimulationWorld.dashboardIP,
                method: "GET", path: "/v2/images?limit=20&sort_key=name&sort_dir=asc", status: 200,
                length: 4200 + rng.int(in: 0...900), micros: c.micros - time.nanoseconds / 1000))
    }

    /// A dashboard reading networks, security groups and floating IPs from neutron directly.
    mutating func neutronBackgroundRequest(at time: EventTime, into batch: inout LineBatch) {
        let tenant = rng.pick(world.tenants)
        let context = RequestContext(global: nil, request: newRequestID(), user: tenant.user, project: tenant.project)
        let paths = [
            ("/v2.0/networks?shared=True", 1437), ("/v2.0/security-groups?tenant_id=\(tenant.project)", 2911),
            ("/v2.0/floatingips?project_id=\(tenant.project)", 19), ("/v2.0/networks/\(world.network)", 712),
        ]
        let (path, length) = rng.pick(paths)
        var c = Cursor(micros: time.nanoseconds / 1000, factor: 1)
        c.advance(&rng, ms: 20...90)
        batch.add(
            .neutronServer, c.time,
            ServiceLines.neutron(
                c.time, pid: rng.pick(SimulationWorld.neutronPIDs), context: context, ip: SimulationWorld.dashboardIP,
                method: "GET", path: path, status: 200, length: length, micros: c.micros - time.nanoseconds / 1000,
                lastDigit: rng.below(10)))
    }
}
