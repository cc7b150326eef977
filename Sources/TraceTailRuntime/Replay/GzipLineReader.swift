import CompressNIO
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lines of a gzip file (logrotate's `nova-api.log.2.gz`, Zuul's `screen-n-cpu.txt.gz`),
/// decompressed as they are read with zlib (through CompressNIO), framed like `LineReader`
/// frames a plain file: `\n` ends a line, a `\r` before it is dropped, lines longer than
/// `maxLineBytes` are cut and flagged (the rest skipped), an unterminated last line is a line.
/// Concatenated gzip members are read one after the other.
///
/// Damaged data never throws: the lines decoded before it are returned and `problem` says
/// what happened. Only a failing `open`/`read` throws.
final class GzipLineReader {
    struct Line {
        var range: Range<Int>
        var number: Int
        var truncated: Bool
    }

    let path: String
    let maxLineBytes: Int
    /// The decompressed chunk the current lines point into (events keep it alive).
    private(set) var chunk: [UInt8] = []
    /// The current batch.
    private(set) var lines: [Line] = []
    /// Compressed bytes read so far: progress against the file's size.
    private(set) var compressedOffset: Int64 = 0
    /// Why decoding stopped early (corrupt or cut-short data), if it did.
    var problem: String? {
        damage ?? (cutShort ? "\(path): gzip data ends early (truncated) after \(nextLineNumber - 1) lines" : nil)
    }
    /// Why decoding of damaged data stopped.
    private var damage: String?
    /// The data ended inside a member (see `noteTruncation`).
    private var cutShort = false

    private let fd: Int32
    private let inflater: ZlibDecompressor
    private var input = ByteBuffer()
    /// Decompressed bytes after the last framed line (a partial line).
    private var pending: [UInt8] = []
    private var nextLineNumber = 1
    private var skipping = false
    private var inputAtEOF = false
    private var finished = false
    /// Decompressed bytes of the current member, modulo 2³² (gzip's ISIZE).
    private var memberBytes: UInt32 = 0
    /// The last four compressed bytes read: at the end of the file, a whole member's ISIZE.
    private var lastFour: UInt32 = 0
    private let chunkBytes: Int

    /// Opens `path` (which must be gzip data: check with `ReplayFile.isGzip`).
    init(path: String, maxLineBytes: Int = 1 << 20, chunkBytes: Int = 1 << 20) throws(ReplayError) {
        self.path = path
        self.maxLineBytes = max(1, maxLineBytes)
        self.chunkBytes = max(4096, chunkBytes)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReplayError("\(path): \(String(cString: strerror(errno)))") }
        do {
            inflater = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            close(fd)
            throw ReplayError("\(path): cannot start gzip decompression: \(error)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Replaces `lines` (and `chunk`) with the next lines.
    /// - Returns: false at the end of the data with no lines left.
    func next() throws(ReplayError) -> Bool {
        lines.removeAll(keepingCapacity: true)
        while lines.isEmpty {
            if finished {
                guard !pending.isEmpty else { return false }
                chunk = pending
                pending = []
                if !skipping { emit(0..<lineEnd(chunk.count), cut: false) }
                skipping = false
                return !lines.isEmpty
            }
            var data = pending
            pending = []
            let before = data.count
            try inflate(into: &data, atLeast: chunkBytes)
            if data.count == before, !finished { continue }
            chunk = data
            frame()
        }
        return true
    }

    /// Frames the complete lines of `chunk`; what follows the last newline waits in `pending`.
    private func frame() {
        var start = 0
        let count = chunk.count
        while start < count {
            let newline: Int? = chunk.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, let p = memchr(base + start, 0x0A, count - start) else { return nil }
                return base.distance(to: UnsafeRawPointer(p))
            }
            guard let newline else { break }
            if skipping {
                skipping = false
            } else {
                let end = lineEnd(newline, from: start)
                let cut = end - start > maxLineBytes
                emit(start..<(cut ? start + maxLineBytes : end), cut: cut)
            }
            start = newline + 1
        }
        if start < count {
            if skipping {
                // Still inside an over-long line: drop its bytes.
            } else if count - start > maxLineBytes {
                emit(start..<(start + maxLineBytes), cut: true)
                skipping = true
            } else {
                pending = Array(chunk[start..<count])
            }
        }
    }

    /// The end of a line ending before `newline`, without its `\r`.
    private func lineEnd(_ newline: Int, from start: Int = 0) -> Int {
        newline > start && chunk[newline - 1] == 0x0D ? newline - 1 : newline
    }

    private func emit(_ range: Range<Int>, cut: Bool) {
        lines.append(Line(range: range, number: nextLineNumber, truncated: cut))
        nextLineNumber += 1
    }

    /// Appends at least `atLeast` decompressed bytes to `data`, or all that is left.
    private func inflate(into data: inout [UInt8], atLeast: Int) throws(ReplayError) {
        let target = data.count + atLeast
        while data.count < target, !finished {
            if input.readableBytes == 0 {
                try readInput()
                if input.readableBytes == 0 {
                    finished = true
                    noteTruncation()
                    break
                }
            }
            var output = ByteBufferAllocator().buffer(capacity: 256 * 1024)
            var ended = false
            let consumedBefore = input.readableBytes
            do {
                try inflater.inflate(from: &input, to: &output)
                // A normal return with input left over: this gzip member ended.
                ended = input.readableBytes > 0
            } catch let error as CompressNIOError {
                switch error {
                case .bufferOverflow: break  // output full: more to come
                case .inputBufferOverflow: break  // needs more input
                default:
                    damage = "\(path): gzip data is damaged after \(nextLineNumber - 1) lines (\(error))"
                    finished = true
                }
            } catch {
                damage = "\(path): gzip decompression failed: \(error)"
                finished = true
            }
            memberBytes &+= UInt32(truncatingIfNeeded: output.readableBytes)
            output.withUnsafeReadableBytes { data.append(contentsOf: $0) }
            if ended || (output.readableBytes == 0 && input.readableBytes == consumedBefore && consumedBefore > 0) {
                try startNextMember()
            }
        }
    }

    /// At the end of the file: a member whose ISIZE trailer (the last four bytes, the
    /// decompressed length modulo 2³²) disagrees with what was decompressed was cut short — a
    /// copy interrupted, a download stopped. zlib alone cannot tell: with all input consumed it
    /// answers the same whether or not the member ended.
    private func noteTruncation() {
        cutShort = damage == nil && compressedOffset > 0 && lastFour != memberBytes
    }

    /// After a member's end: another member follows (`1f 8b`), or the data is over (trailing
    /// padding is ignored).
    private func startNextMember() throws(ReplayError) {
        if input.readableBytes < 2 { try readInput() }
        let magic = input.readableBytesView.prefix(2)
        guard magic.elementsEqual([0x1F, 0x8B]) else {
            finished = true
            return
        }
        memberBytes = 0
        do {
            try inflater.reset()
        } catch {
            damage = "\(path): gzip decompression failed: \(error)"
            finished = true
        }
    }

    /// Reads up to 256 KiB of compressed data after what is buffered.
    private func readInput() throws(ReplayError) {
        guard !inputAtEOF else { return }
        input.discardReadBytes()
        var got = 0
        var failure: Int32 = 0
        input.writeWithUnsafeMutableBytes(minimumWritableBytes: 256 * 1024) { buffer in
            while true {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n < 0, errno == EINTR { continue }
                if n < 0 { failure = errno } else { got = n }
                return max(0, n)
            }
        }
        if failure != 0 { throw ReplayError("\(path): \(String(cString: strerror(failure)))") }
        for byte in input.readableBytesView.suffix(min(4, got)) { lastFour = lastFour >> 8 | UInt32(byte) << 24 }
        if got == 0 { inputAtEOF = true }
        compressedOffset += Int64(got)
    }
}

/// How replay opens a file: gzip (by its magic bytes, whatever its name) or plain.
enum ReplayFile {
    /// True when the file starts with gzip's magic bytes `1f 8b`.
    static func isGzip(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { read(fd, $0.baseAddress, 2) }
        return n == 2 && magic.0 == 0x1F && magic.1 == 0x8B
    }
}
