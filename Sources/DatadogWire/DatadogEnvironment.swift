/// Where the Datadog sinks send, resolved from a sink's settings and Datadog's conventional
/// environment variables. Pure: the caller passes `ProcessInfo.processInfo.environment`.
///
/// A sink setting wins over its variable; an empty value counts as unset (`DD_ENV=` in a unit
/// file means "no env", not the empty env). Settings keys: `host`, `trace_port`,
/// `dogstatsd_port`, `dogstatsd_socket`, `env`, `service`, `version`, `site`, `endpoint`,
/// `api_key`.
public struct DatadogEnvironment: Sendable, Hashable, CustomStringConvertible {
    /// `host`, `DD_AGENT_HOST`, else `localhost`.
    public var agentHost: String
    /// `trace_port`, `DD_TRACE_AGENT_PORT`, else 8126.
    public var traceAgentPort: Int
    /// `dogstatsd_port`, `DD_DOGSTATSD_PORT`, else 8125.
    public var dogstatsdPort: Int
    /// A Unix socket path for DogStatsD: `dogstatsd_socket`, else `DD_DOGSTATSD_SOCKET` unless
    /// the settings name a `dogstatsd_port` (an explicit UDP port is a choice the environment
    /// must not override). When set, it wins over UDP.
    public var dogstatsdSocket: String?
    /// `env`, `DD_ENV`.
    public var env: String?
    /// `service`, `DD_SERVICE`.
    public var service: String?
    /// `version`, `DD_VERSION`.
    public var version: String?
    /// `api_key`, `DATADOG_API_KEY`, `DD_API_KEY` (the first set wins).
    public var apiKey: DatadogAPIKey?
    /// `site`, `DATADOG_SITE`, `DD_SITE`, else `datadoghq.com`.
    public var site: String
    /// `endpoint` (without a trailing `/`), else `https://api.<site>`.
    public var apiBaseURL: String

    /// A setting or variable that does not hold what it must.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not an integer in 1…65535. `key` is the setting or variable it came from.
        case invalidPort(key: String, value: String)

        public var description: String {
            switch self {
            case .invalidPort(let key, let value):
                "\(key): \"\(value)\" is not a port (an integer from 1 to 65535)"
            }
        }
    }

    /// Resolves `settings` (a sink entry's keys) over `environment`.
    /// - Throws: `Problem.invalidPort` naming the setting or variable and its value.
    public init(settings: [String: String] = [:], environment: [String: String]) throws(Problem) {
        func setting(_ key: String) -> String? { settings[key].flatMap(Self.nonEmpty) }
        func variable(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0].flatMap(Self.nonEmpty) }.first
        }
        func port(_ key: String, _ variableName: String, default fallback: Int) throws(Problem) -> Int {
            if let text = setting(key) { return try Self.port(text, key: key) }
            if let text = variable(variableName) { return try Self.port(text, key: variableName) }
            return fallback
        }

        agentHost = setting("host") ?? variable("DD_AGENT_HOST") ?? "localhost"
        traceAgentPort = try port("trace_port", "DD_TRACE_AGENT_PORT", default: 8126)
        dogstatsdPort = try port("dogstatsd_port", "DD_DOGSTATSD_PORT", default: 8125)
        dogstatsdSocket =
            setting("dogstatsd_socket") ?? (setting("dogstatsd_port") == nil ? variable("DD_DOGSTATSD_SOCKET") : nil)
        env = setting("env") ?? variable("DD_ENV")
        service = setting("service") ?? variable("DD_SERVICE")
        version = setting("version") ?? variable("DD_VERSION")
        apiKey = (setting("api_key") ?? variable("DATADOG_API_KEY", "DD_API_KEY")).map(DatadogAPIKey.init)
        site = setting("site") ?? variable("DATADOG_SITE", "DD_SITE") ?? "datadoghq.com"
        if let endpoint = setting("endpoint") {
            apiBaseURL = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        } else {
            apiBaseURL = "https://api." + site
        }
    }

    /// Everything but the key's value, for status pages and logs.
    public var description: String {
        "DatadogEnvironment(agentHost: \(agentHost), traceAgentPort: \(traceAgentPort), "
            + "dogstatsdPort: \(dogstatsdPort), dogstatsdSocket: \(dogstatsdSocket ?? "-"), env: \(env ?? "-"), "
            + "service: \(service ?? "-"), version: \(version ?? "-"), apiKey: \(apiKey == nil ? "-" : "<redacted>"), "
            + "site: \(site), apiBaseURL: \(apiBaseURL))"
    }

    private static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func port(_ text: String, key: String) throws(Problem) -> Int {
        guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text), (1...65535).contains(value)
        else { throw .invalidPort(key: key, value: text) }
        return value
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks (no Foundation here).
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
