import CompressNIO
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PosixFileSystem {
    /// Decompresses the gzip file at `path` into an unlinked temporary file (in `$TMPDIR`, else
    /// `/tmp`) and returns that file open. The tailer then reads it like any rotated file, with
    /// `pread` at its stored offset; the disk space is freed when the handle is closed.
    public func openDecompressed(path: String) throws(FileSystemError) -> FileHandleToken {
        let input = try open(path: path)
        defer { close(input) }
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(input.rawValue, $0.baseAddress, 2, 0) }
        guard n == 2, magic == (0x1F, 0x8B) else { throw FileSystemError(path: path, code: EILSEQ) }
        let output = try Self.unnamedFile(for: path)
        do {
            try Self.inflate(path: path, from: input.rawValue, to: output.rawValue)
        } catch {
            close(output)
            throw error
        }
        return output
    }

    /// A new temporary file, already unlinked: nothing is left behind if the process dies.
    private static func unnamedFile(for path: String) throws(FileSystemError) -> FileHandleToken {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/tracetail-gunzip-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileSystemError(path: "\(directory) (decompressing \(path))", code: errno) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return FileHandleToken(fd)
    }

    /// Inflates every gzip member of `input` into `output`. Damaged data ends the output where
    /// it stopped decoding (what came before is real log content); only I/O errors throw.
    private static func inflate(path: String, from input: Int32, to output: Int32) throws(FileSystemError) {
        let inflater: ZlibDecompressor
        do {
            inflater = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            throw FileSystemError(path: path, code: ENOMEM)
        }
        var compressed = ByteBuffer()
        var offset: off_t = 0
        while true {
            if compressed.readableBytes == 0 {
                compressed.clear()
                var failure: Int32 = 0
                compressed.writeWithUnsafeMutableBytes(minimumWritableBytes: 256 * 1024) { buffer in
                    while true {
                        let n = pread(input, buffer.baseAddress, buffer.count, offset)
                        if n < 0, errno == EINTR { continue }
                        if n < 0 { failure = errno }
                        return max(0, n)
                    }
                }
                if failure != 0 { throw FileSystemError(path: path, code: failure) }
                offset += off_t(compressed.readableBytes)
                if compressed.readableBytes == 0 { return }
            }
            var plain = ByteBufferAllocator().buffer(capacity: 256 * 1024)
            let before = compressed.readableBytes
            var memberEnded = false
            var damaged = false
            do {
                try inflater.inflate(from: &compressed, to: &plain)
                // A normal return with input left over: this member ended, another may follow.
                memberEnded = compressed.readableBytes > 0
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                // Output full, or more input needed: go round again.
            } catch {
                damaged = true
            }
            try writeAll(plain, to: output, path: path)
            if damaged { return }
            let stuck = plain.readableBytes == 0 && compressed.readableBytes == before && before > 0
            if memberEnded || stuck {
                // Next member (`1f 8b`), or trailing padding that ends the data.
                guard compressed.readableBytesView.starts(with: [0x1F, 0x8B]) else { return }
                do {
                    try inflater.reset()
                } catch {
                    return
                }
            }
        }
    }

    private static func writeAll(_ buffer: ByteBuffer, to fd: Int32, path: String) throws(FileSystemError) {
        var failure: Int32 = 0
        buffer.withUnsafeReadableBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0, errno == EINTR { continue }
                if n <= 0 {
                    failure = n < 0 ? errno : EIO
                    return
                }
                done += n
            }
        }
        if failure != 0 { throw FileSystemError(path: "temporary file for \(path)", code: failure) }
    }
}
