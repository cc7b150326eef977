import CompressNIO
import Logging
import NIOCore
import OTLPWire
import TraceTailCore

/// The `otlp_http` sink: spans to `/v1/traces`, gauges, counts and histograms to `/v1/metrics`,
/// events to `/v1/logs`, as OTLP/HTTP JSON, with OTLP's retry rules (429/502/503/504 and
/// connection failures retried honouring `Retry-After`, 400 and 413 never). A partial success
/// (200 with `partialSuccess.rejected…`) is not retried; the rejected records are counted.
final class OTLPExporter: RecordExporter {
    let type = "otlp_http"
    let target: String
    let environment: OTLPEnvironment
    let settings: ExportSettings
    let intervalNanoseconds: Int64
    let logger: Logger
    private let lane: ExportLane<OutputRecord>
    private var stats: DeliveryStats { lane.stats }
    private let sender: any HTTPSender

    static let batch = 5_000
    /// Bodies stay below 512 KiB: receivers answer 413 well below the 20 MiB the spec suggests
    /// (aiohttp-based ones, like Datadog's test agent, at 1 MiB), and a 413 is never retried.
    static let maxBodyBytes = 512 << 10

    init(
        environment: OTLPEnvironment, intervalNanoseconds: Int64, settings: ExportSettings, sender: any HTTPSender,
        logger: Logger
    ) {
        self.environment = environment
        self.intervalNanoseconds = intervalNanoseconds
        self.settings = settings
        self.sender = sender
        self.logger = logger
        target = environment.traces.url
        lane = ExportLane(settings: settings)
    }

    func offer(_ records: [OutputRecord], waiting: Bool) {
        lane.offer(records, waiting: waiting)
    }

    func finish(giveUpAfterNanoseconds: Int64) { lane.finish(giveUpAfterNanoseconds: giveUpAfterNanoseconds) }

    func run() async {
        let delivery = lane.delivery(sender: sender, logger: logger, label: "otlp_http \(target)")
        let options = OTLPEncoderOptions(environment: environment, maxBodyBytes: Self.maxBodyBytes)
        while let batch = await lane.nextBatch(limit: Self.batch) {
            var spans: [Span] = []
            var points: [MetricPoint] = []
            var events: [TelemetryEvent] = []
            for record in batch {
                switch record {
                case .span(let span): spans.append(span)
                case .metric(let point): points.append(point)
                case .event(let event): events.append(event)
                }
            }
            if !spans.isEmpty {
                await send(OTLPTraceEncoder(options: options).encode(spans), to: environment.traces, delivery)
            }
            if !points.isEmpty {
                let encoder = OTLPMetricsEncoder(
                    options: options, interval: EventDuration(nanoseconds: intervalNanoseconds))
                await send(encoder.encode(points), to: environment.metrics, delivery)
            }
            if !events.isEmpty {
                await send(OTLPLogsEncoder(options: options).encode(events), to: environment.logs, delivery)
            }
        }
    }

    private func send(
        _ encoded: OTLPExportBodies, to destination: OTLPEnvironment.Destination, _ delivery: HTTPDelivery
    ) async {
        let skipped = encoded.skippedNonFinite + encoded.skippedOversized
        if skipped > 0 { stats.update { $0.unencodable += skipped } }
        let url = destination.url
        for body in encoded.bodies {
            var bytes = body.bytes
            if destination.compression == .gzip {
                var buffer = ByteBuffer(bytes: body.bytes)
                guard let compressed = try? buffer.compress(with: .gzip()) else {
                    stats.update { $0.unencodable += body.recordCount }
                    continue
                }
                bytes = Array(compressed.readableBytesView)
            }
            let request = OutboundRequest(
                method: "POST", url: url, headers: destination.requestHeaders, body: bytes)
            guard let answer = await delivery.deliver(request, records: body.recordCount) else { continue }
            let partial = OTLPPartialSuccess(responseBody: Array(answer.bodyPrefix.utf8))
            if partial.rejected > 0 {
                // Delivered as far as HTTP goes, but the receiver kept only part: never retried
                // (OTLP says so), counted as dropped.
                let rejected = Int(clamping: partial.rejected)
                stats.update {
                    $0.delivered -= min($0.delivered, rejected)
                    $0.droppedRecords += rejected
                    $0.lastError = "partial success: \(rejected) rejected: \(partial.errorMessage)"
                    $0.lastErrorAt = Clock.wallNanoseconds()
                }
                logger.warning(
                    "OTLP receiver rejected part of a payload",
                    metadata: [
                        "sink": "otlp_http \(url)", "rejected": "\(partial.rejected)",
                        "message": "\(partial.errorMessage)",
                    ])
            }
        }
    }

    var statuses: [DaemonStatus.Sink] {
        [lane.status(type: type, target: target)]
    }
}
