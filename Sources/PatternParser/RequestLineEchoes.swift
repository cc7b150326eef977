import TraceTailCore

/// Recognises uWSGI's request line as the echo of a request line the service logged itself.
///
/// Under uWSGI (devstack since Pike) one request leaves two lines in the API's log: nova's own
/// `requestlog` line, with the request id, and uWSGI's `[pid: …] … POST /compute/v2.1/servers =>
/// generated 1611 bytes in 513 msecs (HTTP/1.1 202)`, without one. Counted as two requests they
/// doubled the request rate. uWSGI's line comes just after the service's (it logs once the
/// response is written) and repeats its method, path, status and length: such a line is an echo,
/// and loses its HTTP fields (it becomes an ordinary id-less line). A uWSGI line no service line
/// accounts for (a request the app never logged) stays a request.
struct RequestLineEchoes: Sendable {
    /// A service request line, reduced to what its echo repeats.
    struct Request: Sendable {
        var method: UInt64
        var path: UInt64
        var status: Int
        var bytes: Int?
        /// When it was logged, and when it began (time − latency).
        var time: Int64
        var start: Int64
    }

    /// The last few service request lines of this file, oldest first. Small: the echo follows its
    /// line within milliseconds, and only concurrent requests can come between them.
    private var recent: [Request] = []
    static let capacity = 64
    /// uWSGI's own time has whole seconds and is the request's start; a wrapper's is its end.
    static let slack: Int64 = 2_000_000_000

    static let uwsgiRules: [PatternName] = [PatternName("uwsgi_request"), PatternName("uwsgi_request_line")]

    /// Looks at a matched event: remembers a service request line, or strips an echo of one.
    /// - Returns: true when `event` was an echo (its HTTP fields are removed).
    mutating func check(_ event: inout LogEvent) -> Bool {
        guard let http = event.http, let status = http.status, let methodRange = http.method,
            let pathRange = http.path, let time = event.timestamp?.nanoseconds
        else { return false }
        let method = FNV1a.hash64(event.bytes(methodRange))
        let path = FNV1a.hash64(event.bytes(pathRange))
        if event.requestID != nil {
            let latency = http.latencyMs.map { $0.isFinite && $0 > 0 ? Int64(min($0, 1e9) * 1e6) : 0 } ?? 0
            if recent.count == Self.capacity { recent.removeFirst() }
            recent.append(
                Request(
                    method: method, path: path, status: status, bytes: http.bytes, time: time, start: time - latency))
            return false
        }
        guard let rule = event.matchedRuleName, Self.uwsgiRules.contains(rule) else { return false }
        guard
            let i = recent.lastIndex(where: {
                $0.method == method && $0.path == path && $0.status == status && $0.bytes == http.bytes
                    && time >= $0.start - Self.slack && time <= $0.time + Self.slack
            })
        else { return false }
        recent.remove(at: i)
        event.http = nil
        return true
    }
}
