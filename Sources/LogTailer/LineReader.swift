#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lines framed from a file: `bytes[lines[i].range]` is line `i` without its `\n` (and without
/// the `\r` of `\r\n`).
///
/// `bytes` is the chunk the reader read the lines into, shared rather than copied: framing a
/// line costs a `memchr` and a range, not a copy of its bytes. Events that keep a line keep
/// its chunk alive; the reader reads later data into a new chunk.
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
        /// True when the line had no `\n` yet and was handed out anyway (the tailer's partial-line
        /// timeout, or its file went away); the rest of it, if it ever comes, is a line of its own.
        public var partial: Bool = false
    }

    /// The chunk of the file the lines were framed in (it may hold bytes of no line of this
    /// batch: the ends of neighbouring batches, a partial line).
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

    /// Empties the batch and points it at `chunk` (shared, not copied).
    mutating func reset(chunk: [UInt8]) {
        bytes = chunk
        lines.removeAll(keepingCapacity: true)
    }

    mutating func append(_ range: Range<Int>, number: Int, offset: Int64, truncated: Bool, partial: Bool = false) {
        lines.append(Line(range: range, number: number, offset: offset, truncated: truncated, partial: partial))
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
    /// File bytes `[chunkOffset, chunkOffset + end)`; batches share it. Unconsumed data is
    /// `chunk[start..<end]`.
    private var chunk: [UInt8] = []
    private var chunkOffset: Int64
    private var start = 0
    private var end = 0
    /// `chunk[start..<scanned]` is known to hold no newline.
    private var scanned = 0
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
        self.chunkOffset = startOffset
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error(path) }
        if startOffset > 0, lseek(fd, off_t(startOffset), SEEK_SET) < 0 {
            let e = Self.error(path)
            close(fd)
            throw e
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// File offset of the first byte not yet returned as (part of) a line: a checkpoint position.
    public var nextOffset: Int64 { chunkOffset + Int64(start) }

    /// Replaces `batch`'s contents with up to `maxLines` further lines.
    ///
    /// A batch never spans two chunks, so it may hold fewer lines than `maxLines` before the
    /// end of the file.
    /// - Returns: false at end of file with no lines left.
    /// - Throws: `LineReaderError` when `read(2)` fails.
    public func next(into batch: inout LineBatch, maxLines: Int = 4096) throws(LineReaderError) -> Bool {
        batch.reset(chunk: chunk)
        // A file may have grown since the last end of file (follow mode).
        atEOF = false
        while batch.count < maxLines {
            if frameOne(into: &batch) { continue }
            // The batch's lines live in this chunk; more data goes to a new one next call.
            if !batch.isEmpty { break }
            if atEOF {
                if !skipping, start < end, emitsUnterminatedLastLine {
                    var lineEnd = end
                    if chunk[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                    emit(start..<lineEnd, into: &batch, cut: false)
                    start = end
                }
                if skipping, emitsUnterminatedLastLine { start = end }
                break
            }
            try refill()
            batch.reset(chunk: chunk)
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
        guard start < end else { return false }
        let hit: Int? = chunk.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            let from = max(scanned, start)
            guard from < end, let p = memchr(base + from, 0x0A, end - from) else { return nil }
            return base.distance(to: UnsafeRawPointer(p))
        }
        if skipping {
            // The tail of an over-long line: drop everything up to its newline.
            guard let newline = hit else {
                start = end
                scanned = end
                return false
            }
            start = newline + 1
            scanned = start
            skipping = false
            return true
        }
        if let newline = hit {
            var lineEnd = newline
            if lineEnd > start, chunk[lineEnd - 1] == 0x0D { lineEnd -= 1 }
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
        if cut { truncatedLines += 1 }
        batch.append(range, number: nextLineNumber, offset: chunkOffset + Int64(range.lowerBound), truncated: cut)
        nextLineNumber += 1
    }

    /// Starts a new chunk: the unconsumed tail of the old one (a partial line, at most
    /// `maxLineBytes` long) followed by one `read(2)` of up to `chunkSize` bytes.
    private func refill() throws(LineReaderError) {
        let pending = end - start
        var readError: Int32 = 0
        var got = 0
        let next = [UInt8](unsafeUninitializedCapacity: pending + chunkSize) { buffer, initialized in
            if pending > 0 {
                chunk.withUnsafeBytes { old in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: old[start..<end]))
                }
            }
            while true {
                let n = read(fd, buffer.baseAddress! + pending, chunkSize)
                if n < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                } else {
                    got = n
                }
                break
            }
            initialized = pending + got
        }
        if readError != 0 {
            errno = readError
            throw Self.error(path)
        }
        chunkOffset += Int64(start)
        scanned = max(0, scanned - start)
        start = 0
        end = next.count
        chunk = next
        if got == 0 { atEOF = true }
    }

    private static func error(_ path: String) -> LineReaderError {
        let code = errno
        return LineReaderError(path: path, code: code, message: String(cString: strerror(code)))
    }
}
