import ArgumentParser
import TraceTailCore
import TraceTailRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The `tracetail` command: follow OpenStack logs, stitch request traces, export spans and gauges.
@main
struct Tracetail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracetail",
        abstract: "Follow OpenStack logs, stitch request traces, export spans and phase-tagged gauges.",
        version: TraceTailVersion.current,
        subcommands: [
            Run.self, Replay.self, Parse.self, Patterns.self, Status.self, PhaseCommand.self, EventCommand.self,
            Send.self, Enabled.self, Simulate.self, Bench.self,
        ]
    )

    /// Runs the command with DESIGN §5's exit codes: 0 ok, 1 runtime failure, 2 bad usage or
    /// config. swift-argument-parser's own usage errors exit 64 (EX_USAGE); they become 2 here.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            printError("tracetail: \(failure.message)")
            Glibc.exit(failure.code)
        } catch let failure as TraceTailRuntime.OutputStream.Failure {
            printError("tracetail: cannot write \(failure)")
            Glibc.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
