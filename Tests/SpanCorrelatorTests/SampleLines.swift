import Foundation
import SpanCorrelator
import TraceTailCore

/// The shipped `samples/*.log` as `LogEvent`s, without the pattern parser (this test target
/// does not depend on it): a splitter for the simulator's oslo lines that fills the fields the
/// correlator reads, merged by time across files like `replay` (ties: file order, then line).
enum SampleLines {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func load() throws -> (events: [LogEvent], sources: [SourceID: SpanCorrelator.Source]) {
        let directory = root.appendingPathComponent("samples")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".log") }.sorted()
        var sources: [SourceID: SpanCorrelator.Source] = [:]
        var all: [(time: Int64, file: Int, line: Int, event: LogEvent)] = []
        for (index, file) in files.enumerated() {
            sources[SourceID(UInt32(index))] = .init(fileName: file)
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            var previous: Int64 = 0
            for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !raw.isEmpty {
                let event = parse(String(raw), source: UInt32(index), lineID: number + 1)
                previous = event.timestamp?.nanoseconds ?? previous
                all.append((previous, index, number + 1, event))
            }
        }
        all.sort { ($0.time, $0.file, $0.line) < ($1.time, $1.file, $1.line) }
        return (all.map(\.event), sources)
    }

    /// `DATE TIME PID LEVEL COMPONENT [CONTEXT] [instance: X] MESSAGE`, with the HTTP fields of
    /// nova/neutron (`"GET /p" status: 200 len: 1 time: 0.1`) and eventlet (`"GET /p HTTP/1.1" 200 1 0.1`).
    static func parse(_ text: String, source: UInt32, lineID: Int) -> LogEvent {
        let parts = text.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0].count == 10 else {
            var line = Line(lineID, nil, source: source)
            line.continuation = true
            line.level = nil
            line.message = text
            return line.event
        }
        var line = Line(lineID, parts[0] + " " + parts[1], source: source)
        line.pid = Int(parts[2])
        line.level = LogLevel(bytes: Array(parts[3].utf8))
        line.component = parts[4]
        var rest = Substring(parts[5])
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let context = rest[rest.index(after: rest.startIndex)..<close].split(separator: " ").map(String.init)
            if context.count >= 2, context[1].hasPrefix("req-") {
                if context[0].hasPrefix("req-") { line.globalRequestID = context[0] }
                line.requestID = context[1]
            }
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        if rest.hasPrefix("[instance: "), let close = rest.firstIndex(of: "]") {
            line.instance = String(rest[rest.index(rest.startIndex, offsetBy: 11)..<close])
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        line.message = String(rest)
        if let match = rest.firstMatch(of: /"(GET|POST|PUT|DELETE|PATCH|HEAD) ([^" ]+)[^"]*" (.*)/) {
            line.method = String(match.1)
            line.path = String(match.2)
            let tail = match.3
            if let nova = tail.firstMatch(of: /status: (\d+) +len: \d+.*time: ([0-9.]+)/) {
                line.status = Int(nova.1)
                line.latencyMs = Double(nova.2).map { $0 * 1000 }
            } else if let eventlet = tail.firstMatch(of: /^(\d+) \d+ ([0-9.]+)/) {
                line.status = Int(eventlet.1)
                line.latencyMs = Double(eventlet.2).map { $0 * 1000 }
            }
        }
        return line.event
    }
}
