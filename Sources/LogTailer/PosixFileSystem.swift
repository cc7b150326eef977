#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real file system through `open`/`pread`/`fstat`/`readdir`.
public struct PosixFileSystem: FileSystem {
    public init() {}

    public func status(path: String) -> FileStatus? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Self.status(st)
    }

    public func open(path: String) throws(FileSystemError) -> FileHandleToken {
        // O_NONBLOCK: a FIFO matched by a glob must not hang the poll loop.
        #if canImport(Glibc)
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        #else
            let fd = Darwin.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        #endif
        guard fd >= 0 else { throw FileSystemError(path: path, code: errno) }
        return FileHandleToken(fd)
    }

    public func status(of handle: FileHandleToken) -> FileStatus? {
        var st = stat()
        guard fstat(handle.rawValue, &st) == 0 else { return nil }
        return Self.status(st)
    }

    public func read(_ handle: FileHandleToken, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer)
        throws(FileSystemError) -> Int
    {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        while true {
            let n = pread(handle.rawValue, base, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw FileSystemError(path: "fd \(handle.rawValue)", code: errno)
        }
    }

    public func close(_ handle: FileHandleToken) {
        #if canImport(Glibc)
            _ = Glibc.close(handle.rawValue)
        #else
            _ = Darwin.close(handle.rawValue)
        #endif
    }

    public func list(directory: String) -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func status(_ st: stat) -> FileStatus {
        let type = st.st_mode & S_IFMT
        return FileStatus(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            isRegularFile: type == S_IFREG, isDirectory: type == S_IFDIR)
    }
}
