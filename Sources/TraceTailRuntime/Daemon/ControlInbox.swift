import Synchronization

/// Commands waiting for the pipeline loop, filled by the control API's handlers and by
/// SIGHUP. The loop drains it on every turn, so commands apply between two batches of lines,
/// never in the middle of one.
public final class ControlInbox: Sendable {
    private struct Pending {
        var commands: [ControlCommand] = []
        var reload = false
    }
    private let pending = Mutex(Pending())

    public init() {}

    /// Queues a command.
    public func post(_ command: ControlCommand) {
        pending.withLock { $0.commands.append(command) }
    }

    /// Asks the loop to re-read its configuration.
    public func requestReload() {
        pending.withLock { $0.reload = true }
    }

    /// Takes every queued command and the reload request.
    func drain() -> (commands: [ControlCommand], reload: Bool) {
        pending.withLock { p in
            defer { p = Pending() }
            return (p.commands, p.reload)
        }
    }
}

/// The latest `/status` document, published by the loop and read by HTTP handlers.
public final class StatusBoard: Sendable {
    private let current: Mutex<DaemonStatus?> = Mutex(nil)

    public init() {}

    /// Replaces the published status.
    public func publish(_ status: DaemonStatus) { current.withLock { $0 = status } }

    /// The latest status (nil before the loop's first turn).
    public var latest: DaemonStatus? { current.withLock { $0 } }
}
