#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `stat(2)`/`fstat(2)` say about a file, reduced to what following it needs.
public struct FileStatus: Sendable, Hashable {
    /// `st_dev`.
    public var device: UInt64
    /// `st_ino`.
    public var inode: UInt64
    /// Size in bytes.
    public var size: Int64
    /// True for a regular file (after following symlinks).
    public var isRegularFile: Bool
    /// True for a directory (after following symlinks).
    public var isDirectory: Bool

    public init(device: UInt64, inode: UInt64, size: Int64, isRegularFile: Bool, isDirectory: Bool) {
        self.device = device
        self.inode = inode
        self.size = size
        self.isRegularFile = isRegularFile
        self.isDirectory = isDirectory
    }
}

/// An open file of a `FileSystem` (a descriptor for the POSIX one).
public struct FileHandleToken: Hashable, Sendable {
    /// The descriptor or fake handle number.
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
}

/// A failed file-system call: the path and its `errno`.
public struct FileSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the call was about.
    public var path: String
    /// `errno` of the failing call (`EACCES`, `ESTALE`, …).
    public var code: Int32

    public init(path: String, code: Int32) {
        self.path = path
        self.code = code
    }

    public var description: String { "\(path): \(String(cString: strerror(code)))" }
}

/// The few file-system calls the tailer makes, so its logic runs on `InMemoryFileSystem` in tests
/// and on `PosixFileSystem` in the daemon.
///
/// Sendable so a `Tailer` can move to the thread that drives it.
public protocol FileSystem: Sendable {
    /// `stat(2)`: follows symlinks; nil when the path does not exist (or cannot be stat'ed).
    func status(path: String) -> FileStatus?
    /// Opens a file read-only. Throws with the `errno` (`EACCES`, `ENOENT`, …).
    func open(path: String) throws(FileSystemError) -> FileHandleToken
    /// `fstat(2)` of an open file; nil when the handle is unusable.
    func status(of handle: FileHandleToken) -> FileStatus?
    /// `pread(2)`: up to `buffer.count` bytes at `offset`; 0 at end of file. Throws on `ESTALE` etc.
    func read(_ handle: FileHandleToken, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer)
        throws(FileSystemError) -> Int
    /// Closes a handle; closing an unknown handle does nothing.
    func close(_ handle: FileHandleToken)
    /// The entry names of a directory (no `.`/`..`); nil when it cannot be listed.
    func list(directory: String) -> [String]?
    /// Opens the decompressed content of the gzip file at `path` as a new, unnamed, read-only
    /// file (a rotated generation that logrotate compressed while the tailer was stopped). Its
    /// status is the unnamed file's: its own inode, the decompressed size. Damaged or cut-short
    /// data yields what decoded before the damage. Throws with the `errno` (`EILSEQ` when the
    /// file is no gzip data).
    func openDecompressed(path: String) throws(FileSystemError) -> FileHandleToken
}

extension FileSystem {
    /// Reads up to `count` bytes at `offset`, looping over short reads; fewer bytes only at end of file.
    func readFully(_ handle: FileHandleToken, at offset: Int64, count: Int) throws(FileSystemError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: FileSystemError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var got = 0
            while got < count {
                do throws(FileSystemError) {
                    let n = try read(
                        handle, at: offset + Int64(got),
                        into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[got...]))
                    if n <= 0 { break }
                    got += n
                } catch {
                    failure = error
                    break
                }
            }
            initialized = got
        }
        if let failure { throw failure }
        return bytes
    }
}
