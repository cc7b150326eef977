import Foundation
import Synchronization
import TraceTailCore

@testable import TraceTailRuntime

/// A stand-in for `journalctl`: journals (JSON entry lines) per `--directory`, which the tests
/// append to, and processes that start where the arguments say (`--cursor`, `--after-cursor`,
/// `--lines=0`, `--no-tail`) and hand out the lines appended since, like `--follow`.
final class FakeJournal: JournalLauncher, Sendable {
    struct State {
        var journals: [String: [String]] = [:]
        var launches: [[String]] = []
        /// Launches still to refuse (journalctl missing).
        var failLaunches = 0
        /// A process ends after handing out this many lines (journalctl exiting).
        var exitAfterLines: Int?
    }

    let state = Mutex(State())

    func append(_ line: String, directory: String) {
        state.withLock { $0.journals[directory, default: []].append(line) }
    }

    var launches: [[String]] { state.withLock { $0.launches } }

    func launch(arguments: [String]) throws -> any JournalProcess {
        try state.withLock { s in
            s.launches.append(arguments)
            if s.failLaunches > 0 {
                s.failLaunches -= 1
                throw JournalLaunchError("cannot start journalctl: No such file or directory")
            }
        }
        func value(_ name: String) -> String? {
            arguments.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        let directory = value("--directory") ?? ""
        let lines = state.withLock { $0.journals[directory] ?? [] }
        func index(of cursor: String) -> Int? { lines.firstIndex { $0.contains("\"__CURSOR\":\"\(cursor)\"") } }
        var next = 0
        if let c = value("--after-cursor") {
            next = (index(of: c) ?? -1) + 1
        } else if let c = value("--cursor") {
            next = index(of: c) ?? 0
        } else if value("--lines") == "0" {
            next = lines.count
        }
        return FakeJournalProcess(journal: self, directory: directory, next: next)
    }

    /// One journal entry as `journalctl --output=json` prints it.
    static func entry(
        cursor: Int, time: EventTime, message: Any, unit: String? = nil, identifier: String? = nil,
        container: String? = nil, pid: Int = 4242, host: String = "cmp-0"
    ) -> String {
        var object: [String: Any] = [
            "__CURSOR": "s=fake;i=\(cursor)", "__REALTIME_TIMESTAMP": String(time.nanoseconds / 1000),
            "_HOSTNAME": host, "_PID": String(pid), "MESSAGE": message,
        ]
        if let unit { object["_SYSTEMD_UNIT"] = unit }
        if let identifier { object["SYSLOG_IDENTIFIER"] = identifier }
        if let container { object["CONTAINER_NAME"] = container }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

final class FakeJournalProcess: JournalProcess {
    let journal: FakeJournal
    let directory: String
    var next: Int
    var handedOut = 0
    var ended = false

    init(journal: FakeJournal, directory: String, next: Int) {
        self.journal = journal
        self.directory = directory
        self.next = next
    }

    func readLines(into lines: inout [[UInt8]], maxBytes: Int) -> Bool {
        guard !ended else { return false }
        let (available, exitAfter) = journal.state.withLock { ($0.journals[directory] ?? [], $0.exitAfterLines) }
        var bytes = 0
        while next < available.count, bytes < maxBytes {
            if let exitAfter, handedOut >= exitAfter {
                ended = true
                return false
            }
            lines.append(Array(available[next].utf8))
            bytes += available[next].utf8.count + 1
            next += 1
            handedOut += 1
        }
        if let exitAfter, handedOut >= exitAfter {
            ended = true
            return false
        }
        return true
    }

    var exitDescription: String? { ended ? "journalctl exited with status 1" : nil }

    func terminate() { ended = true }
}
