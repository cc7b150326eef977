#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Frames lines of a followed file chunk by chunk, carrying what spans chunks: the file offset of
/// the first byte not handed out, the next line number and whether it is inside the skipped rest
/// of an over-long line. Pure (no I/O), so the tailer's byte accounting is tested apart from files.
struct LineFramer: Sendable {
    /// File offset of the first byte not yet handed out (or skipped).
    var offset: Int64
    /// Number the next line gets.
    var nextLineNumber: Int
    /// Inside the rest of an over-long line: bytes up to its newline are dropped.
    var skipping: Bool
    let maxLineBytes: Int
    private(set) var truncatedLines = 0
    private(set) var nulBytesSkipped: Int64 = 0

    init(offset: Int64, nextLineNumber: Int, skipping: Bool, maxLineBytes: Int) {
        self.offset = offset
        self.nextLineNumber = nextLineNumber
        self.skipping = skipping
        self.maxLineBytes = maxLineBytes
    }

    /// Frames every complete line of `chunk` (file bytes from `offset`) into `batch`, which must
    /// already point at `chunk`.
    /// - Returns: index of the first byte of an unterminated last line (`chunk.count` when none);
    ///   those bytes are not consumed and must lead the next chunk.
    mutating func frame(_ chunk: [UInt8], into batch: inout LineBatch) -> Int {
        var pos = 0
        let end = chunk.count
        chunk.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            while pos < end {
                if skipping {
                    guard let nl = memchr(base + pos, 0x0A, end - pos) else {
                        offset += Int64(end - pos)
                        pos = end
                        return
                    }
                    let next = base.distance(to: UnsafeRawPointer(nl)) + 1
                    offset += Int64(next - pos)
                    pos = next
                    skipping = false
                    continue
                }
                // A NUL run where a line would start is the hole a writer without O_APPEND leaves
                // after copytruncate (T04): skipped, never a giant line.
                var nuls = 0
                while pos + nuls < end, raw[pos + nuls] == 0 { nuls += 1 }
                if nuls > 0 {
                    nulBytesSkipped += Int64(nuls)
                    offset += Int64(nuls)
                    pos += nuls
                    continue
                }
                guard let nl = memchr(base + pos, 0x0A, end - pos) else {
                    if end - pos > maxLineBytes {
                        // No newline within the limit: hand out the head now, skip the rest.
                        emit(pos..<cut(raw, pos), into: &batch, truncated: true)
                        offset += Int64(end - pos)
                        pos = end
                        skipping = true
                    }
                    return
                }
                let newline = base.distance(to: UnsafeRawPointer(nl))
                var lineEnd = newline
                if lineEnd > pos, raw[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                if lineEnd - pos > maxLineBytes {
                    emit(pos..<cut(raw, pos), into: &batch, truncated: true)
                } else {
                    emit(pos..<lineEnd, into: &batch, truncated: false)
                }
                offset += Int64(newline + 1 - pos)
                pos = newline + 1
            }
        }
        return pos
    }

    /// Hands out `chunk[range]`, an unterminated line, flagged partial.
    mutating func flushPartial(_ range: Range<Int>, into batch: inout LineBatch) {
        guard !range.isEmpty else { return }
        batch.append(range, number: nextLineNumber, offset: offset, truncated: false, partial: true)
        nextLineNumber += 1
        offset += Int64(range.count)
    }

    /// End of the first `maxLineBytes` bytes from `start`, moved back so no UTF-8 sequence is split.
    private func cut(_ raw: UnsafeRawBufferPointer, _ start: Int) -> Int {
        var end = start + maxLineBytes
        var steps = 0
        // A continuation byte (10xxxxxx) at the cut means a character straddles it.
        while end > start, steps < 3, raw[end] & 0xC0 == 0x80 {
            end -= 1
            steps += 1
        }
        return end
    }

    private mutating func emit(_ range: Range<Int>, into batch: inout LineBatch, truncated: Bool) {
        if truncated { truncatedLines += 1 }
        batch.append(range, number: nextLineNumber, offset: offset, truncated: truncated)
        nextLineNumber += 1
    }
}
