import Foundation

/// One entry of `journalctl --output=json`: the fields TraceTail reads.
public struct JournalEntry: Sendable, Equatable {
    /// `__CURSOR`: where the entry stands in the journal (`--after-cursor` resumes after it).
    public var cursor: String
    /// `__REALTIME_TIMESTAMP`: when the journal received it, in microseconds since the epoch.
    public var realtimeMicroseconds: Int64
    /// `_HOSTNAME`.
    public var hostname: String?
    /// `_PID`, else `SYSLOG_PID`.
    public var pid: Int?
    /// `SYSLOG_IDENTIFIER`.
    public var identifier: String?
    /// `_SYSTEMD_UNIT`.
    public var unit: String?
    /// `CONTAINER_NAME` (docker's and podman's journald log driver: kolla's `nova_compute`).
    public var container: String?
    /// `MESSAGE` as bytes (journald keeps non-UTF-8 messages as bytes; empty when absent).
    public var message: [UInt8]

    /// An entry from its fields (tests, and callers that decoded it themselves).
    public init(
        cursor: String, realtimeMicroseconds: Int64, hostname: String? = nil, pid: Int? = nil,
        identifier: String? = nil, unit: String? = nil, container: String? = nil, message: [UInt8]
    ) {
        self.cursor = cursor
        self.realtimeMicroseconds = realtimeMicroseconds
        self.hostname = hostname
        self.pid = pid
        self.identifier = identifier
        self.unit = unit
        self.container = container
        self.message = message
    }

    /// Decodes one line of `journalctl --output=json`; nil when it is not a JSON object with a
    /// cursor and a realtime timestamp.
    ///
    /// A field is a string, or an array of byte values when it is not valid UTF-8, or an
    /// array of such values when the entry repeats the field (the first one is used), or null
    /// when it was too large to print.
    public init?(jsonLine: some Collection<UInt8>) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(jsonLine)) as? [String: Any],
            let cursor = Self.text(object["__CURSOR"]),
            let realtime = Self.text(object["__REALTIME_TIMESTAMP"]).flatMap({ Int64($0) })
        else { return nil }
        self.cursor = cursor
        realtimeMicroseconds = realtime
        hostname = Self.text(object["_HOSTNAME"])
        pid = (Self.text(object["_PID"]) ?? Self.text(object["SYSLOG_PID"])).flatMap { Int($0) }
        identifier = Self.text(object["SYSLOG_IDENTIFIER"])
        unit = Self.text(object["_SYSTEMD_UNIT"])
        container = Self.text(object["CONTAINER_NAME"])
        message = Self.bytes(object["MESSAGE"]) ?? []
    }

    static func text(_ value: Any?) -> String? {
        bytes(value).map { String(decoding: $0, as: UTF8.self) }
    }

    static func bytes(_ value: Any?) -> [UInt8]? {
        switch value {
        case let s as String:
            return Array(s.utf8)
        case let array as [Any]:
            // Byte values, or the repeated values of one field.
            if let numbers = array as? [NSNumber], !array.isEmpty, !(array.first is String) {
                return numbers.map { UInt8(truncatingIfNeeded: $0.intValue) }
            }
            return array.first.flatMap { bytes($0) }
        default:
            return nil
        }
    }
}
