import ArgumentParser

/// The `tracetail` command: follow OpenStack logs, stitch request traces, export spans and gauges.
@main
struct Tracetail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracetail",
        abstract: "Follow OpenStack logs, stitch request traces, export spans and phase-tagged gauges.",
        subcommands: [Replay.self, Parse.self, Patterns.self, Simulate.self, Bench.self]
    )
}
