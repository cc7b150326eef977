import Foundation
import Logging
import TraceTailCore

/// The `webhook` sink: POSTs a Slack, PagerDuty Events v2 or plain JSON body for each incident
/// opened or resolved and each fix promoted or rolled back, with the shared retry rules.
///
/// The URL of a Slack webhook and the PagerDuty routing key are secrets: logs and `/status`
/// show only the URL's scheme and host.
final class WebhookExporter: RecordExporter {
    let type = "webhook"
    let target: String
    let url: String
    let format: WebhookPayload.Format
    let routingKey: String?
    let settings: ExportSettings
    let logger: Logger
    private let lane: ExportLane<TelemetryEvent>
    private let sender: any HTTPSender

    init(
        url: String, format: WebhookPayload.Format, routingKey: String?, settings: ExportSettings,
        sender: any HTTPSender, logger: Logger
    ) {
        self.url = url
        self.format = format
        self.routingKey = routingKey
        self.settings = settings
        self.sender = sender
        self.logger = logger
        target = Self.redacted(url)
        lane = ExportLane(settings: settings)
    }

    /// `https://hooks.slack.com/…`: scheme and host only.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "…" }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostOnly = host.split(separator: "@").last.map(String.init) ?? String(host)
        return url[..<schemeEnd.upperBound] + hostOnly + (rest.count > host.count ? "/…" : "")
    }

    func offer(_ records: [OutputRecord], waiting: Bool) {
        let events = records.compactMap { record -> TelemetryEvent? in
            guard case .event(let event) = record, WebhookPayload.notable.contains(event.name) else { return nil }
            return event
        }
        lane.offer(events, waiting: waiting)
    }

    func finish(giveUpAfterNanoseconds: Int64) { lane.finish(giveUpAfterNanoseconds: giveUpAfterNanoseconds) }

    func run() async {
        let delivery = lane.delivery(sender: sender, logger: logger, label: "webhook \(target)")
        // One event at a time: notifications are few and each is its own request.
        while let batch = await lane.queue.take(limit: 100) {
            for event in batch {
                guard let body = WebhookPayload.body(event, format: format, routingKey: routingKey) else { continue }
                await delivery.deliver(
                    OutboundRequest(
                        method: "POST", url: url, headers: [("Content-Type", "application/json")], body: body),
                    records: 1)
            }
        }
    }

    var statuses: [DaemonStatus.Sink] {
        [lane.status(type: type, target: target)]
    }
}
