import Foundation
import PatternParser

/// Paths of the checkout the tests run in, found from this file's location.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Loghub's 2,000 nova lines beside the checkout (`../shared/data`), present in CI only.
    static let loghubLog = root.deletingLastPathComponent().appendingPathComponent(
        "shared/data/loghub/OpenStack_2k.log")
    static var hasLoghub: Bool { FileManager.default.isReadableFile(atPath: loghubLog.path) }

    /// The shipped pattern files, compiled.
    static func patterns() throws -> PatternSet {
        try PatternSet(sources: PatternSource.loadDirectory(path("patterns")))
    }

    /// A fresh empty directory under the system temp dir.
    static func temporaryDirectory(_ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tracetail-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}
