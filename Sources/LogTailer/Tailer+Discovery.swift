extension Tailer {
    /// The regular files the configuration matches now, by path (symlinks followed), sorted and unique.
    func discover() -> [(path: String, status: FileStatus)] {
        var found: [String: FileStatus] = [:]
        for entry in configuration.paths {
            let name = Self.baseName(entry)
            if GlobPattern.isPattern(name) {
                let directory = Self.directory(of: entry)
                let pattern = GlobPattern(name)
                for child in fileSystem.list(directory: directory) ?? [] where pattern.matches(child) {
                    addFile(Self.join(directory, child), to: &found)
                }
            } else if let status = fileSystem.status(path: entry), status.isDirectory {
                for child in fileSystem.list(directory: entry) ?? []
                where child.hasSuffix(".log") || child.hasSuffix(".jsonl") {
                    addFile(Self.join(entry, child), to: &found)
                }
            } else {
                addFile(entry, to: &found)
            }
        }
        return found.sorted { $0.key < $1.key }.map { (path: $0.key, status: $0.value) }
    }

    /// Where a file without a checkpoint starts: the `startAtByPath` of the first `paths`
    /// entry that matches it (the entry discovery found it through), else `startAt`.
    func startPosition(of path: String) -> StartPosition {
        let directory = Self.directory(of: path)
        let name = Self.baseName(path)
        for entry in configuration.paths {
            let entryName = Self.baseName(entry)
            let matches: Bool
            if GlobPattern.isPattern(entryName) {
                matches = Self.directory(of: entry) == directory && GlobPattern(entryName).matches(name)
            } else {
                matches = entry == path || entry == directory
            }
            if matches { return configuration.startAtByPath[entry] ?? configuration.startAt }
        }
        return configuration.startAt
    }

    private func addFile(_ path: String, to found: inout [String: FileStatus]) {
        // A compressed generation matched by a wide glob (`nova-api.log*`) is no live file: its
        // bytes are gzip, never appended to. Only a restart reads one, through decompression,
        // when it holds content the checkpoint was about.
        guard !path.hasSuffix(".gz"), found[path] == nil, let status = fileSystem.status(path: path),
            status.isRegularFile
        else { return }
        found[path] = status
    }

    /// Finds the entry of `directory` that is the file `identity` (a file renamed out of the watched
    /// paths, T08). Costs a stat per entry, so it runs once per lost file, not per poll.
    func locate(_ identity: FileIdentity, in directory: String) -> String? {
        for name in fileSystem.list(directory: directory) ?? [] {
            let path = Self.join(directory, name)
            if let status = fileSystem.status(path: path), status.isRegularFile, FileIdentity(status) == identity {
                return path
            }
        }
        return nil
    }
}
