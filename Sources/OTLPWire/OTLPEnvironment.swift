/// Where and how the `otlp_http` sink sends, resolved from the sink's settings and the
/// OpenTelemetry SDK environment variables. Pure: the caller passes
/// `ProcessInfo.processInfo.environment`.
///
/// A setting wins over the variables; a signal-specific variable wins over the generic one; an
/// empty value counts as unset (as the OTel spec says). Settings keys: `endpoint` (base URL),
/// `headers` (`name=value,…`), `service_name`, `host_name`, `environment`, `compression`
/// (`gzip` or `none`).
///
/// | what | setting | variables (first set wins) | default |
/// |---|---|---|---|
/// | URL per signal | `endpoint` + `/v1/<signal>` | `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` as is, `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/<signal>` | `http://localhost:4318/v1/<signal>` |
/// | headers | `headers` | `OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS`, `OTEL_EXPORTER_OTLP_HEADERS` | none |
/// | compression | `compression` | `OTEL_EXPORTER_OTLP_<SIGNAL>_COMPRESSION`, `OTEL_EXPORTER_OTLP_COMPRESSION` | none |
/// | default service | `service_name` | `OTEL_SERVICE_NAME`, `service.name` of `OTEL_RESOURCE_ATTRIBUTES` | `tracetail` |
/// | resource | `host_name` → `host.name`, `environment` → `deployment.environment` | `OTEL_RESOURCE_ATTRIBUTES` | none |
///
/// A list (headers, resource attributes) is taken whole from the first place that sets it, not
/// merged key by key, so what the config says is all that is sent. Header values and resource
/// keys and values are percent-decoded (W3C Baggage form). `OTEL_EXPORTER_OTLP_PROTOCOL` is
/// not read: this sink speaks `http/json` only, and the variable is often set for other
/// programs' SDKs (whose default is `http/protobuf`).
public struct OTLPEnvironment: Sendable, Hashable, CustomStringConvertible {
    /// Where one signal goes and what its requests carry.
    public struct Destination: Sendable, Hashable, CustomStringConvertible {
        /// The full URL, `…/v1/traces` and the like.
        public var url: String
        /// The configured headers (values secret).
        public var headers: OTLPHeaders
        /// How the body is compressed; the sender compresses when `.gzip`.
        public var compression: OTLPCompression

        /// A destination.
        public init(url: String, headers: OTLPHeaders = OTLPHeaders(), compression: OTLPCompression = .none) {
            self.url = url
            self.headers = headers
            self.compression = compression
        }

        /// The request's headers: `Content-Type: application/json`, `Content-Encoding: gzip`
        /// when compressed, then the configured ones. A configured `Content-Type` or
        /// `Content-Encoding` is left out, because the body is what these two say it is.
        public var requestHeaders: [(String, String)] {
            var out = [("Content-Type", OTLPWire.contentType)]
            if compression == .gzip { out.append(("Content-Encoding", "gzip")) }
            for (name, value) in headers.fields
            where !OTLPHeaders.sameName(name, "Content-Type") && !OTLPHeaders.sameName(name, "Content-Encoding") {
                out.append((name, value))
            }
            return out
        }

        /// URL, compression and header names; no header value.
        public var description: String { "\(url) (compression: \(compression), headers: \(headers))" }
    }

    /// `POST /v1/traces`.
    public var traces: Destination
    /// `POST /v1/metrics`.
    public var metrics: Destination
    /// `POST /v1/logs`.
    public var logs: Destination
    /// `service.name` of metrics and events that carry no `service` tag.
    public var serviceName: String
    /// Constant resource attributes (never `service.name`, which is per record).
    public var resourceAttributes: [String: String]

    /// The destination of `signal`.
    public func destination(for signal: OTLPSignal) -> Destination {
        switch signal {
        case .traces: traces
        case .metrics: metrics
        case .logs: logs
        }
    }

    /// Resolves `settings` (a sink entry's keys) over `environment`.
    /// - Throws: `OTLPEnvironment.Problem` naming the setting or variable that is malformed.
    public init(settings: [String: String] = [:], environment: [String: String]) throws(Problem) {
        func setting(_ key: String) -> (key: String, value: String)? {
            settings[key].flatMap(Self.nonEmpty).map { (key, $0) }
        }
        func variable(_ names: String...) -> (key: String, value: String)? {
            names.lazy.compactMap { name in environment[name].flatMap(Self.nonEmpty).map { (name, $0) } }.first
        }

        func destination(_ signal: OTLPSignal) throws(Problem) -> Destination {
            let specific = "OTEL_EXPORTER_OTLP_\(signal.variableInfix)_"
            let url: String
            if let (key, base) = setting("endpoint") {
                url = try Self.validURL(Self.join(base, signal.path), key: key, given: base)
            } else if let (key, full) = variable(specific + "ENDPOINT") {
                url = try Self.validURL(full, key: key, given: full)
            } else if let (key, base) = variable("OTEL_EXPORTER_OTLP_ENDPOINT") {
                url = try Self.validURL(Self.join(base, signal.path), key: key, given: base)
            } else {
                url = Self.join(OTLPWire.defaultEndpoint, signal.path)
            }
            var headers = OTLPHeaders()
            if let (key, text) = setting("headers") ?? variable(specific + "HEADERS", "OTEL_EXPORTER_OTLP_HEADERS") {
                headers = try Self.headers(text, key: key)
            }
            var compression = OTLPCompression.none
            if let (key, text) =
                setting("compression") ?? variable(specific + "COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION")
            {
                compression = try Self.compression(text, key: key)
            }
            return Destination(url: url, headers: headers, compression: compression)
        }

        traces = try destination(.traces)
        metrics = try destination(.metrics)
        logs = try destination(.logs)

        var resource: [String: String] = [:]
        if let (key, text) = variable("OTEL_RESOURCE_ATTRIBUTES") {
            for (name, value) in try KeyValueList.parse(text, key: key, decodeKeys: true) { resource[name] = value }
        }
        serviceName =
            setting("service_name")?.value ?? variable("OTEL_SERVICE_NAME")?.value
            ?? resource["service.name"].flatMap(Self.nonEmpty) ?? OTLPWire.defaultServiceName
        resource["service.name"] = nil
        if let (_, host) = setting("host_name") { resource["host.name"] = host }
        if let (_, name) = setting("environment") { resource["deployment.environment"] = name }
        resourceAttributes = resource
    }

    /// Everything but header values, for status pages and logs.
    public var description: String {
        let resource = resourceAttributes.keys.sorted().map { "\($0)=\(resourceAttributes[$0]!)" }
        return "OTLPEnvironment(traces: \(traces), metrics: \(metrics), logs: \(logs), serviceName: \(serviceName), "
            + "resourceAttributes: [\(resource.joined(separator: ", "))])"
    }

    // MARK: - Values

    /// `base` without trailing slashes, then `path`: `http://c:4318/otlp/` → `http://c:4318/otlp/v1/traces`.
    static func join(_ base: String, _ path: String) -> String {
        var base = Substring(base)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + path
    }

    /// `url` when it is an http(s) URL with a host; `given` is what the user wrote, for the error.
    static func validURL(_ url: String, key: String, given: String) throws(Problem) -> String {
        let lower = url.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else {
            throw .invalidEndpoint(key: key, value: given)
        }
        let host = url.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.hasPrefix(":"), !host.contains(where: \.isWhitespace) else {
            throw .invalidEndpoint(key: key, value: given)
        }
        return url
    }

    /// Headers from `name=value,…`: names are HTTP tokens, values percent-decoded and free of
    /// control characters (a CR or LF would let a value forge further headers).
    static func headers(_ text: String, key: String) throws(Problem) -> OTLPHeaders {
        let pairs = try KeyValueList.parse(text, key: key, decodeKeys: false)
        for (position, (name, value)) in pairs.enumerated() {
            guard name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidHeaderName(key: key, position: position + 1)
            }
            guard value.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }) else {
                throw .malformedValue(key: key, name: name)
            }
        }
        return OTLPHeaders(pairs)
    }

    static func compression(_ text: String, key: String) throws(Problem) -> OTLPCompression {
        switch text.lowercased() {
        case "gzip": .gzip
        case "none", "identity": OTLPCompression.none
        default: throw .unknownCompression(key: key, value: text)
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func nonEmpty(_ text: String) -> String? {
        let trimmed = KeyValueList.trimmed(Substring(text))
        return trimmed.isEmpty ? nil : String(trimmed)
    }
}
