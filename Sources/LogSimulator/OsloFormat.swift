import TraceTailCore

/// Renders lines the way oslo.log's `ContextFormatter` does with its current defaults:
///
///     logging_context_format_string = %(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s
///         [%(global_request_id)s %(request_id)s %(user_identity)s] %(instance)s%(message)s
///     logging_default_format_string = … %(name)s [-] %(instance)s%(message)s
///     logging_exception_prefix      = %(asctime)s.%(msecs)03d %(process)d ERROR %(name)s %(instance)s
///     logging_user_identity_format  = %(user)s %(project)s %(domain)s %(system_scope)s
///                                     %(user_domain)s %(project_domain)s
enum OsloFormat {
    /// `2026-11-27 10:00:00.123` (asctime has no zone; the simulator writes UTC).
    static func asctime(_ time: EventTime) -> String {
        let c = CivilTime(time)
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) \(pad(c.hour, 2)):\(pad(c.minute, 2)):"
            + "\(pad(c.second, 2)).\(pad(c.nanosecond / 1_000_000, 3))"
    }

    /// eventlet's access-log time, `27/Nov/2026 10:00:00`.
    static func eventletTime(_ time: EventTime) -> String {
        let c = CivilTime(time)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return
            "\(pad(c.day, 2))/\(months[c.month - 1])/\(c.year) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
    }

    /// One log record. `context` nil renders the `[-]` of a record logged outside any request.
    static func line(
        _ time: EventTime, pid: Int, _ level: String, _ logger: String, context: RequestContext?,
        instance: UUID128? = nil, _ message: String
    ) -> String {
        let bracket = context?.bracket ?? "[-]"
        let tag = instance.map { "[instance: \($0)] " } ?? ""
        return "\(asctime(time)) \(pid) \(level) \(logger) \(bracket) \(tag)\(message)"
    }

    /// One traceback line as `logging_exception_prefix` writes it: no context bracket at all.
    static func exceptionLine(_ time: EventTime, pid: Int, _ logger: String, _ text: String) -> String {
        "\(asctime(time)) \(pid) ERROR \(logger) \(text)"
    }

    /// Seconds with six decimals from microseconds (`time: 0.247785`), without floating point.
    static func seconds(micros: Int64) -> String {
        "\(micros / 1_000_000).\(pad(Int(micros % 1_000_000), 6))"
    }

    /// Two decimals from microseconds (`Took 12.34 seconds`).
    static func centiSeconds(micros: Int64) -> String {
        let cents = micros / 10_000
        return "\(cents / 100).\(pad(Int(cents % 100), 2))"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// The request context oslo.log prints in the bracket.
struct RequestContext: Sendable, Equatable {
    /// `global_request_id`: the caller's request id, or nil (`None`) at the edge of the cloud.
    var global: RequestID?
    /// This service's own `request_id`.
    var request: RequestID
    /// Keystone user id (32 hex), or nil for a context without a user (periodic tasks).
    var user: String?
    /// Keystone project id (32 hex), or nil.
    var project: String?

    /// `[None req-… user project - - default default]`, or `[None req-… - - - - - -]` without a user.
    var bracket: String {
        let global = global.map { $0.description } ?? "None"
        let identity =
            if let user, let project { "\(user) \(project) - - default default" } else { "- - - - - -" }
        return "[\(global) \(request) \(identity)]"
    }
}
