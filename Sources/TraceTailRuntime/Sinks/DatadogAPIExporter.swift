import CompressNIO
import DatadogWire
import Logging
import NIOCore
import TraceTailCore

/// The `datadog_api` sink (agentless): gauges and counts to `POST /api/v2/series`,
/// distributions to `/api/v1/distribution_points`, events to `/api/v1/events`, gzip-compressed,
/// authenticated by `DD-API-KEY`. Spans need an agent; this sink skips them (counted).
final class DatadogAPIExporter: RecordExporter {
    let type = "datadog_api"
    /// `https://api.datadoghq.com` or the configured `endpoint`.
    let target: String
    let apiKey: DatadogAPIKey
    let host: String?
    /// `env`/`version` added to every series and event.
    let tags: [(String, String)]
    let intervalSeconds: Int64
    let settings: ExportSettings
    let logger: Logger
    private let lane: ExportLane<OutputRecord>
    private let sender: any HTTPSender

    static let batch = 10_000

    init(
        baseURL: String, apiKey: DatadogAPIKey, host: String?, tags: [(String, String)], intervalSeconds: Int64,
        settings: ExportSettings,
        sender: any HTTPSender, logger: Logger
    ) {
        self.target = baseURL
        self.apiKey = apiKey
        self.host = host
        self.tags = tags
        self.intervalSeconds = intervalSeconds
        self.settings = settings
        self.sender = sender
        self.logger = logger
        lane = ExportLane(settings: settings)
    }

    func offer(_ records: [OutputRecord], waiting: Bool) {
        lane.offer(records.filter { if case .span = $0 { false } else { true } }, waiting: waiting)
    }

    func finish(giveUpAfterNanoseconds: Int64) { lane.finish(giveUpAfterNanoseconds: giveUpAfterNanoseconds) }

    func run() async {
        let delivery = lane.delivery(sender: sender, logger: logger, label: "datadog_api \(target)")
        while let batch = await lane.nextBatch(limit: Self.batch) {
            for request in requests(for: batch) {
                await delivery.deliver(request.request, records: request.records)
            }
        }
    }

    struct Planned {
        var request: OutboundRequest
        var records: Int
    }

    /// The requests one batch becomes: series, distribution points, one per event.
    func requests(for batch: [OutputRecord]) -> [Planned] {
        var series: [MetricPoint] = []
        var distributions: [MetricPoint] = []
        var events: [TelemetryEvent] = []
        for record in batch {
            switch record {
            case .metric(let point) where point.type == .distribution: distributions.append(point)
            case .metric(let point): series.append(point)
            case .event(let event): events.append(event)
            case .span: break
            }
        }
        var planned: [Planned] = []
        // A batch becomes several bodies only past 3 MiB of JSON; the records are then shared
        // out over its bodies (exactly in total, approximately per body) for the counters.
        func add(_ path: String, _ bodies: [[UInt8]], records: Int) {
            for (index, body) in bodies.enumerated() {
                let share = records / bodies.count + (index < records % bodies.count ? 1 : 0)
                planned.append(Planned(request: post(path, body), records: share))
            }
        }
        add(
            "/api/v2/series",
            DatadogAPIPayloads.series(series, interval: intervalSeconds, host: host, constantTags: tags),
            records: series.count)
        add(
            "/api/v1/distribution_points",
            DatadogAPIPayloads.distributionPoints(distributions, host: host, constantTags: tags),
            records: distributions.count)
        for event in events {
            planned.append(
                Planned(
                    request: post("/api/v1/events", DatadogAPIPayloads.event(event, host: host, constantTags: tags)),
                    records: 1))
        }
        return planned
    }

    private func post(_ path: String, _ json: [UInt8]) -> OutboundRequest {
        var headers = [("Content-Type", "application/json"), ("DD-API-KEY", apiKey.value)]
        var body = json
        // The API takes gzip and counts its 500 KB limit compressed; a body that cannot be
        // compressed (never expected) goes as it is.
        var buffer = ByteBuffer(bytes: json)
        if let compressed = try? buffer.compress(with: .gzip()) {
            body = Array(compressed.readableBytesView)
            headers.append(("Content-Encoding", "gzip"))
        }
        return OutboundRequest(method: "POST", url: target + path, headers: headers, body: body)
    }

    var statuses: [DaemonStatus.Sink] {
        [lane.status(type: type, target: target)]
    }
}
