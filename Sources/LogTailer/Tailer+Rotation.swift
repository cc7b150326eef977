import TraceTailCore

extension Tailer {
    /// Matches discovered files against tracked ones by device + inode, checks each for truncation
    /// or rewrite, marks tracked files no longer at a watched path as draining, and returns the
    /// discovered files that are new.
    mutating func matchKnownFiles(
        _ candidates: [(path: String, status: FileStatus)], now: Int64, truncated: inout [TruncatedContent]
    ) -> [(path: String, status: FileStatus)] {
        var index: [FileIdentity: Int] = [:]
        for (i, file) in tracked.enumerated() { index[file.identity] = i }
        var byPath: [String: FileStatus] = [:]
        for candidate in candidates { byPath[candidate.path] = candidate.status }
        var seen = [Bool](repeating: false, count: tracked.count)
        var fresh: [(path: String, status: FileStatus)] = []
        var freshIdentities = Set<FileIdentity>()
        for (path, status) in candidates {
            let identity = FileIdentity(status)
            guard let i = index[identity] else {
                // A new file reachable under two names is opened once, under the first (sorted) one.
                if freshIdentities.insert(identity).inserted { fresh.append((path, status)) }
                continue
            }
            if seen[i] { continue }
            // The same file under a second watched name (symlink or hard link): followed once,
            // under the name it was first seen by.
            if tracked[i].path != path, let own = byPath[tracked[i].path], FileIdentity(own) == identity { continue }
            seen[i] = true
            tracked[i].path = path
            tracked[i].draining = false
            checkContent(i, status: status, now: now, truncated: &truncated)
        }
        for i in tracked.indices where !seen[i] {
            // A file away from its path can still be truncated or rewritten (rotated, then
            // copytruncated under its new name): checked through its descriptor.
            if let handle = tracked[i].handle, let status = fileSystem.status(of: handle) {
                checkContent(i, status: status, now: now, truncated: &truncated)
            }
            if !tracked[i].draining { startDraining(i) }
        }
        return fresh
    }

    /// Same inode, new content? Shrunk below what was read (truncation, copytruncate) or head no
    /// longer matching the fingerprint (rewrite in place, T06) ⇒ read it again from 0.
    mutating func checkContent(_ i: Int, status: FileStatus, now: Int64, truncated: inout [TruncatedContent]) {
        let previousSize = tracked[i].size
        tracked[i].size = status.size
        guard let handle = tracked[i].handle else { return }
        let file = tracked[i]
        let want = min(configuration.fingerprintBytes, Int(status.size))
        var head: [UInt8] = []
        var rewritten = status.size < file.readOffset
        if !rewritten {
            // A read error here is left to the read that follows, which reopens the file.
            head = (try? fileSystem.readFully(handle, at: 0, count: want)) ?? file.fingerprint
            rewritten = !FileIdentity.fingerprintsAgree(head, file.fingerprint)
        }
        guard rewritten else {
            if head.count > file.fingerprint.count { tracked[i].fingerprint = head }
            return
        }
        counters.truncations += 1
        truncated.append(
            TruncatedContent(
                source: file.source, path: file.path, fileName: file.fileName, fingerprint: file.fingerprint,
                cursor: file.cursor, pending: file.pending, unreadKnown: max(0, previousSize - file.readOffset)))
        tracked[i].cursor = LineFramer(
            offset: 0, nextLineNumber: 1, skipping: false, maxLineBytes: configuration.maxLineBytes)
        tracked[i].pending = []
        tracked[i].fingerprint = (try? fileSystem.readFully(handle, at: 0, count: want)) ?? []
        tracked[i].lastGrowth = now
        tracked[i].atEndSince = nil
    }

    /// The file left its watched path (renamed away, deleted, replaced): keep reading the open
    /// descriptor to its end, then release it `rotateWait` later.
    mutating func startDraining(_ i: Int) {
        tracked[i].draining = true
        // The wait starts when the drained file is next seen at its end, not at an earlier end.
        tracked[i].atEndSince = nil
        counters.rotations += 1
        if let renamed = locate(tracked[i].identity, in: Self.directory(of: tracked[i].path)) {
            tracked[i].path = renamed
        }
    }

    /// Content truncated this poll that no copy took over: its held partial line is handed out
    /// (it reached the disk) and bytes seen but not read are counted missed.
    mutating func settle(_ truncated: [TruncatedContent], into output: inout [TailedLines]) {
        for content in truncated where !content.adopted {
            counters.bytesMissed += content.unreadKnown
            guard !content.pending.isEmpty else { continue }
            var cursor = content.cursor
            var batch = LineBatch()
            batch.reset(chunk: content.pending)
            cursor.flushPartial(0..<content.pending.count, into: &batch)
            counters.partialLinesFlushed += 1
            counters.linesRead += 1
            output.append(
                TailedLines(source: content.source, path: content.path, fileName: content.fileName, lines: batch))
        }
    }

    /// Releases draining files that have sat at their end for `rotateWait`.
    mutating func releaseExpired(now: Int64, into output: inout [TailedLines]) {
        for i in tracked.indices.reversed() where tracked[i].draining {
            guard let since = tracked[i].atEndSince, now - since >= configuration.rotateWait else { continue }
            release(i, into: &output)
        }
    }

    /// Hands out a held partial line, counts what was never read as missed, closes the file and
    /// frees its source id.
    mutating func release(_ i: Int, into output: inout [TailedLines]) {
        var file = tracked.remove(at: i)
        if !file.pending.isEmpty {
            var batch = LineBatch()
            batch.reset(chunk: file.pending)
            file.cursor.flushPartial(0..<file.pending.count, into: &batch)
            file.pending = []
            counters.partialLinesFlushed += 1
            counters.linesRead += 1
            output.append(TailedLines(source: file.source, path: file.path, fileName: file.fileName, lines: batch))
        }
        let size = file.handle.flatMap { fileSystem.status(of: $0)?.size } ?? file.size
        counters.bytesMissed += max(0, size - file.cursor.offset)
        if let handle = file.handle { fileSystem.close(handle) }
        sourceIDs.release(file.source.rawValue)
        counters.filesReleased += 1
    }
}
