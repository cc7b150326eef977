import Foundation

/// Turns the paths a user gives (files, directories, globs) into the list of files to read.
public enum SourceDiscovery {
    /// A path that matched nothing, or could not be read.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Expands `paths` in order: a directory contributes its log files (not recursive; see
    /// `LogFileName`): `*.log`, `*.jsonl`, their rotated generations (`nova-api.log.1`,
    /// `nova-api.log.2.gz`, `nova-api.log-20261127[.gz]`) and Zuul's job logs (`screen-*.txt`,
    /// `*.log.txt`, gzipped or not); a glob its matches; a file itself. Directory and glob files
    /// are sorted by name with each file's generations oldest first (`nova-api.log.2.gz`,
    /// `nova-api.log.1`, `nova-api.log`). Duplicates are dropped, keeping the first occurrence.
    /// - Throws: `Problem` naming the first path that matches nothing.
    public static func expand(_ paths: [String]) throws(Problem) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        func add(_ p: String) {
            let canonical = URL(fileURLWithPath: p).standardizedFileURL.path
            if seen.insert(canonical).inserted { out.append(p) }
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    let names: [String]
                    do {
                        names = try FileManager.default.contentsOfDirectory(atPath: path)
                    } catch {
                        throw Problem(path: path, message: "cannot list directory: \(error.localizedDescription)")
                    }
                    let files = LogFileName.ordered(names.filter { LogFileName($0) != nil })
                    if files.isEmpty {
                        throw Problem(
                            path: path,
                            message:
                                "directory holds no log files (*.log, *.log.1, *.log.2.gz, *.log-20261127, *.jsonl, "
                                + "screen-*.txt, *.log.txt)")
                    }
                    for name in files { add((path as NSString).appendingPathComponent(name)) }
                } else {
                    add(path)
                }
            } else if path.contains(where: { "*?[".contains($0) }) {
                let matches = glob(path)
                if matches.isEmpty { throw Problem(path: path, message: "pattern matches no file") }
                for m in LogFileName.ordered(matches) { add(m) }
            } else {
                throw Problem(path: path, message: "no such file or directory")
            }
        }
        return out
    }

    /// POSIX glob(3), sorted matches of regular files.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }
}

/// A file name replay picks up from a directory, split into the live file it belongs to and
/// its generation (as logrotate names them).
struct LogFileName: Equatable {
    /// How old a generation is; the live file is the newest.
    enum Generation: Comparable {
        /// `-YYYYMMDD` (logrotate's dateext): older dates first.
        case dated(Int)
        /// `.N`: larger N is older.
        case numbered(Int)
        /// `.gz` with no number (`compress` without rotation numbers).
        case compressed
        /// The live file.
        case live

        static func < (a: Generation, b: Generation) -> Bool {
            switch (a, b) {
            case (.dated(let x), .dated(let y)): x < y
            case (.numbered(let x), .numbered(let y)): x > y
            default: a.rank < b.rank
            }
        }

        private var rank: Int {
            switch self {
            case .dated: 0
            case .numbered: 1
            case .compressed: 2
            case .live: 3
            }
        }
    }

    /// The live file's name (`nova-api.log` for `nova-api.log.2.gz`).
    var base: String
    var generation: Generation

    /// nil for names replay does not read from a directory.
    init?(_ path: String) {
        var name = (path as NSString).lastPathComponent
        var compressed = false
        if name.hasSuffix(".gz") {
            name.removeLast(3)
            compressed = true
        }
        // Zuul job logs: screen-n-cpu.txt, devstack@n-cpu.service.log.txt, keystone.log.txt.
        if name.hasSuffix(".txt") {
            guard name.hasPrefix("screen-") || name.hasSuffix(".log.txt") else { return nil }
            self.base = name
            self.generation = compressed ? .compressed : .live
            return
        }
        if Self.isLogName(name) {
            self.base = name
            self.generation = compressed ? .compressed : .live
            return
        }
        // nova-api.log.3[.gz]
        if let dot = name.lastIndex(of: "."), Self.isLogName(String(name[..<dot])) {
            let tail = name[name.index(after: dot)...]
            if !tail.isEmpty, tail.count <= 6, tail.allSatisfy(\.isASCIIDigit), let n = Int(tail) {
                self.base = String(name[..<dot])
                self.generation = .numbered(n)
                return
            }
        }
        // nova-api.log-20261127[.gz] (also -2026112712 for hourly rotation)
        if let dash = name.lastIndex(of: "-"), Self.isLogName(String(name[..<dash])) {
            let tail = name[name.index(after: dash)...]
            if (8...10).contains(tail.count), tail.allSatisfy(\.isASCIIDigit), let n = Int(tail) {
                self.base = String(name[..<dash])
                self.generation = .dated(n)
                return
            }
        }
        return nil
    }

    private static func isLogName(_ name: String) -> Bool {
        (name.hasSuffix(".log") && name.count > 4) || (name.hasSuffix(".jsonl") && name.count > 6)
    }

    /// `paths` by name, each live file's generations oldest first before it. Names that are no
    /// log file names keep their place by name.
    static func ordered(_ paths: [String]) -> [String] {
        func key(_ path: String) -> (String, String, Generation) {
            let directory = (path as NSString).deletingLastPathComponent
            guard let name = LogFileName(path) else { return (directory, (path as NSString).lastPathComponent, .live) }
            return (directory, name.base, name.generation)
        }
        return paths.map { (key($0), $0) }.sorted { a, b in
            if a.0.0 != b.0.0 { return a.0.0 < b.0.0 }
            if a.0.1 != b.0.1 { return a.0.1 < b.0.1 }
            if a.0.2 != b.0.2 { return a.0.2 < b.0.2 }
            return a.1 < b.1
        }.map(\.1)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
