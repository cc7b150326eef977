public import TraceTailCore

// TEMPORARY stand-in so the `parser` branch builds: the real JSONLineDecoder is written by
// another helper with exactly this API, and replaces this file on merge.

/// Decodes one JSON line into a `LogEvent`.
public struct JSONLineDecoder: Sendable {
    public init() {}
    /// Decodes `line`; a line that is not a JSON object comes back unmatched (`.invalidJSON`).
    public func decode(_ line: ArraySlice<UInt8>, source: SourceID, lineID: Int) -> LogEvent {
        var event = LogEvent(source: source, lineID: lineID, storage: line)
        event.unmatched = .invalidJSON
        return event
    }
}
