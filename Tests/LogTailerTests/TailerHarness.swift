import LogTailer
import TraceTailCore

/// One line as a test sees it.
struct Emitted: Equatable, CustomStringConvertible {
    var fileName: String
    var text: String
    var number: Int
    var truncated = false
    var partial = false
    var path = ""
    var source: UInt32 = 0

    var description: String { "\(fileName)#\(number):\(text)\(truncated ? "[cut]" : "")\(partial ? "[partial]" : "")" }
}

/// A tailer on an in-memory file system with a test clock (1 s per poll by default).
struct TailerHarness {
    let fs = InMemoryFileSystem()
    var configuration: Tailer.Configuration
    var tailer: Tailer
    var now: Int64 = 0

    init(_ configuration: Tailer.Configuration) {
        self.configuration = configuration
        self.tailer = Tailer(configuration: configuration, fileSystem: fs)
    }

    init(paths: [String] = ["/logs"], startAt: Tailer.StartPosition = .beginning) {
        self.init(Tailer.Configuration(paths: paths, startAt: startAt))
    }

    /// Advances the clock and polls once.
    mutating func poll(advance: Int64 = 1_000_000_000) -> [Emitted] {
        now += advance
        var output: [TailedLines] = []
        tailer.poll(now: now, into: &output)
        return output.flatMap { group in
            group.lines.lines.indices.map { i in
                let line = group.lines.lines[i]
                return Emitted(
                    fileName: group.fileName, text: String(decoding: group.lines[i], as: UTF8.self),
                    number: line.number, truncated: line.truncated, partial: line.partial, path: group.path,
                    source: group.source.rawValue)
            }
        }
    }

    /// Texts of one poll.
    mutating func texts(advance: Int64 = 1_000_000_000) -> [String] { poll(advance: advance).map(\.text) }

    /// Stops (closing every descriptor) and starts a new tailer from `positions` (or the given checkpoint).
    mutating func restart(from checkpoint: [FilePosition]? = nil) {
        let positions = checkpoint ?? tailer.positions
        tailer.close()
        tailer = Tailer(configuration: configuration, fileSystem: fs, restoring: positions)
    }

    var counters: Tailer.Counters { tailer.counters }
}

func lines(_ range: ClosedRange<Int>, prefix: String = "L") -> String {
    range.map { "\(prefix)\($0)\n" }.joined()
}
