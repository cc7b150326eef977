import TraceTailCore

extension SpanCorrelator {
    /// Emits every span of group `g`, then its `spanPerEvent` children, and remembers the
    /// group for late lines. Strings are built here, once per span.
    mutating func emitGroup(_ g: Int32, evicted: Bool, into output: inout [Span]) {
        // The closed group's spans go to the reused `closing` buffer (no array per group).
        var spans: [SpanAccumulator] = []
        swap(&spans, &closing)
        defer {
            spans.removeAll(keepingCapacity: true)
            swap(&spans, &closing)
        }
        let group = table.remove(g, into: &spans)
        if evicted { counters.evicted += spans.count }
        guard !spans.isEmpty else { return }
        let key = group.key
        let record: EmittedRecord
        switch key.kind {
        case .request:
            record = emitRequest(key, spans, into: &output)
        case .explicit:
            let trace = TraceID(high: key.a, low: key.b)
            let span = SpanID(key.c)
            for accumulator in spans {
                emit(
                    accumulator, trace: trace, span: span, parent: accumulator.explicitParent,
                    requestID: accumulator.requestID.map(UUIDText.requestID),
                    globalID: accumulator.globalID.map(UUIDText.requestID), into: &output)
            }
            record = EmittedRecord(
                trace: trace, entrySpan: span, entryService: spans[0].service, serviceMask: 0, kind: .explicit,
                sequence: 0)
        case .idless:
            let trace = TraceID(high: 0, low: key.c)
            let span = SpanID(key.c)
            for accumulator in spans {
                emit(accumulator, trace: trace, span: span, parent: nil, requestID: nil, globalID: nil, into: &output)
            }
            record = EmittedRecord(
                trace: trace, entrySpan: span, entryService: spans[0].service, serviceMask: 0, kind: .idless,
                sequence: 0)
        }
        emitted.remember(key, record, lastActive: group.lastActive)
    }

    /// All spans of request R: the entry gets `low64(R)` and parent `low64(G)` (or none),
    /// the others `FNV-1a(<service>/<R>)` and parent `low64(R)`.
    private mutating func emitRequest(
        _ key: GroupKey, _ spans: [SpanAccumulator], into output: inout [Span]
    ) -> EmittedRecord {
        let r = RequestID(uuid: UUID128(high: key.a, low: key.b))
        var global: RequestID?
        var explicitTrace: TraceID?
        for span in spans {
            if let g = span.globalID, global.map({ g < $0 }) ?? true { global = g }
            if let t = span.explicitTrace, explicitTrace.map({ t < $0 }) ?? true { explicitTrace = t }
        }
        // A request some other request called, known only from the caller's client line
        // (releases before global ids): parented as if that caller were its global id.
        let caller = callees.take(r).flatMap { global == nil ? $0 : nil }
        let trace = explicitTrace ?? TraceID((global ?? caller?.traceRoot)?.uuid ?? r.uuid)
        // -1: no entry here (its request line is on another host); every span is a child.
        let entry =
            configuration.entryNeedsRequestLine
            ? (spans.firstIndex { $0.request != nil } == nil ? -1 : entryIndex(spans))
            : spans.count == 1 ? 0 : entryIndex(spans)
        let entrySpan = SpanID(r.uuid.low)
        let entryParent =
            global.flatMap { $0 == r ? nil : SpanID($0.uuid.low) } ?? caller.map { SpanID($0.request.uuid.low) }
        var mask: UInt64 = 0
        // Every span of R carries the same ids: their text is made once per request.
        let requestText = UUIDText.requestID(r)
        let globalText = global.map(UUIDText.requestID)
        func emitOne(_ i: Int) {
            let isEntry = i == entry
            let service = spans[i].service
            if service >= 0, service < 64 { mask |= 1 << UInt64(service) }
            emit(
                spans[i], trace: trace, span: isEntry ? entrySpan : SpanID(spans[i].anchor),
                parent: isEntry ? entryParent : entrySpan, requestID: requestText, globalID: globalText, into: &output)
        }
        if entry >= 0 { emitOne(entry) }
        if spans.count > 1 || entry < 0 {
            // Then by start and service name: a stable, arrival-independent order.
            let others = spans.indices.filter { $0 != entry }.sorted { lhs, rhs in
                if spans[lhs].start != spans[rhs].start { return spans[lhs].start < spans[rhs].start }
                return serviceName(spans[lhs].service) < serviceName(spans[rhs].service)
            }
            for i in others { emitOne(i) }
        }
        return EmittedRecord(
            trace: trace, entrySpan: entrySpan, entryService: entry >= 0 ? spans[entry].service : -1, serviceMask: mask,
            kind: .request,
            sequence: 0)
    }

    /// The entry span of a request: the service that logged its HTTP request line (the
    /// outermost one if several did: earliest start, then longest, then least service name);
    /// else the span with the earliest first line (then least service name).
    private func entryIndex(_ spans: [SpanAccumulator]) -> Int {
        var best: Int?
        for i in spans.indices {
            guard let request = spans[i].request else { continue }
            guard let b = best, let current = spans[b].request else {
                best = i
                continue
            }
            if request.start != current.start {
                if request.start < current.start { best = i }
            } else if request.end != current.end {
                if request.end > current.end { best = i }
            } else if serviceName(spans[i].service) < serviceName(spans[b].service) {
                best = i
            }
        }
        if let best { return best }
        var earliest = 0
        for i in spans.indices.dropFirst() {
            let (t, e) = (spans[i].first.time, spans[earliest].first.time)
            if t < e || (t == e && serviceName(spans[i].service) < serviceName(spans[earliest].service)) {
                earliest = i
            }
        }
        return earliest
    }

    private func serviceName(_ id: Int32) -> String { services.names[Int(id)] }

    /// Appends the `openstack.request` span of one accumulator, then its per-line children.
    private mutating func emit(
        _ a: SpanAccumulator, trace: TraceID, span: SpanID, parent: SpanID?, requestID: String?,
        globalID: String?, into output: inout [Span]
    ) {
        let serviceName = serviceName(a.service)
        let component = a.component >= 0 ? components.names[Int(a.component)] : nil
        // Keys in sorted order, so each one is an append (`SpanAttributes` keeps key order);
        // room for the aggregator's `phase` and `run_id`.
        var attributes = SpanAttributes()
        attributes.reserveCapacity(14)
        if let message = a.errorMessage {
            attributes.append(sortedKey: SpanAttributeKey.errorMessage, .string(message))
        }
        if let file = fileName(source: a.first.source) {
            attributes.append(sortedKey: SpanAttributeKey.file, .string(file))
        }
        if let globalID { attributes.append(sortedKey: SpanAttributeKey.globalRequestID, .string(globalID)) }
        var resource: String?
        if let request = a.request {
            var route: String?
            if let path = request.path {
                let templated = ResourceTemplate.route(path)
                route = templated
                if let method = request.method, !method.isEmpty {
                    resource = ResourceTemplate.join(method, templated)
                } else {
                    resource = templated
                }
            }
            if let method = request.method {
                attributes.append(sortedKey: SpanAttributeKey.httpMethod, .string(method))
            }
            if let route { attributes.append(sortedKey: SpanAttributeKey.httpRoute, .string(route)) }
            if let status = request.status {
                attributes.append(sortedKey: SpanAttributeKey.httpStatusCode, .int(status))
            }
            if let path = request.path { attributes.append(sortedKey: SpanAttributeKey.httpURL, .string(path)) }
        }
        if let instance = a.instance {
            attributes.append(sortedKey: SpanAttributeKey.instanceID, .string(instance.description))
        }
        attributes.append(sortedKey: SpanAttributeKey.lineCount, .int(a.lineCount))
        attributes.append(sortedKey: SpanAttributeKey.lineID, .int(a.first.line))
        if let pid = a.firstPid { attributes.append(sortedKey: SpanAttributeKey.pid, .int(pid)) }
        if let requestID { attributes.append(sortedKey: SpanAttributeKey.requestID, .string(requestID)) }
        let start = a.start
        output.append(
            Span(
                traceID: trace, spanID: span, parentID: parent, service: serviceName, name: SpanName.request,
                resource: resource ?? component ?? serviceName, start: start,
                durationNanoseconds: max(0, a.end.nanoseconds &- start.nanoseconds),
                error: a.error || a.maxStatus >= configuration.errorStatusMin, attributes: attributes))
        counters.spansEmitted += 1
        if parent == nil { counters.tracesStarted += 1 }
        for child in a.children {
            output.append(eventSpan(child, trace: trace, parent: span, fallbackTime: a.start, late: false))
        }
    }

    /// A late line (or a late continuation) as a `log_event` child of the span it belongs to.
    mutating func emitLate(
        _ event: LogEvent, record: EmittedRecord, service: Int32, anchor: UInt64, fallbackTime: EventTime,
        into output: inout [Span]
    ) {
        counters.late += 1
        counters.events += 1
        let child = makeChild(event, service: service, anchor: anchor, time: event.timestamp)
        let parent = record.parent(service: service, anchor: anchor)
        output.append(eventSpan(child, trace: record.trace, parent: parent, fallbackTime: fallbackTime, late: true))
    }

    /// One `log_event` span: id `FNV-1a(<service>/<anchor>/<line_id>)`, the seed's tags.
    private mutating func eventSpan(
        _ child: ChildRecord, trace: TraceID, parent: SpanID, fallbackTime: EventTime, late: Bool
    ) -> Span {
        var hash = FNVStream(resuming: child.anchor)
        hash.add(UInt8(ascii: "/"))
        hash.add(decimal: child.lineID)
        let serviceName = serviceName(child.service)
        let component = child.component >= 0 ? components.names[Int(child.component)] : nil
        // Keys in sorted order (each set is an append); room for `phase` and `run_id`.
        var attributes = SpanAttributes()
        attributes.reserveCapacity(10)
        if let component { attributes.append(sortedKey: SpanAttributeKey.component, .string(component)) }
        if let message = child.errorMessage {
            attributes.append(sortedKey: SpanAttributeKey.errorMessage, .string(message))
        }
        attributes.append(sortedKey: SpanAttributeKey.eventID, .int(child.eventID ?? child.lineID))
        if let file = fileName(source: child.source) {
            attributes.append(sortedKey: SpanAttributeKey.file, .string(file))
        }
        if late { attributes.append(sortedKey: SpanAttributeKey.late, .bool(true)) }
        if let latency = child.latencyMs { attributes.append(sortedKey: SpanAttributeKey.latencyMs, .double(latency)) }
        if let level = child.level { attributes.append(sortedKey: SpanAttributeKey.level, .string(level.description)) }
        if let status = child.status { attributes.append(sortedKey: SpanAttributeKey.status, .int(status)) }
        let end = child.time ?? fallbackTime
        var duration: Int64 = 0
        if let latency = child.latencyMs, latency.isFinite, latency > 0, child.time != nil {
            duration = SpanAccumulator.nanoseconds(milliseconds: latency)
        }
        counters.spansEmitted += 1
        counters.eventSpansEmitted += 1
        return Span(
            traceID: trace, spanID: SpanID(hash.state), parentID: parent, service: serviceName, name: SpanName.logEvent,
            resource: component ?? serviceName, start: end.advanced(byNanoseconds: -duration),
            durationNanoseconds: duration,
            error: (child.level?.isError ?? false) || (child.status ?? 0) >= configuration.errorStatusMin,
            attributes: attributes)
    }

    private func fileName(source: UInt32) -> String? {
        let slot = SpanCorrelator.slot(of: SourceID(source))
        guard slot < sources.count, !sources[slot].fileName.isEmpty else { return nil }
        return sources[slot].fileName
    }
}
