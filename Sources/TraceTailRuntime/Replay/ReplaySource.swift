import PatternParser
import TraceTailCore

/// One file of a replay, with everything resolved: its id, format, service and zone.
public struct ReplaySource: Sendable {
    public var id: SourceID
    /// Path as given or expanded.
    public var path: String
    /// Last path component (`nova-api.log`): the default service name's origin.
    public var fileName: String
    public var format: LogFormat
    /// Configured service, if any.
    public var service: String?
    /// Zone of zone-less times; nil = UTC.
    public var zone: ZoneRules?
    /// Size when opened, for progress (compressed size for gzip files).
    public var size: Int
    /// Where yearless wrapper times are placed (the source's `year`, else the file's
    /// modification time); nil = now.
    public var yearReference: EventTime?

    public init(
        id: SourceID, path: String, fileName: String, format: LogFormat, service: String? = nil,
        zone: ZoneRules? = nil, size: Int = 0, yearReference: EventTime? = nil
    ) {
        self.id = id
        self.path = path
        self.fileName = fileName
        self.format = format
        self.service = service
        self.zone = zone
        self.size = size
        self.yearReference = yearReference
    }
}
