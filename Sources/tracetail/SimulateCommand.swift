import ArgumentParser
import LogSimulator
import TraceTailCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `tracetail simulate`: writes a realistic nova log directory plus CTA events, at once or live.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write realistic nova/glance/neutron logs and CTA events showing an incident, a fix and recovery.",
        discussion: """
            Files: nova-api.log, nova-conductor.log, nova-scheduler.log, nova-compute.log, glance-api.log, \
            neutron-server.log (oslo.log format) and cta-agent.jsonl. Output is identical byte for byte for \
            the same arguments. Offsets are durations from the run start: 30s, 5m, 1h.
            """)

    @Option(help: "Output directory (created when missing; its simulated files are replaced).")
    var out: String

    @Option(help: "Length of the run, e.g. 30s, 5m, 1h.")
    var duration: String = "30m"

    @Option(help: "Client requests per second reaching nova-api.")
    var rate: String = "2"

    @Option(help: "Seed of the generator.")
    var seed: String = "1"

    @Option(
        help: """
            Injected fault as START+LENGTH offsets from the start (e.g. 10m+8m), or 'none' \
            (default: the middle third of the run, 10m+10m for 30m).
            """)
    var incident: String?

    @Option(help: "When the fix lands: an offset from the start (default: incident start + 60% of its length).")
    var fixAt: String?

    @Option(help: "Event time of the run start, ISO 8601 (default 2026-11-27T10:00:00Z; with --follow: now).")
    var start: String?

    @Option(help: "run_id of the CTA events.")
    var runId: String = "run-1"

    @Flag(help: "Write in real time: append each line when the wall clock reaches it, until the run ends.")
    var follow: Bool = false

    func run() async throws {
        let arguments = SimulationArguments(
            out: out, duration: duration, rate: rate, seed: seed, incident: incident, fixAt: fixAt, start: start,
            runID: runId, follow: follow)
        let configuration: SimulationConfiguration
        do {
            configuration = try arguments.configuration(now: Self.wallClockSecond())
        } catch {
            printError("tracetail simulate: error: \(error)")
            throw ExitCode(2)
        }
        let writer = SimulationWriter(directory: out)
        do {
            if follow {
                printError(
                    "tracetail simulate: following from \(configuration.start) for \(configuration.duration) into \(out)"
                )
                try await writer.follow(configuration, clock: ContinuousClock())
            } else {
                let summary = try writer.writeAll(configuration)
                printError(
                    "tracetail simulate: wrote \(summary.totalLines) lines (\(summary.totalBytes) bytes) to \(out)")
            }
        } catch let error as SimulationWriteError {
            printError("tracetail simulate: error: \(error)")
            throw ExitCode(1)
        }
    }

    /// The wall clock, whole seconds: the default start of a live run, so log times are "now".
    private static func wallClockSecond() -> EventTime {
        EventTime(seconds: Int64(time(nil)))
    }
}
