import PatternParser
import TraceTailCore

/// What parsing one line yields, for every format: a log event, a CTA workflow event, or a
/// problem with a CTA event line (`file:line: message`). The one input of `Pipeline`.
public enum ParsedItem: Sendable {
    case log(LogEvent)
    case cta(CTAEvent)
    case problem(String)

    /// The item's event time, when it has one (continuation lines and problems have none).
    public var time: EventTime? {
        switch self {
        case .log(let event): event.timestamp
        case .cta(let event): event.timestamp
        case .problem: nil
        }
    }
}
