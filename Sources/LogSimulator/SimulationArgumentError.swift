/// A `simulate` argument that cannot be used; the message names the option and the bad value.
public struct SimulationArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The option, e.g. `--incident`.
    public var option: String
    /// The value as given.
    public var value: String
    /// What is wrong and what would be accepted.
    public var reason: String

    /// Creates an error.
    public init(option: String, value: String, reason: String) {
        self.option = option
        self.value = value
        self.reason = reason
    }

    public var description: String { "invalid \(option) value '\(value)': \(reason)" }
}
