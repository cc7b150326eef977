/// The `journalctl` child as a journald source sees it: output lines that are there now, and
/// whether the output has ended. Behind a protocol so that the source's logic (cursors,
/// restarts, filtering) is tested on a fake that yields JSON lines.
public protocol JournalProcess: AnyObject {
    /// Appends the complete output lines available now, without blocking, reading at most
    /// about `maxBytes`.
    /// - Returns: false once the output has ended (the process exited); the bytes of an
    ///   unfinished last line are then dropped.
    func readLines(into lines: inout [[UInt8]], maxBytes: Int) -> Bool
    /// Why the process ended (exit status, signal, its last error output), once it has.
    var exitDescription: String? { get }
    /// Stops the process and reaps it; reading afterwards yields nothing.
    func terminate()
}

/// Starts `journalctl` processes.
public protocol JournalLauncher: Sendable {
    /// Starts `journalctl` with `arguments` (not including the program name).
    /// - Throws: a `JournalLaunchError` when it cannot be started (not installed, no resources).
    func launch(arguments: [String]) throws -> any JournalProcess
}

/// Why `journalctl` could not be started.
public struct JournalLaunchError: Error, Sendable, CustomStringConvertible {
    /// What failed and why (`cannot start journalctl: No such file or directory`).
    public var description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
