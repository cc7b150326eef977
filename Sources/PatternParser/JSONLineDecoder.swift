import TraceTailCore

/// Decodes one JSON log line (DESIGN §2 format `json`) into a `LogEvent`.
///
/// Understands oslo.log's `JSONFormatter` output and the seed's event shape
/// (`LineId/Level/Component/latency_ms/status/trace_id/span_id/parent_id`). Keys match ignoring
/// ASCII case; where several aliases are present the first in this list wins:
///
/// | LogEvent field | JSON keys |
/// |---|---|
/// | `timestamp`, `timestampText` | `timestamp`, `@timestamp`, `time`, `asctime` (ISO 8601, `T` or space, `.`/`,` fraction of any length, optional `Z`/`±hh:mm`; or an epoch number), then `created` (epoch number). A zone-less string next to an epoch `created` (oslo's `asctime`, written in the host's local time) takes its instant from `created`; `timestampText` stays the string as logged. |
/// | `level` | `level`, `levelname` |
/// | `component` | `component`, `name`, `logger` |
/// | `pid` | `process`, `pid` (number or digit string) |
/// | `message` | `message` |
/// | `requestID`, `requestIDText` | `request_id` (`req-UUID` or a bare UUID) |
/// | `globalRequestID` | `global_request_id` (`None`, `-`, empty, null = absent) |
/// | `instanceID` | `instance_uuid`, `instance` (string, or object with `uuid`), `instance_id`, `resource_uuid` |
/// | `user` | `user`, `user_id` |
/// | `project` | `project`, `project_id`, `tenant`, `tenant_id` |
/// | `http.status` / `.latencyMs` / `.method` / `.path` / `.bytes` | `status`, `status_code` / `latency_ms` / `method` / `path` / `bytes` |
/// | `traceID` / `spanID` / `parentID` | `trace_id`, `dd.trace_id` / `span_id`, `dd.span_id` / `parent_id` |
///
/// When the top level lacks them, fields are also read from nested objects: oslo
/// JSONFormatter's `context` (request ids, `user`, `tenant`/`project`, `resource_uuid`), its
/// `extra` (`instance`, `instance_uuid`; never `project`, which there names the oslo project),
/// and Datadog's `dd` (`trace_id`, `span_id`).
///
/// Trace context may be a JSON number, a decimal string or a hex string (at most 16 hex
/// digits for span ids, 32 for trace ids; an optional `0x`): a string of digits is
/// decimal unless it has a leading zero (fixed-width W3C hex is zero-padded, Datadog decimals
/// never are). 64-bit ids are zero-extended to 128 bits; zero ids count as absent.
///
/// `latency_ms` marks a request event whose `timestamp` is its end; the time is kept as given
/// (the correlator computes start = end − latency). The seed's `LineId` becomes the extra
/// attribute `event_id` (`lineID` stays the 1-based line number). Every other top-level key
/// with a string, number or boolean value becomes an extra string attribute under its own
/// name, except keys that look like secrets (`…token…`, `…password…`, `…secret…`,
/// `…api_key…`). Objects, arrays and nulls are not copied.
///
/// `storage` is the decoded document buffer (escapes resolved), never the raw line. A line
/// that is not a JSON object gets `unmatched = .invalidJSON`, a blank one `.empty` (both with
/// the raw line as `storage`); a time key whose value is not a real time gives
/// `.badTimestamp` (other fields are still filled). Otherwise `matchedRule == "json"`.
public struct JSONLineDecoder: Sendable {
    public init() {}

    /// Decodes one line (without its newline). Never traps, whatever the bytes.
    public func decode(_ line: ArraySlice<UInt8>, source: SourceID, lineID: Int) -> LogEvent {
        var event = LogEvent(source: source, lineID: lineID, storage: line)
        guard line.contains(where: { !JSONLineDecoder.isBlank($0) }) else {
            event.unmatched = .empty
            return event
        }
        guard let document = try? JSONDocument.parse(line), let members = document.root.members else {
            event.unmatched = .invalidJSON
            return event
        }
        var builder = JSONLineEventBuilder(document: document)
        builder.collect(members)
        builder.fill(&event)
        return event
    }

    @inlinable
    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
}
