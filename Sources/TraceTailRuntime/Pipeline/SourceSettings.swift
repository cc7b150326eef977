import Foundation
import TraceTailCore

/// Which `sources:` entry a file belongs to (replay and run alike): the first entry whose path is the file,
/// the file's directory, or a glob the file matches (fnmatch, `*` not crossing `/`).
enum SourceSettings {
    static func match(_ path: String, in sources: [TraceTailConfiguration.Source]) -> TraceTailConfiguration.Source? {
        let file = URL(fileURLWithPath: path).standardizedFileURL.path
        let directory = (file as NSString).deletingLastPathComponent
        for source in sources {
            let pattern = URL(fileURLWithPath: source.path).standardizedFileURL.path
            if pattern == file || pattern == directory { return source }
            if source.path.contains(where: { "*?[".contains($0) }), fnmatch(pattern, file, FNM_PATHNAME) == 0 {
                return source
            }
        }
        return nil
    }
}
