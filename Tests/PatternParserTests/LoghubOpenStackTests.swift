import PatternParser
import Testing
import TraceTailCore

/// All 2,000 lines of Loghub's OpenStack sample against Loghub's own structured parse.
@Suite struct LoghubOpenStackTests {
    /// RFC 4180 CSV: quoted fields, `""` escapes, no newlines inside fields in this file.
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        for line in lines(text) {
            var fields: [String] = []
            var field = ""
            var quoted = false
            let chars = Array(line)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if quoted {
                    if c == "\"" {
                        if i + 1 < chars.count && chars[i + 1] == "\"" {
                            field.append("\"")
                            i += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        field.append(c)
                    }
                } else if c == "\"" {
                    quoted = true
                } else if c == "," {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(c)
                }
                i += 1
            }
            fields.append(field)
            rows.append(fields)
        }
        return rows
    }

    /// Lines split on `\n` bytes with any `\r` dropped (Swift treats `\r\n` as one Character).
    static func lines(_ text: String) -> [String] {
        text.utf8.split(separator: 0x0A).map { bytes in
            var b = Array(bytes)
            if b.last == 0x0D { b.removeLast() }
            return String(decoding: b, as: UTF8.self)
        }
    }

    @Test(.enabled(if: Fixtures.hasLoghub, "../shared/data/loghub is absent (not part of this repository)"))
    func everyLineMatchesLoghubsStructuredParse() throws {
        let log = try PatternSource.readFile(Fixtures.loghubDirectory + "/OpenStack_2k.log")
        let csv = try PatternSource.readFile(Fixtures.loghubDirectory + "/OpenStack_2k.log_structured.csv")
        let lines = Self.lines(log)
        var rows = Self.csvRows(csv)
        let header = rows.removeFirst()
        try #require(header.count == 11)
        #expect(
            header == [
                "LineId", "Logrecord", "Date", "Time", "Pid", "Level", "Component", "ADDR", "Content", "EventId",
                "EventTemplate",
            ])
        try #require(lines.count == 2000)
        try #require(rows.count == 2000)

        var parser = try Fixtures.osloParser()
        var requests = 0
        for (index, line) in lines.enumerated() {
            let row = rows[index]
            let e = parser.parse(ArraySlice(Array(line.utf8)), source: SourceID(3), lineID: index + 1)
            let id = "line \(index + 1)"
            #expect(e.unmatched == nil, "\(id)")
            #expect(e.lineID == Int(row[0]), "\(id)")
            #expect(e.source == SourceID(3))
            #expect(e.text(e.fileToken) == row[1], "\(id)")
            // Date + Time → timestamp, compared as ISO 8601 UTC with milliseconds.
            #expect(e.timestamp?.iso8601 == "\(row[2])T\(row[3])Z", "\(id)")
            #expect(e.text(e.timestampText) == "\(row[2]) \(row[3])", "\(id)")
            #expect(e.pid.map(String.init) == row[4], "\(id)")
            #expect(e.level?.description == row[5], "\(id)")
            #expect(e.text(e.component) == row[6], "\(id)")
            // ADDR is the context bracket's content; its first word is the request id or `-`.
            let addrFirst = String(row[7].split(separator: " ").first ?? "")
            #expect(e.text(e.requestIDText) == (addrFirst == "-" ? nil : addrFirst), "\(id)")
            #expect(e.requestID?.description == (addrFirst == "-" ? nil : addrFirst), "\(id)")
            let addrWords = row[7].split(separator: " ").map(String.init)
            if addrWords.count >= 3 {
                // `-` (and `None`) mean absent.
                #expect(e.text(e.user) == (addrWords[1] == "-" ? nil : addrWords[1]), "\(id)")
                #expect(e.text(e.project) == (addrWords[2] == "-" ? nil : addrWords[2]), "\(id)")
            } else {
                #expect(e.user == nil && e.project == nil, "\(id)")
            }
            #expect(e.globalRequestID == nil, "\(id)")
            // Content = `[instance: X] ` + message when an instance is present, else message.
            let content =
                e.instanceID.map { "[instance: \(e.text($0)!)] " + (e.text(e.message) ?? "") }
                ?? e.text(e.message)
            #expect(content == row[8], "\(id)")
            if row[8].hasPrefix("[instance: ") {
                #expect(e.text(e.instanceID) == String(row[8].dropFirst(11).prefix(36)), "\(id)")
            }
            #expect(e.isContinuation == false, "\(id)")
            if row[10].contains("status: <*> len: <*> time:") {
                requests += 1
                #expect(e.matchedRule == "nova_wsgi_request", "\(id)")
                #expect(e.http?.status != nil && e.http?.bytes != nil && e.http?.latencyMs != nil, "\(id)")
                #expect(row[8].contains("status: \(e.http?.status ?? -1) len: \(e.http?.bytes ?? -1) "), "\(id)")
            } else {
                #expect(e.http == nil, "\(id)")
            }
        }
        #expect(requests > 900)
        #expect(parser.counters.matched == 2000)
        #expect(parser.counters.unmatchedTotal == 0)
    }
}
