import TraceTailCore

extension SpanAccumulator {
    /// Adds one line. Every field keeps the value of the least line in `LineOrder` (or the
    /// extreme: earliest start, latest end, outermost request line), so the result does not
    /// depend on arrival order. `component` is the interned logger name, given only when the
    /// caller saw that this line will be the span's first.
    mutating func add(
        _ event: LogEvent, order: LineOrder, time: EventTime?, component: Int32?, service: Int32, adoptService: Bool
    ) {
        lineCount += 1
        if let time {
            let lineStart = SpanAccumulator.start(of: event, loggedAt: time)
            if lineStart < start { start = lineStart }
            if time > end { end = time }
            if order < first {
                first = order
                firstPid = event.pid
                self.component = component ?? -1
                if adoptService { self.service = service }
            }
            if let http = event.http, http.method != nil || http.status != nil {
                var candidate = RequestLine(
                    method: nil, path: nil, status: http.status, start: lineStart, end: time, order: order)
                if request.map({ candidate.isOuter(than: $0) }) ?? true {
                    // Strings only for the winning request line: one per span in practice.
                    candidate.method = event.text(http.method)
                    candidate.path = event.text(http.path)
                    request = candidate
                }
            }
        }
        if let status = event.http?.status, status > maxStatus { maxStatus = status }
        if let level = event.level, level.isError {
            error = true
            if order < errorOrder {
                errorOrder = order
                errorMessage = SpanAccumulator.errorText(of: event)
            }
        }
        if let range = event.instanceID, order < instanceOrder {
            instanceOrder = order
            let bytes = event.bytes(range)
            instance = UUIDText.parse(bytes).map { .uuid($0) } ?? .text(String(decoding: bytes, as: UTF8.self))
        }
        if let parent = event.parentID, order < parentOrder {
            parentOrder = order
            explicitParent = parent
        }
        if let requestID = event.requestID, order < requestOrder {
            requestOrder = order
            self.requestID = requestID
        }
        if let global = event.globalRequestID, globalID.map({ global < $0 }) ?? true { globalID = global }
    }

    /// When a line's work began: its time minus its latency (request lines and JSON events
    /// with `latency_ms` are logged at their end, DESIGN §2/§3), else its time.
    static func start(of event: LogEvent, loggedAt time: EventTime) -> EventTime {
        guard let latency = event.http?.latencyMs, latency.isFinite, latency > 0 else { return time }
        return time.advanced(byNanoseconds: -nanoseconds(milliseconds: latency))
    }

    static func nanoseconds(milliseconds: Double) -> Int64 {
        let ns = (milliseconds * 1e6).rounded()
        return ns < 9e18 ? Int64(ns) : Int64.max / 4
    }

    /// The message of an error line, cut to `maxErrorMessageBytes`.
    static func errorText(of event: LogEvent) -> String? {
        guard let range = event.message else { return nil }
        let bytes = event.bytes(range)
        return String(decoding: bytes.prefix(SpanCorrelator.maxErrorMessageBytes), as: UTF8.self)
    }
}
