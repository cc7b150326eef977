import TraceTailCore

/// A test-side reading of one generated oslo.log line: a deliberately simple tokenizer,
/// independent of the product's PCRE2 parser, so the two can disagree and a test can fail.
struct OsloLine: Equatable {
    var timestamp: String
    var pid: Int
    var level: String
    var logger: String
    /// The context bracket's words (`None`, `req-…`, user, …), `["-"]` for `[-]`, nil when absent.
    var context: [String]?
    var instance: String?
    var message: String

    /// nil when the line does not have the oslo shape at all.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count > 24, Self.isTimestamp(bytes[0..<23]), bytes[23] == 0x20 else { return nil }
        timestamp = String(decoding: bytes[0..<23], as: UTF8.self)
        var rest = Substring(String(decoding: bytes[24...], as: UTF8.self))
        func word() -> Substring? {
            guard let space = rest.firstIndex(of: " ") else { return nil }
            let w = rest[..<space]
            rest = rest[rest.index(after: space)...]
            return w
        }
        guard let pidText = word(), let pid = Int(pidText), let level = word(), let logger = word(),
            ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"].contains(level), !logger.isEmpty
        else { return nil }
        self.pid = pid
        self.level = String(level)
        self.logger = String(logger)
        if rest.hasPrefix("[") && !rest.hasPrefix("[instance: ") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(" ") else {
                return nil
            }
            context = rest[rest.index(after: rest.startIndex)..<close].split(separator: " ").map(String.init)
            rest = rest[rest.index(close, offsetBy: 2)...]
        }
        if rest.hasPrefix("[instance: ") {
            let id = rest.dropFirst(11).prefix(36)
            guard UUID128(id) != nil, rest.dropFirst(47).hasPrefix("] ") else { return nil }
            instance = String(id)
            rest = rest.dropFirst(49)
        }
        message = String(rest)
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm`.
    static func isTimestamp(_ b: ArraySlice<UInt8>) -> Bool {
        for (offset, byte) in b.enumerated() {
            switch offset {
            case 4, 7: if byte != UInt8(ascii: "-") { return false }
            case 10: if byte != UInt8(ascii: " ") { return false }
            case 13, 16: if byte != UInt8(ascii: ":") { return false }
            case 19: if byte != UInt8(ascii: ".") { return false }
            default: if !(0x30...0x39).contains(byte) { return false }
            }
        }
        return true
    }

    /// `request_id` when the bracket is a full context.
    var requestID: String? { context.flatMap { $0.count == 8 ? $0[1] : nil } }
    /// `global_request_id` (nil for `None` or no context).
    var globalRequestID: String? { context.flatMap { $0.count == 8 && $0[0] != "None" ? $0[0] : nil } }
    /// The line's time.
    var time: EventTime {
        let b = Array(timestamp.utf8)
        func n(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) } }
        return CivilTime(
            year: n(0..<4), month: n(5..<7), day: n(8..<10), hour: n(11..<13), minute: n(14..<16),
            second: n(17..<19), nanosecond: n(20..<23) * 1_000_000
        ).eventTime
    }
}

/// A nova request line's fields.
struct NovaRequest {
    var method: String
    var path: String
    var status: Int
    var seconds: Double

    init?(_ line: OsloLine) {
        guard line.logger == "nova.api.openstack.requestlog" else { return nil }
        let parts = line.message.split(separator: " ").map(String.init)
        // 10.0.0.5 "GET /v2.1/servers/detail" status: 200 len: 1893 microversion: 2.1 time: 0.247785
        guard parts.count == 11, parts[1].hasPrefix("\""), parts[2].hasSuffix("\""), parts[3] == "status:",
            let status = Int(parts[4]), parts[5] == "len:", Int(parts[6]) != nil, parts[7] == "microversion:",
            parts[9] == "time:", let seconds = Double(parts[10])
        else { return nil }
        method = String(parts[1].dropFirst())
        path = String(parts[2].dropLast())
        self.status = status
        self.seconds = seconds
    }
}
