import TraceTailCore

/// The JSON keys `JSONLineDecoder` understands, matched ignoring ASCII case.
///
/// Keys are recognised through one hash-table probe on the lower-cased key bytes, so
/// classifying a member costs no `String`.
enum JSONLineField: Int, CaseIterable, Sendable {
    case timestamp, atTimestamp, time, asctime, created
    case level, levelname
    case component, name, logger
    case process, pid
    case message
    case requestID, globalRequestID
    case instanceUUID, instance, instanceID, resourceUUID
    case user, userID
    case project, projectID, tenant, tenantID
    case status, statusCode, latencyMs, method, path, bytes
    case traceID, spanID, parentID, ddTraceID, ddSpanID
    case lineID
    /// Nested objects consulted for ids: oslo's `context`, its `extra`, Datadog's `dd`.
    case context, extra, dd

    /// The key as written (lower case).
    var key: String {
        switch self {
        case .timestamp: "timestamp"
        case .atTimestamp: "@timestamp"
        case .time: "time"
        case .asctime: "asctime"
        case .created: "created"
        case .level: "level"
        case .levelname: "levelname"
        case .component: "component"
        case .name: "name"
        case .logger: "logger"
        case .process: "process"
        case .pid: "pid"
        case .message: "message"
        case .requestID: "request_id"
        case .globalRequestID: "global_request_id"
        case .instanceUUID: "instance_uuid"
        case .instance: "instance"
        case .instanceID: "instance_id"
        case .resourceUUID: "resource_uuid"
        case .user: "user"
        case .userID: "user_id"
        case .project: "project"
        case .projectID: "project_id"
        case .tenant: "tenant"
        case .tenantID: "tenant_id"
        case .status: "status"
        case .statusCode: "status_code"
        case .latencyMs: "latency_ms"
        case .method: "method"
        case .path: "path"
        case .bytes: "bytes"
        case .traceID: "trace_id"
        case .spanID: "span_id"
        case .parentID: "parent_id"
        case .ddTraceID: "dd.trace_id"
        case .ddSpanID: "dd.span_id"
        case .lineID: "lineid"
        case .context: "context"
        case .extra: "extra"
        case .dd: "dd"
        }
    }

    /// Whether this field may come from the nested object `container` when the top level lacks
    /// it. oslo's `context` carries ids and identity; its `extra` carries the instance (and
    /// `project`/`version` naming the *oslo project*, e.g. `nova`, so never the tenant); Datadog's
    /// `dd` carries trace context. A nested `name` or `time` means something else and is ignored.
    func allowed(in container: JSONLineField) -> Bool {
        switch (container, self) {
        case (.context, .requestID), (.context, .globalRequestID), (.context, .user), (.context, .userID),
            (.context, .project), (.context, .projectID), (.context, .tenant), (.context, .tenantID),
            (.context, .resourceUUID), (.context, .instanceUUID), (.context, .instance):
            true
        case (.extra, .instanceUUID), (.extra, .instance), (.extra, .instanceID), (.extra, .requestID),
            (.extra, .globalRequestID):
            true
        case (_, .traceID), (_, .spanID), (_, .parentID):
            true
        default: false
        }
    }

    /// Number of fields (a stored constant: `allCases` builds an array on every call).
    static let count = allCases.count

    /// Lower-cased key bytes, indexed by `rawValue`.
    private static let names: [[UInt8]] = allCases.map { Array($0.key.utf8) }

    /// Open-addressing table of `rawValue`s (−1 = empty), indexed by the key's hash; twice as
    /// many slots as keys keeps probe chains short. Cheaper than a `Dictionary` (no SipHash).
    private static let table: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for field in allCases {
            var index = Int(hash(names[field.rawValue][...]) & 127)
            while table[index] >= 0 { index = (index + 1) & 127 }
            table[index] = Int8(field.rawValue)
        }
        return table
    }()

    private static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h = FNV1a.offsetBasis
        for b in bytes {
            h ^= UInt64(JSONDocument.lowercased(b))
            h = h &* FNV1a.prime
        }
        return h
    }

    /// The field a key names, ignoring ASCII case; nil for unknown keys.
    static func field(for key: ArraySlice<UInt8>) -> JSONLineField? {
        guard key.count <= 17 else { return nil }
        var index = Int(hash(key) & 127)
        while case let raw = table[index], raw >= 0 {
            let name = names[Int(raw)]
            if name.count == key.count, zip(name, key).allSatisfy({ $0 == JSONDocument.lowercased($1) }) {
                return JSONLineField(rawValue: Int(raw))
            }
            index = (index + 1) & 127
        }
        return nil
    }
}
