import Foundation

/// Turns the paths a user gives (files, directories, globs) into the list of files to read.
public enum SourceDiscovery {
    /// A path that matched nothing, or could not be read.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Expands `paths` in order: a directory contributes its `*.log` and `*.jsonl` files (not
    /// recursive, sorted by name); a glob its matches (sorted); a file itself. Duplicates are
    /// dropped, keeping the first occurrence.
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
                    let files = names.filter { $0.hasSuffix(".log") || $0.hasSuffix(".jsonl") }.sorted()
                    if files.isEmpty { throw Problem(path: path, message: "directory holds no *.log or *.jsonl files") }
                    for name in files { add((path as NSString).appendingPathComponent(name)) }
                } else {
                    add(path)
                }
            } else if path.contains(where: { "*?[".contains($0) }) {
                let matches = glob(path)
                if matches.isEmpty { throw Problem(path: path, message: "pattern matches no file") }
                for m in matches { add(m) }
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
