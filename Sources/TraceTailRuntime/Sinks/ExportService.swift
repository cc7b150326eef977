import ServiceLifecycle

/// The network sinks of `run` as one service. It ends when the tail service, stopping, has
/// finished the sinks and they have drained (or reached their `flush_timeout`).
final class ExportService: Service, Sendable {
    let exporters: ExporterSet

    init(exporters: ExporterSet) { self.exporters = exporters }

    func run() async throws {
        await exporters.run()
        // Like the jsonl sink: draining can end before the group reaches this service in
        // shutdown order, and returning early would count as a failure.
        try? await gracefulShutdown()
    }
}
