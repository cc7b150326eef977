import TraceTailCore

// Written by hand for one field: `latencyMs` comes from the input and may be infinite, which
// JSONEncoder refuses by default (`CheckpointDouble` writes it as text).
extension ChildRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case lineID, eventID, source, service, anchor, time, level, component, latencyMs, status, errorMessage
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lineID = try c.decode(Int.self, forKey: .lineID)
        eventID = try c.decodeIfPresent(Int.self, forKey: .eventID)
        source = try c.decode(UInt32.self, forKey: .source)
        service = try c.decode(Int32.self, forKey: .service)
        anchor = try c.decode(UInt64.self, forKey: .anchor)
        time = try c.decodeIfPresent(EventTime.self, forKey: .time)
        level = try c.decodeIfPresent(LogLevel.self, forKey: .level)
        component = try c.decode(Int32.self, forKey: .component)
        latencyMs = try c.decodeIfPresent(CheckpointDouble.self, forKey: .latencyMs)?.value
        status = try c.decodeIfPresent(Int.self, forKey: .status)
        errorMessage = try c.decodeIfPresent(String.self, forKey: .errorMessage)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lineID, forKey: .lineID)
        try c.encodeIfPresent(eventID, forKey: .eventID)
        try c.encode(source, forKey: .source)
        try c.encode(service, forKey: .service)
        try c.encode(anchor, forKey: .anchor)
        try c.encodeIfPresent(time, forKey: .time)
        try c.encodeIfPresent(level, forKey: .level)
        try c.encode(component, forKey: .component)
        try c.encodeIfPresent(latencyMs.map(CheckpointDouble.init), forKey: .latencyMs)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(errorMessage, forKey: .errorMessage)
    }
}
