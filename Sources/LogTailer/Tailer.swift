import TraceTailCore

/// Follows log files: discovers them, tells rotation, truncation, rewrites and inode reuse apart by
/// identity (device + inode + fingerprint of the first bytes), and hands out each complete line
/// once, with positions that make a restart resume exactly after the last line handed out.
///
/// Synchronous and poll-driven: no threads, no clocks. The caller passes monotonic nanoseconds to
/// `poll(now:into:)` (after an `InotifyWatcher` wake-up or a timer). All file access goes through
/// `FileSystem`, so the logic is tested on `InMemoryFileSystem`.
public struct Tailer: Sendable {
    /// What to follow and how.
    public let configuration: Configuration
    let fileSystem: any FileSystem
    /// Files being followed (active first-seen order, draining ones included).
    var tracked: [TrackedFile] = []
    /// Positions given to `init(restoring:)` not yet matched to a file; the first poll matches or drops them.
    var restoring: [FileIdentity: FilePosition] = [:]
    /// Paths that match but cannot be opened, with the error of the current streak.
    var unreadable: [String: FileSystemError] = [:]
    var sourceIDs: SourceIDPool
    var hasPolled = false
    let restored: Bool
    /// Totals since creation.
    public internal(set) var counters = Counters()

    /// Creates a tailer; nothing is opened before the first `poll`.
    /// - Parameters:
    ///   - restoring: positions from an earlier run (`positions`); each is matched by identity at the
    ///     first poll, also when its file was renamed while stopped (its directory is searched for the inode).
    public init(configuration: Configuration, fileSystem: any FileSystem, restoring: [FilePosition] = []) {
        self.configuration = configuration
        self.fileSystem = fileSystem
        var byIdentity: [FileIdentity: FilePosition] = [:]
        for position in restoring {
            byIdentity[FileIdentity(device: position.device, inode: position.inode)] = position
        }
        self.restoring = byIdentity
        self.restored = !restoring.isEmpty
        self.sourceIDs = SourceIDPool(reserving: byIdentity.values.map(\.source))
    }

    /// Discovers files, detects rotation and truncation, and appends what can be read now to
    /// `output` (one `TailedLines` per file that had lines; a rotated file's lines before its
    /// successor's).
    public mutating func poll(now: Int64, into output: inout [TailedLines]) {
        let candidates = discover()
        var truncated: [TruncatedContent] = []
        let fresh = matchKnownFiles(candidates, now: now, truncated: &truncated)
        for (path, status) in fresh {
            track(path: path, status: status, now: now, truncated: &truncated, output: &output)
        }
        if !hasPolled { resumeRenamedWhileStopped(now: now, output: &output) }
        settle(truncated, into: &output)
        reopenLostHandles(into: &output)
        // Draining files first, so a rotated file's last lines come before its successor's first.
        for i in tracked.indices where tracked[i].draining { read(i, now: now, into: &output) }
        for i in tracked.indices where !tracked[i].draining { read(i, now: now, into: &output) }
        releaseExpired(now: now, into: &output)
        let matched = Set(candidates.map(\.path))
        unreadable = unreadable.filter { matched.contains($0.key) }
        hasPolled = true
    }

    /// Closes every file (shutdown, or before building a new tailer from `positions`).
    public mutating func close() {
        for i in tracked.indices {
            if let handle = tracked[i].handle { fileSystem.close(handle) }
            tracked[i].handle = nil
        }
    }

    /// One checkpoint value per tracked file, reflecting exactly the lines handed out so far.
    /// Before the first poll, the positions the tailer was created with.
    public var positions: [FilePosition] {
        // Unmatched restored positions stay until matched or dropped (kept while their file is unreadable).
        tracked.map(\.position) + restoring.values.sorted { $0.source < $1.source }
    }

    /// The followed files and the unreadable ones, for `/status`.
    public var files: [FileReport] {
        var reports = tracked.map { file in
            FileReport(
                path: file.path, fileName: file.fileName, device: file.identity.device, inode: file.identity.inode,
                source: file.source.rawValue, offset: file.cursor.offset, size: file.size,
                lagBytes: max(0, file.size - file.cursor.offset), linesRead: file.linesRead,
                state: file.draining ? .draining : .active, error: nil)
        }
        for (path, error) in unreadable.sorted(by: { $0.key < $1.key }) {
            reports.append(
                FileReport(
                    path: path, fileName: Self.baseName(path), device: 0, inode: 0, source: nil, offset: 0, size: 0,
                    lagBytes: 0, linesRead: 0, state: .unreadable, error: error.description))
        }
        return reports
    }

    static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
