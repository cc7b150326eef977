import Foundation
import PatternParser
import TraceTailCore

/// Paths and helpers shared by the parser tests.
enum Fixtures {
    /// The repository root, found from this file's path.
    static let repoRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static var patternsDirectory: String { repoRoot + "/patterns" }
    /// Loghub's OpenStack sample lives beside the repository (in CI too).
    static var loghubDirectory: String { repoRoot + "/../shared/data/loghub" }
    /// True when the Loghub data beside the checkout is there (it is in CI; a plain clone has
    /// no `../shared`, and the tests that need it are then skipped with a message).
    static var hasLoghub: Bool { access(loghubDirectory + "/OpenStack_2k.log", R_OK) == 0 }

    static let shipped: PatternSet = {
        do {
            return try PatternSet(sources: PatternSource.loadDirectory(patternsDirectory))
        } catch {
            fatalError("shipped patterns do not compile: \(error)")
        }
    }()

    static func osloParser() throws -> LineParser { try LineParser(format: .oslo, patterns: shipped) }

    /// A field of an event as text.
    static func text(_ event: LogEvent, _ range: ByteRange?) -> String? { event.text(range) }
}

extension LineParser {
    /// Parses a string line (tests only).
    mutating func parse(_ line: String, lineID: Int = 1) -> LogEvent {
        parse(ArraySlice(Array(line.utf8)), source: SourceID(0), lineID: lineID)
    }
}
