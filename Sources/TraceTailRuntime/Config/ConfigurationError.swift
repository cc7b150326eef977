/// Problems in a configuration file, all of them at once, each naming its file, line and key.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The config file.
        public var file: String
        /// 1-based line and column of the offending key or value (0 when unknown).
        public var line: Int
        public var column: Int
        /// Dotted key path, e.g. `correlation.idle_timeout`.
        public var key: String
        public var message: String

        public var description: String { "\(file):\(line):\(column): \(key): \(message)" }
    }

    public var problems: [Problem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
