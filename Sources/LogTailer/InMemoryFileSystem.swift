import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A deterministic in-memory file system for tests: paths name inodes, open handles keep an
/// unlinked inode alive (as on POSIX), and a freed inode number is reused by the next file created,
/// so inode reuse, rename rotation, copytruncate and stale handles can be staged exactly.
///
/// Paths are absolute strings; directories are created on demand by the writes under them.
public final class InMemoryFileSystem: FileSystem {
    private struct Node {
        enum Kind {
            case file, directory
            case symlink(String)
        }
        var kind: Kind
        var data: [UInt8] = []
        /// Number of names pointing at it; the inode is freed when this and its handles reach 0.
        var links = 0
        var denied = false
    }

    private struct Handle {
        var inode: UInt64
        var stale = false
    }

    private struct State {
        var nodes: [UInt64: Node] = [:]
        var names: [String: UInt64] = [:]
        var handles: [Int32: Handle] = [:]
        var nextInode: UInt64 = 100
        /// Freed inode numbers, most recent last: the next file takes the most recently freed one.
        var freeInodes: [UInt64] = []
        var nextHandle: Int32 = 3
    }

    /// `st_dev` of every file.
    public let device: UInt64 = 42
    private let state = Mutex(State())

    public init() {}

    // MARK: FileSystem

    public func status(path: String) -> FileStatus? {
        state.withLock { s in
            guard let inode = Self.resolve(path, in: s) else { return nil }
            return status(inode, in: s)
        }
    }

    public func open(path: String) throws(FileSystemError) -> FileHandleToken {
        let result: Result<FileHandleToken, FileSystemError> = state.withLock { s in
            guard let inode = Self.resolve(path, in: s), let node = s.nodes[inode] else {
                return .failure(FileSystemError(path: path, code: ENOENT))
            }
            if node.denied { return .failure(FileSystemError(path: path, code: EACCES)) }
            if case .directory = node.kind { return .failure(FileSystemError(path: path, code: EISDIR)) }
            let token = s.nextHandle
            s.nextHandle += 1
            s.handles[token] = Handle(inode: inode)
            return .success(FileHandleToken(token))
        }
        return try result.get()
    }

    public func status(of handle: FileHandleToken) -> FileStatus? {
        state.withLock { s in
            guard let h = s.handles[handle.rawValue], !h.stale else { return nil }
            return status(h.inode, in: s)
        }
    }

    public func read(_ handle: FileHandleToken, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer)
        throws(FileSystemError) -> Int
    {
        let result: Result<Int, FileSystemError> = state.withLock { s in
            guard let h = s.handles[handle.rawValue] else {
                return .failure(FileSystemError(path: "handle \(handle.rawValue)", code: EBADF))
            }
            if h.stale { return .failure(FileSystemError(path: "handle \(handle.rawValue)", code: ESTALE)) }
            let data = s.nodes[h.inode]?.data ?? []
            guard offset < Int64(data.count) else { return .success(0) }
            let n = min(buffer.count, data.count - Int(offset))
            data.withUnsafeBytes { src in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[Int(offset)..<(Int(offset) + n)]))
            }
            return .success(n)
        }
        return try result.get()
    }

    public func close(_ handle: FileHandleToken) {
        state.withLock { s in
            guard let h = s.handles.removeValue(forKey: handle.rawValue) else { return }
            Self.collect(h.inode, in: &s)
        }
    }

    public func list(directory: String) -> [String]? {
        state.withLock { s in
            guard let inode = Self.resolve(directory, in: s), case .directory = s.nodes[inode]?.kind else {
                return nil
            }
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            return s.names.keys.compactMap { name -> String? in
                guard name.hasPrefix(prefix) else { return nil }
                let rest = name.dropFirst(prefix.count)
                return rest.isEmpty || rest.contains("/") ? nil : String(rest)
            }.sorted()
        }
    }

    /// The fake's gzip: its magic bytes, a marker, then the content as is. Real compression is
    /// `PosixFileSystem`'s business; the tailer only needs "this name holds that content".
    static let gzipHeader: [UInt8] = [0x1F, 0x8B, 0xFA, 0xCE]

    public func openDecompressed(path: String) throws(FileSystemError) -> FileHandleToken {
        let result: Result<FileHandleToken, FileSystemError> = state.withLock { s in
            guard let inode = Self.resolve(path, in: s), let node = s.nodes[inode] else {
                return .failure(FileSystemError(path: path, code: ENOENT))
            }
            if node.denied { return .failure(FileSystemError(path: path, code: EACCES)) }
            guard node.data.starts(with: Self.gzipHeader) else {
                return .failure(FileSystemError(path: path, code: EILSEQ))
            }
            // An unnamed inode, alive while its handle is open: the temporary file of the real one.
            let anonymous = Self.allocate(.file, in: &s)
            s.nodes[anonymous]?.data = Array(node.data.dropFirst(Self.gzipHeader.count))
            s.nodes[anonymous]?.links = 0
            let token = s.nextHandle
            s.nextHandle += 1
            s.handles[token] = Handle(inode: anonymous)
            return .success(FileHandleToken(token))
        }
        return try result.get()
    }

    // MARK: Staging

    /// Replaces `path` with `bytes` "compressed" in the fake's gzip form (see `openDecompressed`).
    public func writeGzip(_ path: String, _ bytes: [UInt8]) { write(path, Self.gzipHeader + bytes) }

    /// Replaces the contents of `path` (O_TRUNC write; creates the file with a new inode when absent).
    public func write(_ path: String, _ bytes: [UInt8]) {
        state.withLock { s in
            let inode = Self.fileInode(path, in: &s)
            s.nodes[inode]?.data = bytes
        }
    }

    /// Appends to `path` (an O_APPEND writer; creates the file when absent).
    public func append(_ path: String, _ bytes: [UInt8]) {
        state.withLock { s in
            let inode = Self.fileInode(path, in: &s)
            s.nodes[inode]?.data.append(contentsOf: bytes)
        }
    }

    /// Convenience: appends the UTF-8 of `text`.
    public func append(_ path: String, _ text: String) { append(path, Array(text.utf8)) }

    /// Writes `bytes` at `offset`, filling any gap with NUL bytes: a writer without O_APPEND that
    /// keeps its old offset after the file was truncated leaves such a hole.
    public func writeWithHole(_ path: String, at offset: Int64, _ bytes: [UInt8]) {
        state.withLock { s in
            let inode = Self.fileInode(path, in: &s)
            var data = s.nodes[inode]?.data ?? []
            let start = Int(offset)
            if data.count < start + bytes.count {
                data += [UInt8](repeating: 0, count: start + bytes.count - data.count)
            }
            data.replaceSubrange(start..<(start + bytes.count), with: bytes)
            s.nodes[inode]?.data = data
        }
    }

    /// `truncate(2)`: shrinks (or NUL-extends) the file, keeping its inode.
    public func truncate(_ path: String, to size: Int64) {
        state.withLock { s in
            guard let inode = Self.resolve(path, in: s) else { return }
            let n = Int(size)
            if s.nodes[inode]!.data.count > n {
                s.nodes[inode]!.data.removeSubrange(n...)
            } else {
                s.nodes[inode]!.data += [UInt8](repeating: 0, count: n - s.nodes[inode]!.data.count)
            }
        }
    }

    /// `rename(2)`: moves the name; a file already at `to` is unlinked.
    public func rename(_ from: String, to: String) {
        state.withLock { s in
            guard let inode = s.names.removeValue(forKey: from) else { return }
            if let old = s.names[to] { Self.unlink(to, old, in: &s) }
            Self.ensureParent(of: to, in: &s)
            s.names[to] = inode
        }
    }

    /// Copies the contents of `from` to `to` (a new file; an existing `to` is replaced).
    public func copy(_ from: String, to: String) {
        let bytes = state.withLock { s in Self.resolve(from, in: s).flatMap { s.nodes[$0]?.data } ?? [] }
        state.withLock { s in
            if let old = s.names[to] { Self.unlink(to, old, in: &s) }
        }
        write(to, bytes)
    }

    /// `unlink(2)`: open handles keep reading the inode; its number is freed once they close.
    public func delete(_ path: String) {
        state.withLock { s in
            guard let inode = s.names[path] else { return }
            Self.unlink(path, inode, in: &s)
        }
    }

    /// Creates (or replaces) a symlink at `path` pointing at `target` (absolute, or relative to its directory).
    public func symlink(_ path: String, to target: String) {
        state.withLock { s in
            if let old = s.names[path] { Self.unlink(path, old, in: &s) }
            Self.ensureParent(of: path, in: &s)
            let inode = Self.allocate(.symlink(target), in: &s)
            s.names[path] = inode
        }
    }

    /// Creates a directory (and its parents).
    public func createDirectory(_ path: String) {
        state.withLock { s in Self.ensureDirectory(path, in: &s) }
    }

    /// Makes `open` of the file fail with `EACCES` (like `chmod 000` for a non-root reader) until `allow`.
    public func deny(_ path: String) {
        state.withLock { s in
            if let inode = Self.resolve(path, in: s) { s.nodes[inode]?.denied = true }
        }
    }

    /// Undoes `deny`.
    public func allow(_ path: String) {
        state.withLock { s in
            if let inode = Self.resolve(path, in: s) { s.nodes[inode]?.denied = false }
        }
    }

    /// Makes every open handle of the file at `path` fail with `ESTALE` (an NFS file handle that
    /// went stale); opening the path again works.
    public func injectStale(_ path: String) {
        state.withLock { s in
            guard let inode = Self.resolve(path, in: s) else { return }
            for (token, h) in s.handles where h.inode == inode { s.handles[token]?.stale = true }
        }
    }

    /// The file's bytes (nil when absent).
    public func contents(_ path: String) -> [UInt8]? {
        state.withLock { s in Self.resolve(path, in: s).flatMap { s.nodes[$0]?.data } }
    }

    /// Number of open handles (to check that the tailer releases descriptors).
    public var openHandleCount: Int { state.withLock { $0.handles.count } }

    // MARK: Internals

    private func status(_ inode: UInt64, in s: State) -> FileStatus? {
        guard let node = s.nodes[inode] else { return nil }
        switch node.kind {
        case .file:
            return FileStatus(
                device: device, inode: inode, size: Int64(node.data.count), isRegularFile: true, isDirectory: false)
        case .directory:
            return FileStatus(device: device, inode: inode, size: 0, isRegularFile: false, isDirectory: true)
        case .symlink: return nil
        }
    }

    /// Follows symlinks (at most 8 hops) to an inode.
    private static func resolve(_ path: String, in s: State) -> UInt64? {
        var path = path
        for _ in 0..<8 {
            guard let inode = s.names[path], let node = s.nodes[inode] else { return nil }
            guard case .symlink(let target) = node.kind else { return inode }
            path = normalize(target.hasPrefix("/") ? target : parent(of: path) + "/" + target)
        }
        return nil
    }

    /// Drops `.` and resolves `..` components, so relative symlink targets name the same key.
    private static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
            } else {
                parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func allocate(_ kind: Node.Kind, in s: inout State) -> UInt64 {
        let inode: UInt64
        if let reused = s.freeInodes.popLast() {
            inode = reused
        } else {
            inode = s.nextInode
            s.nextInode += 1
        }
        s.nodes[inode] = Node(kind: kind, links: 1)
        return inode
    }

    /// The file at `path` (through symlinks), created when absent.
    private static func fileInode(_ path: String, in s: inout State) -> UInt64 {
        if let inode = resolve(path, in: s) { return inode }
        ensureParent(of: path, in: &s)
        let inode = allocate(.file, in: &s)
        s.names[path] = inode
        return inode
    }

    private static func ensureParent(of path: String, in s: inout State) {
        ensureDirectory(parent(of: path), in: &s)
    }

    private static func ensureDirectory(_ path: String, in s: inout State) {
        guard path != "/", path != ".", s.names[path] == nil else { return }
        ensureParent(of: path, in: &s)
        s.names[path] = allocate(.directory, in: &s)
    }

    private static func unlink(_ path: String, _ inode: UInt64, in s: inout State) {
        s.names[path] = nil
        s.nodes[inode]?.links -= 1
        collect(inode, in: &s)
    }

    /// Frees an inode nobody names or holds open, making its number available for reuse.
    private static func collect(_ inode: UInt64, in s: inout State) {
        guard let node = s.nodes[inode], node.links <= 0 else { return }
        guard !s.handles.values.contains(where: { $0.inode == inode }) else { return }
        s.nodes[inode] = nil
        s.freeInodes.append(inode)
    }
}
