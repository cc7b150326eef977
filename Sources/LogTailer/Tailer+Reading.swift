extension Tailer {
    /// Reads what file `i` holds past its read offset (at most `maxReadBytesPerPoll`), frames the
    /// complete lines into `output`, keeps an unterminated last line for later and hands it out
    /// flagged partial once the file has not grown for `partialLineTimeout`.
    mutating func read(_ i: Int, now: Int64, into output: inout [TailedLines]) {
        guard let handle = tracked[i].handle else { return }
        guard let status = fileSystem.status(of: handle) else {
            readFailed(i)
            return
        }
        tracked[i].size = status.size
        let readFrom = tracked[i].readOffset
        let want = Int(min(Int64(configuration.maxReadBytesPerPoll), max(0, status.size - readFrom)))
        var fresh: [UInt8] = []
        if want > 0 {
            do {
                fresh = try fileSystem.readFully(handle, at: readFrom, count: want)
            } catch {
                readFailed(i)
                return
            }
        }
        if !fresh.isEmpty {
            tracked[i].lastGrowth = now
            tracked[i].atEndSince = nil
            counters.bytesRead += Int64(fresh.count)
        }
        if readFrom + Int64(fresh.count) >= status.size, tracked[i].atEndSince == nil { tracked[i].atEndSince = now }
        let pending = tracked[i].pending
        if fresh.isEmpty && pending.isEmpty { return }
        let chunk = pending.isEmpty ? fresh : (fresh.isEmpty ? pending : pending + fresh)
        var batch = LineBatch()
        batch.reset(chunk: chunk)
        var cursor = tracked[i].cursor
        let before = (cursor.truncatedLines, cursor.nulBytesSkipped)
        let rest = cursor.frame(chunk, into: &batch)
        var keep = rest..<chunk.count
        if !keep.isEmpty, now - tracked[i].lastGrowth >= configuration.partialLineTimeout {
            cursor.flushPartial(keep, into: &batch)
            counters.partialLinesFlushed += 1
            keep = chunk.count..<chunk.count
        }
        counters.truncatedLines += cursor.truncatedLines - before.0
        counters.nulBytesSkipped += cursor.nulBytesSkipped - before.1
        tracked[i].cursor = cursor
        tracked[i].pending = keep.count == pending.count && fresh.isEmpty ? pending : Array(chunk[keep])
        guard !batch.isEmpty else { return }
        tracked[i].linesRead += batch.count
        counters.linesRead += batch.count
        let file = tracked[i]
        output.append(TailedLines(source: file.source, path: file.path, fileName: file.fileName, lines: batch))
    }

    /// A read or fstat failed (`ESTALE` on NFS, …): close, and reopen by path when it is still the
    /// same file; otherwise the next poll releases it.
    mutating func readFailed(_ i: Int) {
        counters.readErrors += 1
        if let handle = tracked[i].handle { fileSystem.close(handle) }
        tracked[i].handle = nil
        _ = reopen(i)
    }
}
