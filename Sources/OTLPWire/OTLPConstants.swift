import TraceTailCore

/// Constants of OTLP/HTTP JSON (ANCHORS §3.4) shared by the encoders and the environment.
public enum OTLPWire {
    /// The request and response media type. Exactly this: receivers match it literally
    /// (DESIGN §6), so no `; charset=utf-8`.
    public static let contentType = "application/json"
    /// The OTel default for OTLP/HTTP: a local collector or agent.
    public static let defaultEndpoint = "http://localhost:4318"
    /// `service.name` for metrics and events that carry no `service` tag.
    public static let defaultServiceName = "tracetail"
    /// 4 MiB: a fifth of the 20 MiB receivers are recommended to accept, so a body never meets
    /// a smaller limit (many proxies stop at 4–10 MiB) and a retry resends little.
    public static let defaultMaxBodyBytes = 4 << 20
    /// The instrumentation scope of everything TraceTail exports.
    public static let scopeName = "tracetail"
    /// The scope's version: TraceTail's own.
    public static var scopeVersion: String { TraceTailVersion.current }
}
