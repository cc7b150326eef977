import TraceTailCore

/// The HTTP request lines each service writes, in their real shapes.
enum ServiceLines {
    /// nova's `nova.api.openstack.requestlog` line, written when the request ends:
    /// `10.0.0.5 "GET /v2.1/servers/detail" status: 200 len: 1893 microversion: 2.79 time: 0.247785`.
    static func nova(
        _ time: EventTime, pid: Int, context: RequestContext, ip: String, method: String, path: String,
        status: Int, length: Int, microversion: String, micros: Int64
    ) -> String {
        OsloFormat.line(
            time, pid: pid, "INFO", "nova.api.openstack.requestlog", context: context,
            "\(ip) \"\(method) \(path)\" status: \(status) len: \(length) microversion: \(microversion) time: "
                + OsloFormat.seconds(micros: micros))
    }

    /// neutron's eventlet `neutron.wsgi` line (two spaces before `len:`, seven decimals):
    /// `10.0.0.21 "GET /v2.0/ports?device_id=… HTTP/1.1" status: 200  len: 1213 time: 0.0412345`.
    static func neutron(
        _ time: EventTime, pid: Int, context: RequestContext, ip: String, method: String, path: String,
        status: Int, length: Int, micros: Int64, lastDigit: Int
    ) -> String {
        OsloFormat.line(
            time, pid: pid, "INFO", "neutron.wsgi", context: context,
            "\(ip) \"\(method) \(path) HTTP/1.1\" status: \(status)  len: \(length) time: "
                + OsloFormat.seconds(micros: micros) + String(lastDigit))
    }

    /// glance's eventlet access line:
    /// `10.0.0.21 - - [27/Nov/2026 10:00:00] "GET /v2/images/<id> HTTP/1.1" 200 1654 0.041234`.
    static func glance(
        _ time: EventTime, pid: Int, context: RequestContext, ip: String, method: String, path: String,
        status: Int, length: Int, micros: Int64
    ) -> String {
        OsloFormat.line(
            time, pid: pid, "INFO", "eventlet.wsgi.server", context: context,
            "\(ip) - - [\(OsloFormat.eventletTime(time))] \"\(method) \(path) HTTP/1.1\" \(status) \(length) "
                + OsloFormat.seconds(micros: micros))
    }
}
