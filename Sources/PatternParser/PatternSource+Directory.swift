#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a pattern directory could not be read.
public struct PatternLoadError: Error, Sendable, CustomStringConvertible {
    /// The path that failed.
    public var path: String
    /// What went wrong (`strerror` text or "no *.grok files").
    public var message: String
    public var description: String { "\(path): \(message)" }
}

extension PatternSource {
    /// Reads every `*.grok` file of a directory, sorted by file name (the order rules are tried in).
    ///
    /// This is the one piece of file I/O in PatternParser: a start-up helper for the CLI and the
    /// runtime, kept beside the types it produces; the parsing stages never call it.
    /// - Throws: `PatternLoadError` when the directory or a file cannot be read, or holds no `.grok` file.
    public static func loadDirectory(_ path: String) throws(PatternLoadError) -> [PatternSource] {
        guard let dir = opendir(path) else {
            throw PatternLoadError(path: path, message: String(cString: strerror(errno)))
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".grok"), !name.hasPrefix(".") { names.append(name) }
        }
        closedir(dir)
        guard !names.isEmpty else { throw PatternLoadError(path: path, message: "no *.grok files") }
        let base = path.hasSuffix("/") ? path : path + "/"
        var sources: [PatternSource] = []
        for name in names.sorted() {
            let file = base + name
            sources.append(PatternSource(name: file, text: try readFile(file)))
        }
        return sources
    }

    /// Reads a whole file as UTF-8 text.
    public static func readFile(_ path: String) throws(PatternLoadError) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw PatternLoadError(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PatternLoadError(path: path, message: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
