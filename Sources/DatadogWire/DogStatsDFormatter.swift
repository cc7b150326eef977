import TraceTailCore

/// Renders metrics and events as DogStatsD messages (ANCHORS §3.1), one line each, without the
/// trailing newline; `DogStatsDBatcher` packs them into datagrams.
///
/// Hand-written on bytes because it runs once per metric point and the grammar is small.
public struct DogStatsDFormatter: Sendable {
    /// Settings shared by every line.
    public struct Options: Sendable {
        /// Tags appended to every line after the record's own, e.g. `[("env", "lab")]`. A
        /// record's own tag of the same key wins.
        public var constantTags: [(String, String)]
        /// Send `|T<unix seconds>` on gauges and counts (never distributions: the Agent would
        /// not aggregate them into sketches), so the Agent keeps our event time instead of its
        /// arrival time.
        public var timestamps: Bool
        /// Longest datagram the transport takes. Event text is cut to fit one.
        public var maxPacketBytes: Int

        /// Off-host UDP: 1432 bytes keeps a datagram inside a 1500-byte MTU.
        public static let udpPacketBytes = 1432
        /// Unix domain socket: the Agent's `dogstatsd_buffer_size`.
        public static let unixSocketPacketBytes = 8192

        /// Options; by default no constant tags, timestamps on, UDP-sized packets.
        public init(
            constantTags: [(String, String)] = [], timestamps: Bool = true, maxPacketBytes: Int = udpPacketBytes
        ) {
            self.constantTags = constantTags
            self.timestamps = timestamps
            self.maxPacketBytes = maxPacketBytes
        }
    }

    /// The options in force.
    public let options: Options
    /// The constant tags, escaped once.
    let constants: [(key: String, rendered: [UInt8])]

    /// A formatter with `options`.
    public init(options: Options = Options()) {
        self.options = options
        constants = options.constantTags.compactMap { key, value in
            DogStatsDText.tag(key: key, value: value).map { (key, $0) }
        }
    }

    /// `name:value|type[|T<seconds>][|#tags]`: gauge `g`, count `c`, distribution `d`.
    ///
    /// Nil when the value is NaN or infinite, or the name is empty: nothing valid can be sent
    /// (the caller counts it).
    public func line(_ metric: MetricPoint) -> [UInt8]? {
        guard !metric.name.isEmpty, let value = DogStatsDText.value(metric.value) else { return nil }
        var out = DogStatsDText.metricName(metric.name)
        out.reserveCapacity(out.count + 64)
        out.append(0x3a)  // :
        out += value
        out.append(0x7c)  // |
        switch metric.type {
        case .gauge: out.append(0x67)  // g
        case .count: out.append(0x63)  // c
        case .distribution: out.append(0x64)  // d
        }
        // The Agent reads `T` only when > 0 (ANCHORS §3.1).
        let seconds = Self.unixSeconds(metric.timestamp)
        if options.timestamps, metric.type != .distribution, seconds > 0 {
            out += [0x7c, 0x54]  // |T
            out += Array(String(seconds).utf8)
        }
        out += DogStatsDText.tagsField(metric.tags, constants: constants)
        return out
    }

    /// Whole seconds since the epoch, rounded down.
    static func unixSeconds(_ time: EventTime) -> Int64 {
        let (q, r) = time.nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        return r < 0 ? q - 1 : q
    }
}
