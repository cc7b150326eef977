/// What every OTLP body carries besides the records: the resource attributes, the service
/// name of records without one, and the body size limit.
public struct OTLPEncoderOptions: Sendable, Hashable {
    /// Constant resource attributes on every resource (`host.name`, `deployment.environment`,
    /// those of `OTEL_RESOURCE_ATTRIBUTES`). A `service.name` here is ignored: each resource's
    /// `service.name` is its records' service.
    public var resourceAttributes: [String: String]
    /// `service.name` of metric points and events without a `service` tag. Spans always have
    /// their own service.
    public var defaultServiceName: String
    /// Largest body, uncompressed. Receivers are recommended to accept 20 MiB.
    public var maxBodyBytes: Int

    /// Options; defaults: no constant attributes, `tracetail`, 4 MiB.
    public init(
        resourceAttributes: [String: String] = [:], defaultServiceName: String = OTLPWire.defaultServiceName,
        maxBodyBytes: Int = OTLPWire.defaultMaxBodyBytes
    ) {
        self.resourceAttributes = resourceAttributes
        self.defaultServiceName = defaultServiceName
        self.maxBodyBytes = maxBodyBytes
    }

    /// The options a resolved environment gives: its resource attributes and service name.
    public init(environment: OTLPEnvironment, maxBodyBytes: Int = OTLPWire.defaultMaxBodyBytes) {
        self.init(
            resourceAttributes: environment.resourceAttributes, defaultServiceName: environment.serviceName,
            maxBodyBytes: maxBodyBytes)
    }

    /// `service.name` for a record whose `service` tag is `tag`: the tag unless absent or empty.
    func serviceName(tag: String?) -> String {
        guard let tag, !tag.isEmpty else { return defaultServiceName }
        return tag
    }
}
