import Glibc

/// Starts the real `journalctl` (the first one on `PATH`, or `executable`).
public struct JournalctlLauncher: JournalLauncher {
    /// Program name or path; a name is looked up on `PATH`.
    public var executable: String

    /// A launcher of `executable`.
    public init(executable: String = "journalctl") { self.executable = executable }

    /// Starts `executable` with `arguments`, its output on non-blocking pipes.
    public func launch(arguments: [String]) throws -> any JournalProcess {
        try JournalctlProcess(executable: executable, arguments: arguments)
    }
}

/// A `journalctl` child started with `posix_spawnp`, its output read through non-blocking
/// pipes: the runner polls it between its other work and never waits for it.
///
/// `posix_spawn` rather than Foundation's `Process` because the child must start with default
/// signal dispositions: the daemon ignores SIGTERM and SIGPIPE to handle them itself, and a
/// child inheriting that would outlive `terminate()` and a closed pipe.
final class JournalctlProcess: JournalProcess {
    private let pid: pid_t
    private var output: Int32
    private var errors: Int32
    /// The unfinished last line of the output.
    private var partial: [UInt8] = []
    /// The end of the error output (journalctl's reason for stopping), at most `errorTail` bytes.
    private var errorText: [UInt8] = []
    private var exited = false
    private(set) var exitDescription: String?
    /// Longest output line kept; journalctl's JSON lines are far shorter unless a message is
    /// huge, and a longer one is dropped rather than held in memory without bound.
    private let maxLineBytes = 64 << 20
    private let errorTail = 2048

    init(executable: String, arguments: [String]) throws {
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw JournalLaunchError("pipe: \(Self.errorString(errno))") }
        guard pipe(&err) == 0 else {
            close(out[0])
            close(out[1])
            throw JournalLaunchError("pipe: \(Self.errorString(errno))")
        }
        // Close-on-exec, so no other child inherits them (`pipe2` needs _GNU_SOURCE, which
        // Swift's Glibc module does not define); the child's dup2 copies are not.
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let status = posix_spawnp(&child, executable, &actions, &attributes, argv, environ)
        close(out[1])
        close(err[1])
        guard status == 0 else {
            close(out[0])
            close(err[0])
            throw JournalLaunchError("cannot start \(executable): \(Self.errorString(status))")
        }
        pid = child
        output = out[0]
        errors = err[0]
        for fd in [output, errors] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit { terminate() }

    func readLines(into lines: inout [[UInt8]], maxBytes: Int) -> Bool {
        guard !exited else { return false }
        drainErrors()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while total < maxBytes {
            let n = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n > 0 {
                total += n
                split(buffer[0..<n], into: &lines)
            } else if n == 0 {
                finish()
                return false
            } else if errno == EINTR {
                continue
            } else {
                // EAGAIN: nothing more now.
                break
            }
        }
        return true
    }

    /// Appends the complete lines of `chunk` (with what was left of the last one) to `lines`.
    private func split(_ chunk: ArraySlice<UInt8>, into lines: inout [[UInt8]]) {
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: 0x0A) {
            if partial.isEmpty {
                lines.append(Array(chunk[start..<newline]))
            } else {
                partial += chunk[start..<newline]
                lines.append(partial)
                partial.removeAll(keepingCapacity: false)
            }
            start = newline + 1
        }
        partial += chunk[start...]
        // Over-long: dropped rather than held without bound. Its rest arrives as a line that is
        // no JSON entry, which the source counts as undecodable.
        if partial.count > maxLineBytes { partial.removeAll(keepingCapacity: false) }
    }

    private func drainErrors() {
        guard errors >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(errors, $0.baseAddress, $0.count) }
            if n > 0 {
                errorText += buffer[0..<n]
                if errorText.count > errorTail { errorText.removeFirst(errorText.count - errorTail) }
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                if n == 0 {
                    close(errors)
                    errors = -1
                }
                return
            }
        }
    }

    /// The output ended: reap the process (it exits right after closing its output; one that
    /// does not within a second is killed) and say why it stopped.
    private func finish() {
        drainErrors()
        exited = true
        let status = reap(graceNanoseconds: 1_000_000_000)
        closeDescriptors()
        let reason =
            String(decoding: errorText, as: UTF8.self)
            .split(separator: "\n").last.map { ": \($0)" } ?? ""
        exitDescription = "journalctl \(status)\(reason)"
    }

    func terminate() {
        guard !exited else { return }
        exited = true
        kill(pid, SIGTERM)
        _ = reap(graceNanoseconds: 1_000_000_000)
        closeDescriptors()
        exitDescription = exitDescription ?? "journalctl stopped"
    }

    /// Waits for the child up to `graceNanoseconds`, then kills it; returns how it ended.
    private func reap(graceNanoseconds: Int64) -> String {
        var status: Int32 = 0
        var waited: Int64 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return "ended" }
            if waited >= graceNanoseconds {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return "killed after not exiting"
            }
            usleep(10_000)
            waited += 10_000_000
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = status & 0x7f
        return signal == 0 ? "exited with status \((status >> 8) & 0xff)" : "killed by signal \(signal)"
    }

    private func closeDescriptors() {
        if output >= 0 {
            close(output)
            output = -1
        }
        if errors >= 0 {
            close(errors)
            errors = -1
        }
    }

    private static func errorString(_ code: Int32) -> String { String(cString: strerror(code)) }
}
