import TraceTailCore

/// A rotated generation's name: `nova-api.log.2[.gz]` or `nova-api.log-20261127[.gz]`.
struct GenerationName: Sendable, Equatable {
    /// The directory entry.
    var name: String
    /// Ends in `.gz`: read through `FileSystem.openDecompressed`.
    var compressed: Bool
    /// Smaller is newer: `N` for `.N`, minus the date's digits for `-YYYYMMDD…`.
    var age: Int

    /// Parses `name` as a generation of `base` (`nova-api.log`); nil for anything else.
    init?(_ name: String, of base: String) {
        guard name.count > base.count, name.hasPrefix(base) else { return nil }
        var rest = Substring(name.dropFirst(base.count))
        compressed = rest.hasSuffix(".gz")
        if compressed { rest = rest.dropLast(3) }
        guard let mark = rest.first, mark == "." || mark == "-" else { return nil }
        let digits = rest.dropFirst().filter { $0 != "-" }
        guard !digits.isEmpty, digits.count <= 16, digits.allSatisfy(\.isASCII), let n = Int(digits) else {
            return nil
        }
        self.name = name
        age = mark == "." ? n : -n
    }
}

extension Tailer {
    /// The generations of `base` in `directory`, newest first.
    func generations(of base: String, in directory: String) -> [GenerationName] {
        (fileSystem.list(directory: directory) ?? []).compactMap { GenerationName($0, of: base) }
            .sorted { $0.age < $1.age || ($0.age == $1.age && $0.name < $1.name) }
    }

    /// A restored position whose file is gone, looked for among its compressed generations (logrotate
    /// renamed it and compressed it while the tailer was stopped, so its inode is gone too): the
    /// generation whose decompressed head carries the position's fingerprint and reaches its offset.
    /// Newest first, stopping at the first match, so at most a few generations are decompressed.
    mutating func openCompressedGeneration(_ position: FilePosition, now: Int64) -> (TrackedFile, GenerationName)? {
        // Outside the watched paths only evidence counts (see `resumeRenamedWhileStopped`).
        guard !position.fingerprint.isEmpty else { return nil }
        let directory = Self.directory(of: position.path)
        for generation in generations(of: position.fileName, in: directory) where generation.compressed {
            let path = Self.join(directory, generation.name)
            guard let (handle, status, head) = openDecompressed(path) else { continue }
            guard Self.resumable(position, head: head, size: status.size) else {
                fileSystem.close(handle)
                continue
            }
            var file = TrackedFile(
                source: SourceID(position.source), path: path, fileName: position.fileName,
                identity: FileIdentity(status), handle: handle, fingerprint: head,
                cursor: LineFramer(
                    offset: 0, nextLineNumber: 1, skipping: false, maxLineBytes: configuration.maxLineBytes),
                size: status.size, draining: true, lastGrowth: now)
            resume(&file, at: position)
            counters.filesOpened += 1
            counters.compressedGenerationsRead += 1
            return (file, generation)
        }
        return nil
    }

    /// After the file of a restored position was found as generation `found` of `base`: the newer
    /// generations are files that were rotated while the tailer was stopped without it ever seeing
    /// them (two rotations or more while down). They are read whole, oldest first and before the
    /// live file, so nothing written during the outage is skipped. Files that other restored
    /// positions or tracked files already stand for are left to them.
    mutating func resumeNewerGenerations(
        of base: String, than found: GenerationName, in directory: String, now: Int64,
        output: inout [TailedLines]
    ) {
        let newer = generations(of: base, in: directory).filter { $0.age < found.age }
        for generation in newer.reversed() {
            let path = Self.join(directory, generation.name)
            let opened: (FileHandleToken, FileStatus, [UInt8])?
            if generation.compressed {
                opened = openDecompressed(path)
            } else {
                opened = openPlain(path)
            }
            guard let (handle, status, head) = opened else { continue }
            let identity = FileIdentity(status)
            let known =
                tracked.contains { $0.identity == identity || Self.sameContent($0.fingerprint, head) }
                || restoring.contains { $0.key == identity || Self.sameContent($0.value.fingerprint, head) }
            if known || !makeRoom(into: &output) {
                fileSystem.close(handle)
                continue
            }
            counters.filesOpened += 1
            counters.rotations += 1
            if generation.compressed { counters.compressedGenerationsRead += 1 }
            tracked.append(
                TrackedFile(
                    source: SourceID(sourceIDs.allocate()), path: path, fileName: base, identity: identity,
                    handle: handle, fingerprint: head,
                    cursor: LineFramer(
                        offset: 0, nextLineNumber: 1, skipping: false, maxLineBytes: configuration.maxLineBytes),
                    size: status.size, draining: true, lastGrowth: now))
        }
    }

    /// Two non-empty heads that agree: the same content (an empty one proves nothing).
    static func sameContent(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        !a.isEmpty && !b.isEmpty && FileIdentity.fingerprintsAgree(a, b)
    }

    private func openDecompressed(_ path: String) -> (FileHandleToken, FileStatus, [UInt8])? {
        guard let handle = try? fileSystem.openDecompressed(path: path) else { return nil }
        return describe(handle)
    }

    private func openPlain(_ path: String) -> (FileHandleToken, FileStatus, [UInt8])? {
        guard let handle = try? fileSystem.open(path: path) else { return nil }
        return describe(handle)
    }

    /// Status and head of an open file; closes it and returns nil when it cannot be read.
    private func describe(_ handle: FileHandleToken) -> (FileHandleToken, FileStatus, [UInt8])? {
        guard let status = fileSystem.status(of: handle), status.isRegularFile else {
            fileSystem.close(handle)
            return nil
        }
        let want = min(configuration.fingerprintBytes, Int(status.size))
        guard let head = try? fileSystem.readFully(handle, at: 0, count: want) else {
            fileSystem.close(handle)
            return nil
        }
        return (handle, status, head)
    }
}
