import TraceTailCore

extension Tailer {
    /// Opens a newly discovered file and decides where to start: its restored position (same
    /// identity, fingerprint and offset still valid), the position of content truncated this poll
    /// that it is a copy of (copytruncate), the end (`startAt: .end` on a fresh start), or 0.
    mutating func track(
        path: String, status: FileStatus, now: Int64, truncated: inout [TruncatedContent],
        output: inout [TailedLines]
    ) {
        guard makeRoom(into: &output) else {
            counters.openDeferred += 1
            return
        }
        let handle: FileHandleToken
        do {
            handle = try fileSystem.open(path: path)
        } catch {
            // Counted once per failing streak; the path is retried every poll.
            if unreadable.updateValue(error, forKey: path) == nil { counters.openErrors += 1 }
            return
        }
        unreadable[path] = nil
        guard let opened = fileSystem.status(of: handle), FileIdentity(opened) == FileIdentity(status) else {
            // Replaced between stat and open: the next poll sees the new file.
            fileSystem.close(handle)
            return
        }
        counters.filesOpened += 1
        let identity = FileIdentity(opened)
        let head =
            (try? fileSystem.readFully(handle, at: 0, count: min(configuration.fingerprintBytes, Int(opened.size))))
            ?? []
        var file = TrackedFile(
            source: SourceID(0), path: path, fileName: Self.baseName(path), identity: identity, handle: handle,
            fingerprint: head,
            cursor: LineFramer(offset: 0, nextLineNumber: 1, skipping: false, maxLineBytes: configuration.maxLineBytes),
            size: opened.size, lastGrowth: now)
        if let position = restoring.removeValue(forKey: identity) {
            if Self.resumable(position, head: head, size: opened.size) {
                resume(&file, at: position)
            } else {
                // Inode reuse or rewrite while stopped (T09, T12): this file is other content. The
                // checkpoint's content may still exist elsewhere — logrotate renamed and compressed
                // it and the new live file got its freed inode number — so the position stays for
                // `resumeRenamedWhileStopped` (later in this first poll), which finds it or drops it.
                if !hasPolled {
                    restoring[identity] = position
                } else {
                    counters.staleCheckpoints += 1
                    sourceIDs.release(position.source)
                }
                file.source = SourceID(sourceIDs.allocate())
            }
        } else if let k = truncated.firstIndex(where: { Self.isCopy(head: head, size: opened.size, of: $0) }) {
            // copytruncate with the copy inside the watched paths: the copy holds what was not yet
            // read of the truncated content; continue there instead of reading the copy from 0.
            truncated[k].adopted = true
            file.cursor = truncated[k].cursor
            file.fileName = truncated[k].fileName
            file.source = SourceID(sourceIDs.allocate())
        } else {
            file.source = SourceID(sourceIDs.allocate())
            if !hasPolled && !restored && startPosition(of: path) == .end { skipToEnd(&file) }
        }
        tracked.append(file)
    }

    /// A checkpoint still describes this file when its fingerprint agrees with the head and its
    /// offset is within the file.
    static func resumable(_ position: FilePosition, head: [UInt8], size: Int64) -> Bool {
        position.offset <= size && FileIdentity.fingerprintsAgree(position.fingerprint, head)
            && head.count >= min(position.fingerprint.count, Int(size))
    }

    /// A new file is the copy of truncated content when it starts with that content's whole
    /// fingerprint and reaches its read position. Empty fingerprints identify nothing (T13).
    static func isCopy(head: [UInt8], size: Int64, of content: TruncatedContent) -> Bool {
        !content.adopted && !content.fingerprint.isEmpty && head.count >= content.fingerprint.count
            && size >= content.cursor.offset && FileIdentity.fingerprintsAgree(head, content.fingerprint)
    }

    func resume(_ file: inout TrackedFile, at position: FilePosition) {
        file.source = SourceID(position.source)
        file.fileName = position.fileName
        file.cursor = LineFramer(
            offset: position.offset, nextLineNumber: position.nextLineNumber, skipping: position.skippingLongLine,
            maxLineBytes: configuration.maxLineBytes)
    }

    /// Restored positions whose file is no longer at a watched path: look for the inode in the
    /// position's directory (renamed while stopped, T08), or for a compressed generation holding
    /// its content (renamed and compressed while stopped), and drain it from its offset; then
    /// read the generations rotated after it that the tailer never saw. Others are dropped,
    /// except those whose path is unreadable now (kept until it can be opened).
    mutating func resumeRenamedWhileStopped(now: Int64, output: inout [TailedLines]) {
        for (identity, position) in restoring.sorted(by: { $0.value.source < $1.value.source }) {
            if unreadable[position.path] != nil { continue }
            restoring[identity] = nil
            let directory = Self.directory(of: position.path)
            let found: (file: TrackedFile, name: String)
            if let file = openRenamed(identity, position, now: now) {
                found = (file, Self.baseName(file.path))
            } else if let (file, generation) = openCompressedGeneration(position, now: now) {
                found = (file, generation.name)
            } else {
                counters.staleCheckpoints += 1
                sourceIDs.release(position.source)
                continue
            }
            counters.rotations += 1
            tracked.append(found.file)
            if let generation = GenerationName(found.name, of: position.fileName) {
                resumeNewerGenerations(
                    of: position.fileName, than: generation, in: directory, now: now, output: &output)
            }
        }
    }

    /// The file of a restored position under another name in its directory, open and positioned
    /// at the stored offset; nil when no entry there is that file with that content.
    private mutating func openRenamed(_ identity: FileIdentity, _ position: FilePosition, now: Int64) -> TrackedFile? {
        guard let path = locate(identity, in: Self.directory(of: position.path)),
            let handle = try? fileSystem.open(path: path)
        else { return nil }
        guard let status = fileSystem.status(of: handle), FileIdentity(status) == identity else {
            fileSystem.close(handle)
            return nil
        }
        let want = min(configuration.fingerprintBytes, Int(status.size))
        let head = (try? fileSystem.readFully(handle, at: 0, count: want)) ?? []
        // Outside the watched paths only evidence counts: an empty fingerprint (the file was
        // empty) would let a reused inode number pass for the file (T13).
        guard !position.fingerprint.isEmpty, Self.resumable(position, head: head, size: status.size) else {
            // Not a watched file, and not the content the checkpoint was about: leave it alone.
            fileSystem.close(handle)
            return nil
        }
        counters.filesOpened += 1
        var file = TrackedFile(
            source: SourceID(position.source), path: path, fileName: position.fileName, identity: identity,
            handle: handle, fingerprint: head,
            cursor: LineFramer(offset: 0, nextLineNumber: 1, skipping: false, maxLineBytes: configuration.maxLineBytes),
            size: status.size, draining: true, lastGrowth: now)
        resume(&file, at: position)
        return file
    }

    /// Starts after the last complete line, numbering lines as if the skipped ones had been read.
    func skipToEnd(_ file: inout TrackedFile) {
        guard let handle = file.handle else { return }
        var offset: Int64 = 0
        var lines = 0
        var lastLineStart: Int64 = 0
        let step = 1 << 20
        while offset < file.size {
            guard
                let chunk = try? fileSystem.readFully(
                    handle, at: offset, count: Int(min(Int64(step), file.size - offset))),
                !chunk.isEmpty
            else { break }
            for (i, byte) in chunk.enumerated() where byte == 0x0A {
                lines += 1
                lastLineStart = offset + Int64(i) + 1
            }
            offset += Int64(chunk.count)
        }
        file.cursor.offset = lastLineStart
        file.cursor.nextLineNumber = lines + 1
    }

    /// True when a descriptor is free, releasing the draining file with the least left to read
    /// early when all `maxOpenFiles` are in use (its unread bytes count as missed).
    mutating func makeRoom(into output: inout [TailedLines]) -> Bool {
        let open = tracked.reduce(0) { $0 + ($1.handle == nil ? 0 : 1) }
        if open < configuration.maxOpenFiles { return true }
        guard
            let victim = tracked.indices.filter({ tracked[$0].draining }).min(by: {
                tracked[$0].size - tracked[$0].readOffset < tracked[$1].size - tracked[$1].readOffset
            })
        else { return false }
        release(victim, into: &output)
        return true
    }

    /// Files whose handle failed: reopen by path when it is still the same file, else release them.
    mutating func reopenLostHandles(into output: inout [TailedLines]) {
        for i in tracked.indices.reversed() where tracked[i].handle == nil {
            if !reopen(i) { release(i, into: &output) }
        }
    }

    /// Opens the file's path again and keeps the descriptor when it is still the same inode.
    mutating func reopen(_ i: Int) -> Bool {
        guard let handle = try? fileSystem.open(path: tracked[i].path) else { return false }
        guard let status = fileSystem.status(of: handle), FileIdentity(status) == tracked[i].identity else {
            fileSystem.close(handle)
            return false
        }
        tracked[i].handle = handle
        return true
    }
}
