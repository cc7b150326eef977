import Glibc
import TraceTailCore

/// Turns journal entries into the lines the oslo rules read: the wrapper form
/// `2024-07-11T18:10:59.123456Z host program[pid]: message`, one line per line of the message.
///
/// The wrapper time is the entry's own realtime timestamp in UTC with its zone, so it has an
/// exact year and no `timezone` applies to it; a message that is a whole oslo line
/// (kolla's containers) keeps its inner time, which the rules prefer, read in the source's
/// `timezone`. Host and pid come from the entry (`_HOSTNAME`, `_PID`), the program from the
/// field the source's unit globs matched.
enum JournalLines {
    /// The program an entry is attributed to: the first of `CONTAINER_NAME`, `_SYSTEMD_UNIT`
    /// and `SYSLOG_IDENTIFIER` that one of `units` matches, a unit without its `.service`
    /// suffix; nil when none matches (the entry is not the source's).
    ///
    /// Its name is what the service derives from (`nova-compute.service` → `nova-compute`,
    /// `devstack@n-cpu` → `nova-compute`, container `nova_compute` → `nova-compute`). The
    /// container comes first because a container's entries carry the container runtime's
    /// unit (`docker.service`).
    static func program(of entry: JournalEntry, units: [String]) -> String? {
        for (name, isUnit) in [(entry.container, false), (entry.unit, true), (entry.identifier, false)] {
            guard let name, !name.isEmpty, units.contains(where: { fnmatch($0, name, 0) == 0 }) else { continue }
            var program = Substring(name)
            if isUnit, program.hasSuffix(".service"), program.count > 8 { program = program.dropLast(8) }
            // The wrapper's program ends at a space, bracket or colon.
            return String(program.map { " []:".contains($0) ? "_" : $0 })
        }
        return nil
    }

    /// The lines of `entry` attributed to `program`; a message's trailing newline makes no
    /// empty line, an empty message one line with an empty message. Each is cut to
    /// `maxLineBytes` (on a UTF-8 boundary) and flagged truncated.
    static func lines(of entry: JournalEntry, program: String, maxLineBytes: Int) -> [(bytes: [UInt8], truncated: Bool)]
    {
        var prefix = Array(wrapperTime(microseconds: entry.realtimeMicroseconds).utf8)
        prefix.append(0x20)
        let host = (entry.hostname ?? "").isEmpty ? "localhost" : entry.hostname!
        prefix += host.utf8.map { $0 == 0x20 ? UInt8(ascii: "_") : $0 }
        prefix.append(0x20)
        prefix += program.utf8
        if let pid = entry.pid { prefix += "[\(pid)]".utf8 }
        prefix += ": ".utf8

        var segments = entry.message.split(separator: 0x0A, omittingEmptySubsequences: false)
        if segments.count > 1, segments.last!.isEmpty { segments.removeLast() }
        return segments.map { segment in
            var line = prefix
            line += segment
            guard line.count > maxLineBytes else { return (line, false) }
            var end = max(0, maxLineBytes)
            // Back to the start of a UTF-8 sequence so the cut leaves valid text.
            while end > 0, end < line.count, line[end] & 0xC0 == 0x80 { end -= 1 }
            return (Array(line[0..<end]), true)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    static func wrapperTime(microseconds: Int64) -> String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        let civil = CivilTime(EventTime(nanoseconds: seconds * 1_000_000_000))
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))T\(pad(civil.hour, 2)):"
            + "\(pad(civil.minute, 2)):\(pad(civil.second, 2)).\(pad(Int(fraction), 6))Z"
    }
}
