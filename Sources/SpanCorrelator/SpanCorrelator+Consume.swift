import TraceTailCore

extension SpanCorrelator {
    /// The capture holding a JSON event's `LineId` (the seed's event id).
    static let eventIDCapture = PatternName("event_id")

    /// One line: classify it (continuation, id-less, explicit, request), then join, open or
    /// hang it as a late child.
    mutating func process(_ event: LogEvent, slot: Int, into output: inout [Span]) {
        guard !event.isContinuation, let time = event.timestamp else {
            attachContinuation(event, slot: slot, into: &output)
            return
        }
        if event.unmatched != nil {
            counters.unmatched += 1
            return
        }
        let hasContext = event.traceID != nil || event.requestID != nil
        if !hasContext && !SpanCorrelator.isRequestLine(event) {
            // A traceback line that kept the ERROR prefix: same pid and time as that pid's
            // previous ERROR line (oslo `logging_exception_prefix`, no context bracket).
            if event.level?.isError == true, let pid = event.pid,
                let previous = pids.find(PidKey(source: event.source.rawValue, pid: pid)),
                previous.wasError, previous.time == time
            {
                attachContinuation(event, slot: slot, into: &output)
                return
            }
            counters.idlessDropped += 1
            notePrevious(event, slot: slot, target: nil, time: time)
            return
        }
        let service = resolveService(event, slot: slot)
        var explicitTrace: TraceID?
        let key: GroupKey
        if let trace = event.traceID {
            if let span = event.spanID {
                key = .explicit(trace: trace, span: span.rawValue)
            } else if let requestID = event.requestID {
                key = .request(requestID)
                explicitTrace = trace
            } else {
                var hash = FNVStream(resuming: servicePrefix[Int(service)])
                hash.add(hex: trace.high, digits: 16)
                hash.add(hex: trace.low, digits: 16)
                key = .explicit(trace: trace, span: hash.state)
            }
        } else if let requestID = event.requestID {
            key = .request(requestID)
        } else {
            var hash = FNVStream(resuming: servicePrefix[Int(service)])
            hash.add(decimal: event.lineID)
            hash.add(UInt8(ascii: "/"))
            if let stamp = event.timestampText { hash.add(event.bytes(stamp)) } else { hash.add(time.iso8601) }
            key = .idless(span: hash.state)
        }
        if let requestID = event.requestID { noteCallee(of: event, requestID: requestID, time: time) }
        route(event, key: key, explicitTrace: explicitTrace, service: service, slot: slot, time: time, into: &output)
    }

    /// True for a line that records an HTTP request (method or status present).
    static func isRequestLine(_ event: LogEvent) -> Bool {
        guard let http = event.http else { return false }
        return http.method != nil || http.status != nil
    }

    private mutating func route(
        _ event: LogEvent, key: GroupKey, explicitTrace: TraceID?, service: Int32, slot: Int, time: EventTime,
        into output: inout [Span]
    ) {
        if let g = table.find(key) {
            // A line idleTimeout or more after the group's newest line finds the group over,
            // whether or not the watermark has closed it yet: the same outcome in any order.
            if time >= table.groups[Int(g)].lastActive + configuration.idleTimeout {
                emitGroup(g, evicted: false, into: &output)
            } else {
                join(g, event, key: key, explicitTrace: explicitTrace, service: service, slot: slot, time: time)
                enforceCap(keeping: g, into: &output)
                return
            }
        }
        if let record = emitted.lookup(key) {
            let anchor = anchor(for: key, event: event, service: service)
            emitLate(event, record: record, service: service, anchor: anchor, fallbackTime: time, into: &output)
            notePrevious(
                event, slot: slot, target: LineTarget(key: key, service: service, anchor: anchor, time: time),
                time: time)
            return
        }
        let g = table.open(key, at: time)
        openOrder.opened(g, key: key, at: time)
        join(g, event, key: key, explicitTrace: explicitTrace, service: service, slot: slot, time: time)
        enforceCap(keeping: g, into: &output)
    }

    private mutating func join(
        _ g: Int32, _ event: LogEvent, key: GroupKey, explicitTrace: TraceID?, service: Int32, slot: Int,
        time: EventTime
    ) {
        let perService = key.kind == .request
        let s: Int32
        if let existing = table.span(in: g, service: perService ? service : nil) {
            s = existing
        } else {
            let accumulator = SpanAccumulator(
                service: service, anchor: anchor(for: key, event: event, service: service))
            s = table.addSpan(to: g, accumulator)
        }
        let order = LineOrder(time: time.nanoseconds, source: event.source.rawValue, line: event.lineID)
        var component: Int32?
        if order < table.spans[Int(s)].first, let range = event.component {
            component = components.intern(event.bytes(range))
        }
        // Explicit and id-less spans have one accumulator; its service is its first line's.
        let adopt = !perService && service != table.spans[Int(s)].service
        table[span: s].add(event, order: order, time: time, component: component, service: service, adoptService: adopt)
        if adopt && table.spans[Int(s)].service == service && key.kind == .explicit {
            table[span: s].anchor = anchor(for: key, event: event, service: service)
        }
        if let explicitTrace, table.spans[Int(s)].explicitTrace.map({ explicitTrace < $0 }) ?? true {
            table[span: s].explicitTrace = explicitTrace
        }
        if time > table.groups[Int(g)].lastActive { table[group: g].lastActive = time }
        table.touch(g)
        counters.events += 1
        let lineAnchor =
            perService || key.kind == .idless
            ? table.spans[Int(s)].anchor : anchor(for: key, event: event, service: service)
        if configuration.spanPerEvent {
            appendChild(event, to: s, service: service, anchor: lineAnchor, time: time)
        }
        notePrevious(
            event, slot: slot, target: LineTarget(key: key, service: service, anchor: lineAnchor, time: time),
            time: time)
    }

    /// A traceback / continuation line: it joins the span of the previous event of its pid
    /// (or, without a pid, of its source); never a trace of its own.
    mutating func attachContinuation(_ event: LogEvent, slot: Int, into output: inout [Span]) {
        let target: LineTarget?
        if let pid = event.pid {
            target = pids.find(PidKey(source: event.source.rawValue, pid: pid))?.target
        } else {
            target = sources[slot].lastTarget
        }
        guard let target else {
            counters.orphanContinuations += 1
            return
        }
        if let g = table.find(target.key),
            let s = table.span(in: g, service: target.key.kind == .request ? target.service : nil)
        {
            let order = LineOrder(
                time: event.timestamp?.nanoseconds ?? .max, source: event.source.rawValue, line: event.lineID)
            var component: Int32?
            if order < table.spans[Int(s)].first, let range = event.component {
                component = components.intern(event.bytes(range))
            }
            table[span: s].add(
                event, order: order, time: event.timestamp, component: component, service: target.service,
                adoptService: false)
            if let time = event.timestamp, time > table.groups[Int(g)].lastActive {
                table[group: g].lastActive = time
            }
            table.touch(g)
            counters.continuationAttached += 1
            counters.events += 1
            if configuration.spanPerEvent {
                appendChild(event, to: s, service: target.service, anchor: target.anchor, time: event.timestamp)
            }
        } else if let record = emitted.lookup(target.key) {
            counters.continuationAttached += 1
            emitLate(
                event, record: record, service: target.service, anchor: target.anchor, fallbackTime: target.time,
                into: &output)
        } else {
            counters.orphanContinuations += 1
        }
    }

    /// Remembers where this line went, for the continuation lines that may follow it.
    private mutating func notePrevious(_ event: LogEvent, slot: Int, target: LineTarget?, time: EventTime) {
        sources[slot].lastTarget = target
        guard let pid = event.pid else { return }
        if pids.count >= SpanCorrelator.maxPidStates { pids.removeAll() }
        pids.set(
            PidKey(source: event.source.rawValue, pid: pid),
            PidState(target: target, time: time, wasError: event.level?.isError ?? false))
    }

    /// The FNV-1a state after `<service>/<anchor text>` for a line of `key` (see the type's
    /// documentation): a non-entry span id for request groups, the prefix of child ids.
    func anchor(for key: GroupKey, event: LogEvent, service: Int32) -> UInt64 {
        var hash = FNVStream(resuming: servicePrefix[Int(service)])
        switch key.kind {
        case .request:
            if let text = event.requestIDText, text.count > 0 {
                hash.add(event.bytes(text))
            } else {
                hash.add(requestID: RequestID(uuid: UUID128(high: key.a, low: key.b)))
            }
        case .explicit:
            hash.add(hex: key.c, digits: 16)
        case .idless:
            return key.c
        }
        return hash.state
    }

    private mutating func appendChild(_ event: LogEvent, to s: Int32, service: Int32, anchor: UInt64, time: EventTime?)
    {
        guard table.spans[Int(s)].children.count < max(0, configuration.maxEventsPerSpan) else {
            counters.eventChildrenDropped += 1
            return
        }
        let child = makeChild(event, service: service, anchor: anchor, time: time)
        table[span: s].children.append(child)
    }

    mutating func makeChild(_ event: LogEvent, service: Int32, anchor: UInt64, time: EventTime?) -> ChildRecord {
        ChildRecord(
            lineID: event.lineID,
            eventID: event.extraCaptures.range(named: Self.eventIDCapture).flatMap { Int(event.text($0) ?? "") },
            source: event.source.rawValue, service: service, anchor: anchor, time: time,
            level: event.level, component: event.component.flatMap { components.intern(event.bytes($0)) } ?? -1,
            latencyMs: event.http?.latencyMs, status: event.http?.status,
            errorMessage: event.level?.isError == true ? SpanAccumulator.errorText(of: event) : nil)
    }

    /// Event time has reached `candidate`: correlate the held lines before it, in order, then
    /// emit every group idle for `idleTimeout`.
    ///
    /// Groups are checked from the least recently active end of the LRU list, which is in
    /// event-time order because lines are correlated in that order (only lines later than
    /// `allowedLateness` can perturb it, and then a group waits a little longer).
    mutating func release(before candidate: EventTime, into output: inout [Span]) {
        guard candidate > watermark else { return }
        watermark = candidate
        while let order = buffer.minOrder, order.time < watermark.nanoseconds, let event = buffer.popMin() {
            process(event, slot: SpanCorrelator.slot(of: event.source), into: &output)
        }
        let idle = configuration.idleTimeout
        while table.head >= 0, table.groups[Int(table.head)].lastActive + idle <= watermark {
            emitGroup(table.head, evicted: false, into: &output)
        }
        emitted.forget(before: watermark - idle - configuration.rememberFor)
        // A callee's lines end about when its caller logs the response, so it is emitted about
        // `idle` after the link; links are kept a further `idle` (60 s at least) for callees
        // that go on logging after they answered.
        callees.forget(before: watermark - idle - max(idle, .seconds(60)))
    }

    /// Past `maxOpenSpans`, emits least recently active groups (never `g`, the one in use).
    private mutating func enforceCap(keeping g: Int32, into output: inout [Span]) {
        let cap = max(1, configuration.maxOpenSpans)
        while table.openSpans > cap, table.head >= 0, table.head != g {
            emitGroup(table.head, evicted: true, into: &output)
        }
    }

    // MARK: Sources and services

    static func slot(of id: SourceID) -> Int { Int(min(id.rawValue, UInt32(maxSourceSlots - 1))) }

    mutating func ensureSource(_ id: SourceID) -> Int {
        let slot = SpanCorrelator.slot(of: id)
        while sources.count <= slot { sources.append(SourceState(fileName: "", fileService: unknownService)) }
        return slot
    }

    mutating func internService(_ name: ArraySlice<UInt8>) -> Int32 {
        guard let id = services.intern(name) else { return unknownService }
        if Int(id) == servicePrefix.count { servicePrefix.append(SpanCorrelator.prefixHash(name)) }
        return id
    }

    static func prefixHash(_ name: ArraySlice<UInt8>) -> UInt64 {
        var hash = FNVStream()
        hash.add(name)
        hash.add(UInt8(ascii: "/"))
        return hash.state
    }

    /// Configured service, else the Loghub token's, else the file name's. The token is
    /// compared byte-for-byte with the previous one of the source, so steady state builds no
    /// `String`.
    private mutating func resolveService(_ event: LogEvent, slot: Int) -> Int32 {
        if let configured = sources[slot].configuredService { return configured }
        if let range = event.fileToken, range.count > 0 {
            let token = event.bytes(range)
            if sources[slot].lastTokenService >= 0, bytesEqual(sources[slot].lastToken, token) {
                return sources[slot].lastTokenService
            }
            let derived = ServiceName.derive(token)
            let id = derived.isEmpty ? sources[slot].fileService : internService(derived)
            sources[slot].lastToken = Array(token)
            sources[slot].lastTokenService = id
            return id
        }
        return sources[slot].fileService
    }
}

/// Byte equality without generic iteration overhead.
func bytesEqual(_ lhs: [UInt8], _ rhs: ArraySlice<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    return lhs.withUnsafeBufferPointer { l in
        rhs.withUnsafeBufferPointer { r in
            var i = 0
            while i < l.count {
                if l[i] != r[i] { return false }
                i += 1
            }
            return true
        }
    }
}
