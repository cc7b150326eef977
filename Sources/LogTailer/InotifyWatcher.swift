import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blocks until a watched directory or file changes, so the daemon polls the `Tailer` when there
/// is something to read instead of on a tight timer. Linux inotify (`IN_MODIFY`, `IN_CREATE`,
/// `IN_MOVED_TO`, `IN_MOVE_SELF`, `IN_DELETE_SELF`, `IN_ATTRIB`); where inotify is unavailable
/// (other systems, exhausted instances) `wait` just sleeps its timeout and the daemon's poll
/// finds changes itself. Network file systems send no events: the timeout bounds the delay.
///
/// `wait` blocks its thread in `poll(2)`: call it off the cooperative pool.
public final class InotifyWatcher: Sendable {
    private let fd: Int32
    /// Watched path → watch descriptor.
    private let watches = Mutex<[String: Int32]>([:])

    #if os(Linux)
        private static let mask: UInt32 = UInt32(
            IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB
                | IN_DELETE)
    #endif

    /// Starts watching `paths` (see `update(paths:)`).
    public init(paths: [String] = []) {
        #if os(Linux)
            fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        #else
            fd = -1
        #endif
        update(paths: paths)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// True when inotify is in use (false: `wait` only sleeps).
    public var isAvailable: Bool { fd >= 0 }

    /// Watches exactly these paths: configured files, directories and the directories of globs
    /// (a glob entry is replaced by its directory, a file also gets its directory watched, so
    /// creation and rename are seen), plus any followed files passed in. Call it after each poll
    /// with the tailer's files; paths that vanished and came back are watched again.
    public func update(paths: [String]) {
        #if os(Linux)
            guard fd >= 0 else { return }
            var wanted = Set<String>()
            for path in paths {
                let name = path.split(separator: "/").last.map(String.init) ?? path
                let directory = Self.directory(of: path)
                if name.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                    wanted.insert(directory)
                } else {
                    wanted.insert(path)
                    wanted.insert(directory)
                }
            }
            watches.withLock { watches in
                for (path, wd) in watches where !wanted.contains(path) {
                    watches[path] = nil
                    // Two names of one inode share a watch: keep it while another name uses it.
                    if !watches.values.contains(wd) { inotify_rm_watch(fd, wd) }
                }
                for path in wanted where watches[path] == nil {
                    let wd = inotify_add_watch(fd, path, Self.mask)
                    if wd >= 0 { watches[path] = wd }
                }
            }
        #endif
    }

    /// Blocks up to `timeoutMilliseconds` for a change.
    /// - Returns: true when something changed, false on timeout (or without inotify).
    public func wait(timeoutMilliseconds: Int32) -> Bool {
        guard fd >= 0 else {
            usleep(UInt32(max(0, timeoutMilliseconds)) * 1000)
            return false
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, timeoutMilliseconds)
        guard ready > 0 else { return false }
        drain()
        return true
    }

    /// Reads all queued events; forgets watches the kernel dropped (`IN_IGNORED`: the watched
    /// path was deleted) so the next `update` adds them again.
    private func drain() {
        #if os(Linux)
            var ignored: [Int32] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= n {
                    let (wd, mask, length) = buffer.withUnsafeBytes { raw in
                        (
                            raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                            raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                            raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
                        )
                    }
                    if mask & UInt32(IN_IGNORED) != 0 { ignored.append(wd) }
                    offset += header + Int(length)
                }
            }
            guard !ignored.isEmpty else { return }
            watches.withLock { watches in watches = watches.filter { !ignored.contains($0.value) } }
        #endif
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
