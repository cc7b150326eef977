#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lines framed from a file, copied into one buffer: `bytes[lines[i].range]` is line `i`
/// without its `\n` (and without the `\r` of `\r\n`). Reuse one batch across `next(into:)`
/// calls; its storage is kept unless an event still references it (value semantics).
public struct LineBatch: Sendable {
    /// Where one line sits, in the batch and in its file.
    public struct Line: Sendable, Hashable {
        /// The line's bytes within `LineBatch.bytes`.
        public var range: Range<Int>
        /// 1-based line number in the file.
        public var number: Int
        /// Byte offset of the line's first byte in the file.
        public var offset: Int64
        /// True when the line was longer than `maxLineBytes` and was cut.
        public var truncated: Bool
    }

    /// Bytes of all lines, back to back.
    public private(set) var bytes: [UInt8] = []
    /// The lines, in file order.
    public private(set) var lines: [Line] = []

    public init() {}

    /// Number of lines.
    public var count: Int { lines.count }
    /// True when there are no lines.
    public var isEmpty: Bool { lines.isEmpty }

    /// The bytes of line `index`.
    public subscript(index: Int) -> ArraySlice<UInt8> { bytes[lines[index].range] }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
    }

    mutating func append(_ source: UnsafeRawBufferPointer, number: Int, offset: Int64, truncated: Bool) {
        let start = bytes.count
        bytes.append(contentsOf: source)
        lines.append(Line(range: start..<bytes.count, number: number, offset: offset, truncated: truncated))
    }
}

/// Why a file could not be read.
public struct LineReaderError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// `errno` of the failing call.
    public var code: Int32
    /// `strerror` text.
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Reads a file with `read(2)` in large chunks and frames lines with `memchr`, never building a
/// `String` per line. Lines longer than `maxLineBytes` are cut there and flagged; the rest of such
/// a line is skipped (it never becomes new lines). An unterminated last line is a line.
///
/// Pull-style, so several readers can be merged by timestamp (replay): call `next(into:)`
/// until it returns false. Owns a file descriptor, closed on deinit.
public final class LineReader {
    /// The file being read.
    public let path: String
    /// Longest line kept, in bytes.
    public let maxLineBytes: Int
    /// When false, a last line without `\n` is left unread (follow mode waits for its newline).
    public var emitsUnterminatedLastLine = true
    /// Lines cut at `maxLineBytes` so far.
    public private(set) var truncatedLines = 0
    /// Number the next line will get.
    public private(set) var nextLineNumber: Int

    private let fd: Int32
    private let chunkSize: Int
    private let buffer: UnsafeMutableRawBufferPointer
    /// Unconsumed data is `buffer[start..<end]`; `buffer[0]` is at file offset `bufferOffset`.
    private var start = 0
    private var end = 0
    private var scanned = 0
    private var bufferOffset: Int64
    private var skipping = false
    private var atEOF = false

    /// Opens `path`.
    /// - Parameters:
    ///   - maxLineBytes: longer lines are cut (DESIGN `max_line_bytes`). Default 1 MiB.
    ///   - chunkSize: bytes per `read(2)`. Default 1 MiB.
    ///   - startOffset: where to start (a checkpoint offset; must be a line start). Default 0.
    ///   - firstLineNumber: the number of the line at `startOffset`. Default 1.
    /// - Throws: `LineReaderError` when the file cannot be opened.
    public init(
        path: String, maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20, startOffset: Int64 = 0,
        firstLineNumber: Int = 1
    ) throws(LineReaderError) {
        self.path = path
        self.maxLineBytes = max(1, maxLineBytes)
        self.chunkSize = max(4096, chunkSize)
        self.nextLineNumber = firstLineNumber
        self.bufferOffset = startOffset
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error(path) }
        if startOffset > 0, lseek(fd, off_t(startOffset), SEEK_SET) < 0 {
            let e = Self.error(path)
            close(fd)
            throw e
        }
        self.fd = fd
        // Room for one maximal partial line plus a full chunk after compaction.
        self.buffer = .allocate(byteCount: self.maxLineBytes + self.chunkSize, alignment: 16)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// File offset of the first byte not yet returned as (part of) a line: a checkpoint position.
    public var nextOffset: Int64 { bufferOffset + Int64(start) }

    /// Replaces `batch`'s contents with up to `maxLines` further lines.
    /// - Returns: false at end of file with no lines left.
    /// - Throws: `LineReaderError` when `read(2)` fails.
    public func next(into batch: inout LineBatch, maxLines: Int = 4096) throws(LineReaderError) -> Bool {
        batch.reset()
        // A file may have grown since the last end of file (follow mode).
        atEOF = false
        while batch.count < maxLines {
            if frameOne(into: &batch) { continue }
            if atEOF {
                if !skipping, start < end, emitsUnterminatedLastLine { emit(start..<end, into: &batch, cut: false) }
                if !skipping, emitsUnterminatedLastLine { start = end }
                break
            }
            // Do not block for more input when a batch is ready and data is exhausted.
            try fill()
        }
        return !batch.isEmpty
    }

    /// Calls `body` with every remaining line.
    public func forEachLine(_ body: (ArraySlice<UInt8>, LineBatch.Line) throws -> Void) throws {
        var batch = LineBatch()
        while try next(into: &batch) {
            for (i, line) in batch.lines.enumerated() { try body(batch[i], line) }
        }
    }

    /// Frames one line from buffered data; false when more data is needed.
    private func frameOne(into batch: inout LineBatch) -> Bool {
        let base = UnsafeRawPointer(buffer.baseAddress!)
        if skipping {
            // The tail of an over-long line: drop everything up to its newline.
            if let hit = memchr(base + start, 0x0A, end - start) {
                start = base.distance(to: UnsafeRawPointer(hit)) + 1
                skipping = false
                scanned = start
                return true
            }
            start = end
            scanned = end
            return false
        }
        let from = max(scanned, start)
        if from < end, let hit = memchr(base + from, 0x0A, end - from) {
            let newline = base.distance(to: UnsafeRawPointer(hit))
            var lineEnd = newline
            if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let cut = lineEnd - start > maxLineBytes
            emit(start..<(cut ? start + maxLineBytes : lineEnd), into: &batch, cut: cut)
            start = newline + 1
            scanned = start
            return true
        }
        scanned = end
        if end - start > maxLineBytes {
            emit(start..<(start + maxLineBytes), into: &batch, cut: true)
            skipping = true
            start = end
            scanned = end
            return true
        }
        return false
    }

    private func emit(_ range: Range<Int>, into batch: inout LineBatch, cut: Bool) {
        var r = range
        if !cut, r.upperBound > r.lowerBound, buffer[r.upperBound - 1] == 0x0D { r = r.lowerBound..<(r.upperBound - 1) }
        if cut { truncatedLines += 1 }
        batch.append(
            UnsafeRawBufferPointer(rebasing: buffer[r]), number: nextLineNumber,
            offset: bufferOffset + Int64(range.lowerBound), truncated: cut)
        nextLineNumber += 1
    }

    private func fill() throws(LineReaderError) {
        if start > 0 && buffer.count - end < chunkSize {
            let pending = end - start
            if pending > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, pending) }
            bufferOffset += Int64(start)
            scanned -= start
            start = 0
            end = pending
        }
        let space = min(chunkSize, buffer.count - end)
        while true {
            let n = read(fd, buffer.baseAddress! + end, space)
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.error(path)
            }
            if n == 0 { atEOF = true }
            end += n
            return
        }
    }

    private static func error(_ path: String) -> LineReaderError {
        let code = errno
        return LineReaderError(path: path, code: code, message: String(cString: strerror(code)))
    }
}
