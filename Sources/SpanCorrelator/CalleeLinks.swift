import DequeModule
import TraceTailCore

/// Requests that another request called, learnt from the caller's client log lines.
///
/// Before global request ids (Pike), nothing in neutron's or glance's own lines says which nova
/// request called them; but nova's client debug lines record the callee's
/// `x-openstack-request-id` response header (`RESP: [200] … x-openstack-request-id: req-L`,
/// `… used request id req-L`). Request L is then parented under the caller R exactly as if L's
/// global request id were R: same trace, parent `low64(R)`.
///
/// Bounded: a link is kept until L is emitted, or until event time is `lifetime` past the line
/// that reported it (L's own lines end before its caller logs the response, so by then L has
/// been emitted or its logs are not being read), and never more than `capacity` links.
struct CalleeLinks: Sendable {
    /// Who called a request.
    struct Caller: Codable, Sendable, Equatable {
        /// The calling request.
        var request: RequestID
        /// The caller's global request id, when it had one: the trace both belong to.
        var global: RequestID?
        /// When the link was reported.
        var time: EventTime

        /// The trace the callee joins.
        var traceRoot: RequestID { global ?? request }
    }

    /// One link, as checkpoints store it.
    struct Entry: Codable, Sendable, Equatable {
        var callee: RequestID
        var caller: Caller
    }

    private(set) var callers: [RequestID: Caller] = [:]
    /// Callees in report order, for expiry (an entry whose link was replaced or taken is skipped).
    private var order: Deque<(callee: RequestID, time: EventTime)> = []
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Records that `caller` called `callee` (the first report wins: a retried call keeps its caller).
    mutating func link(_ callee: RequestID, to caller: Caller) {
        guard callee != caller.request, callers[callee] == nil else { return }
        callers[callee] = caller
        order.append((callee, caller.time))
        while callers.count > capacity, let oldest = order.popFirst() {
            if callers[oldest.callee]?.time == oldest.time { callers[oldest.callee] = nil }
        }
    }

    /// The caller of `callee`, forgetting the link (a request is emitted once). Free when no
    /// link is held (releases with global ids never have any): no hashing per emitted request.
    mutating func take(_ callee: RequestID) -> Caller? {
        callers.isEmpty ? nil : callers.removeValue(forKey: callee)
    }

    /// Forgets links reported before `time`.
    mutating func forget(before time: EventTime) {
        while let first = order.first, first.time < time {
            order.removeFirst()
            if callers[first.callee]?.time == first.time { callers[first.callee] = nil }
        }
        if callers.isEmpty { order.removeAll() }
    }

    /// The links in report order, for a checkpoint.
    var entries: [Entry] {
        order.compactMap { item in
            guard let caller = callers[item.callee], caller.time == item.time else { return nil }
            return Entry(callee: item.callee, caller: caller)
        }
    }

    /// Links restored from a checkpoint, in their report order.
    init(entries: [Entry], capacity: Int) {
        self.init(capacity: capacity)
        for entry in entries { link(entry.callee, to: entry.caller) }
    }
}

extension SpanCorrelator {
    /// The capture the client-response rules put the callee's request id in.
    static let calleeRequestIDCapture = PatternName("callee_request_id")

    /// Notes the callee named by a line of request `requestID`, when the line names one.
    mutating func noteCallee(of event: LogEvent, requestID: RequestID, time: EventTime) {
        guard let range = event.extraCaptures.range(named: Self.calleeRequestIDCapture),
            let callee = RequestID(bytes: event.bytes(range))
        else { return }
        callees.link(callee, to: .init(request: requestID, global: event.globalRequestID, time: time))
    }
}
