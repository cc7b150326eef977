/// A Datadog API key that cannot leak by being printed.
///
/// `description`, `debugDescription`, interpolation, `dump` and the printing of any value that
/// holds one all show `<redacted>` (DESIGN §6: the key never appears in logs, status or
/// errors). Only `value`, read where the `DD-API-KEY` header is set, gives the key. Not
/// `Codable` on purpose, so it cannot end up in a checkpoint or a status document either.
public struct DatadogAPIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The key itself, for the request header only.
    public let value: String

    /// Wraps a key.
    public init(_ value: String) { self.value = value }

    /// `<redacted>`.
    public var description: String { "<redacted>" }
    /// `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// No children, so `dump` and mirrors see nothing of the key.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
