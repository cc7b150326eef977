import ArgumentParser
import Foundation
import TraceTailRuntime

/// A runtime failure already explained to the user: the message goes to stderr, the exit code
/// is `code` (1 runtime, 2 usage/config — DESIGN §5).
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }
}

/// Loads the YAML config when one is named; problems are printed one per line and exit 2.
func loadConfiguration(_ path: String?) throws -> TraceTailConfiguration {
    guard let path else { return TraceTailConfiguration() }
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw CommandFailure(message: "\(path): cannot read: \(error.localizedDescription)", code: 2)
    }
    do {
        return try TraceTailConfiguration.parse(yaml: text, file: path)
    } catch {
        throw CommandFailure(message: error.description, code: 2)
    }
}

/// Writes one line to standard error (Swift 6 rejects Glibc's `stderr` global).
func printError(_ text: String) {
    let line = Array((text + "\n").utf8)
    line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}

/// A one-line progress bar on stderr for long replays on a terminal; silent otherwise.
final class ProgressBar {
    private let enabled: Bool
    private var lastPercent = -1

    init(enabled: Bool) { self.enabled = enabled }

    /// Redraws when the percentage changed.
    func update(_ fraction: Double) {
        guard enabled else { return }
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = width * percent / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let text = "\r\(bar) \(percent)%"
        _ = text.withCString { write(2, $0, strlen($0)) }
    }

    /// Clears the bar line.
    func finish() {
        guard enabled, lastPercent >= 0 else { return }
        _ = "\r\u{1B}[2K".withCString { write(2, $0, strlen($0)) }
    }
}
