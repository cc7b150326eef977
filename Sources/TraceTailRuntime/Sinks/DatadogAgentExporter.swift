import DatadogWire
import Logging
import TraceTailCore

/// The `datadog_agent` sink: spans to the trace agent (`PUT /v0.4/traces`, msgpack) and
/// metrics and events to DogStatsD (UDP or a Unix socket), each from its own queue so a slow
/// trace agent never holds metrics back.
final class DatadogAgentExporter: RecordExporter {
    let type = "datadog_agent"
    let target: String
    let traceURL: String
    let statsdTarget: DatagramTarget
    let settings: ExportSettings
    let traceOptions: TraceAgentEncoder.Options
    let statsdOptions: DogStatsDFormatter.Options
    let logger: Logger
    private let spans: ExportLane<Span>
    private let telemetry: ExportLane<OutputRecord>
    private var traceStats: DeliveryStats { spans.stats }
    private var statsdStats: DeliveryStats { telemetry.stats }
    private let sender: any HTTPSender

    /// Spans per request; payloads are also split by size inside the encoder.
    static let spanBatch = 5_000
    static let telemetryBatch = 2_000

    init(
        traceURL: String, statsd: DatagramTarget, traceOptions: TraceAgentEncoder.Options,
        statsdOptions: DogStatsDFormatter.Options, settings: ExportSettings, sender: any HTTPSender, logger: Logger
    ) {
        self.traceURL = traceURL
        self.statsdTarget = statsd
        self.traceOptions = traceOptions
        self.statsdOptions = statsdOptions
        self.settings = settings
        self.sender = sender
        self.logger = logger
        self.target = "\(traceURL) + \(statsd)"
        spans = ExportLane(settings: settings)
        telemetry = ExportLane(settings: settings)
    }

    func offer(_ records: [OutputRecord], waiting: Bool) {
        var newSpans: [Span] = []
        var rest: [OutputRecord] = []
        for record in records {
            if case .span(let span) = record { newSpans.append(span) } else { rest.append(record) }
        }
        spans.offer(newSpans, waiting: waiting)
        telemetry.offer(rest, waiting: waiting)
    }

    func finish(giveUpAfterNanoseconds: Int64) {
        spans.finish(giveUpAfterNanoseconds: giveUpAfterNanoseconds)
        telemetry.finish(giveUpAfterNanoseconds: giveUpAfterNanoseconds)
    }

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.sendTraces() }
            group.addTask { await self.sendTelemetry() }
        }
    }

    private func sendTraces() async {
        let delivery = spans.delivery(sender: sender, logger: logger, label: "datadog_agent \(traceURL)")
        let encoder = TraceAgentEncoder(options: traceOptions)
        while let batch = await spans.nextBatch(limit: Self.spanBatch) {
            let payloads = encoder.encode(batch)
            // A span larger than a whole payload is left out by the encoder; it is counted.
            let left = batch.count - payloads.reduce(0) { $0 + $1.spanCount }
            if left > 0 { traceStats.update { $0.unencodable += left } }
            for payload in payloads {
                let request = OutboundRequest(
                    method: "PUT", url: traceURL, headers: encoder.headers(for: payload), body: payload.body)
                await delivery.deliver(request, records: payload.spanCount)
            }
        }
    }

    private func sendTelemetry() async {
        let connection = DatagramConnection(target: statsdTarget)
        let formatter = DogStatsDFormatter(options: statsdOptions)
        // Failures are logged at most once a minute: a connected UDP socket with no listener
        // fails every other send (ICMP), which must not flood the log.
        var lastWarning: Int64?
        while let batch = await telemetry.queue.take(limit: Self.telemetryBatch) {
            var batcher = DogStatsDBatcher(maxPacketBytes: statsdTarget.maxPacketBytes)
            var unencodable = 0
            for record in batch {
                let line: [UInt8]?
                switch record {
                case .metric(let point): line = formatter.line(point)
                case .event(let event): line = formatter.eventLine(event)
                case .span: line = nil
                }
                if let line { batcher.append(line) } else { unencodable += 1 }
            }
            let datagrams = batcher.finish()
            let oversized = batcher.oversized
            statsdStats.update { $0.unencodable += unencodable + oversized }
            for datagram in datagrams {
                let lines = datagram.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                do {
                    try await connection.send(datagram)
                    statsdStats.update {
                        $0.delivered += lines
                        $0.payloads += 1
                        $0.failing = false
                    }
                } catch {
                    // Datagrams are fire-and-forget, as in every DogStatsD client: a lost one is
                    // counted, never retried (the agent may be down for minutes).
                    statsdStats.update {
                        $0.droppedRecords += lines
                        $0.failing = true
                        $0.lastError = "\(error)"
                        $0.lastErrorAt = Clock.wallNanoseconds()
                    }
                    let now = Clock.monotonicNanoseconds()
                    if lastWarning.map({ now - $0 >= 60_000_000_000 }) ?? true {
                        lastWarning = now
                        logger.warning(
                            "DogStatsD send failing; datagrams are dropped and counted",
                            metadata: [
                                "sink": "\(statsdTarget)", "error": "\(error)",
                                "dropped_so_far": "\(statsdStats.snapshot.droppedRecords)",
                            ])
                    }
                }
            }
        }
        await connection.close()
    }

    /// Two rows: traces and DogStatsD fail independently.
    var statuses: [DaemonStatus.Sink] {
        [
            spans.status(type: "datadog_agent.traces", target: traceURL),
            telemetry.status(type: "datadog_agent.dogstatsd", target: statsdTarget.description),
        ]
    }
}
