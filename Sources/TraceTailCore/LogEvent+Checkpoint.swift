extension LogEvent {
    /// A parsed line as plain values, for a checkpoint of lines still held by a stage.
    ///
    /// An event's `storage` may be a slice of a shared read chunk (a megabyte holding thousands
    /// of lines) or of a decode buffer, so only the bytes its fields cover are written, and every
    /// range is rebased onto them; names are written as strings, not as this process's intern ids.
    public struct Checkpoint: Codable, Sendable {
        var source: SourceID
        var line: Int
        /// The covered bytes as text when they are valid UTF-8 (the usual case, and compact)…
        var text: String?
        /// … else as bytes.
        var bytes: [UInt8]?
        var timestamp: EventTime?
        var timestampText: ByteRange?
        var pid: Int?
        var level: LogLevel?
        var component: ByteRange?
        var requestID: RequestID?
        var globalRequestID: RequestID?
        var requestIDText: ByteRange?
        var user: ByteRange?
        var project: ByteRange?
        var instanceID: ByteRange?
        var message: ByteRange?
        var http: HTTP?
        var traceID: TraceID?
        var spanID: SpanID?
        var parentID: SpanID?
        var fileToken: ByteRange?
        var continuation: Bool?
        var rule: PatternName?
        var unmatched: UnmatchedReason?
        var truncated: Bool?
        var extra: [Extra]?

        struct HTTP: Codable, Sendable {
            var method: ByteRange?
            var path: ByteRange?
            var status: Int?
            var bytes: Int?
            var latencyMs: CheckpointDouble?
        }

        struct Extra: Codable, Sendable {
            /// An interned (rule-defined) name; nil when the name is `key`.
            var name: String?
            var range: ByteRange
            var key: ByteRange?
        }
    }

    /// This event as values (see `Checkpoint`).
    public var checkpoint: Checkpoint {
        var ranges: [ByteRange] = [
            timestampText, component, requestIDText, user, project, instanceID, message, http?.method, http?.path,
            fileToken,
        ].compactMap { $0 }
        for capture in extraCaptures {
            ranges.append(capture.range)
            if let key = capture.key { ranges.append(key) }
        }
        // The covered window, clamped to the storage so a malformed range cannot trap here.
        let low = max(0, min(ranges.map { Int($0.start) }.min() ?? 0, storage.count))
        let high = min(storage.count, max(low, ranges.map { Int($0.end) }.max() ?? low))
        let own = Array(storage[(storage.startIndex + low)..<(storage.startIndex + high)])
        func rebase(_ range: ByteRange?) -> ByteRange? {
            range.map { ByteRange(start: Int($0.start) - low, end: Int($0.end) - low) }
        }
        var c = Checkpoint(source: source, line: lineID)
        if let text = String(validating: own, as: UTF8.self) { c.text = text } else { c.bytes = own }
        c.timestamp = timestamp
        c.timestampText = rebase(timestampText)
        c.pid = pid
        c.level = level
        c.component = rebase(component)
        c.requestID = requestID
        c.globalRequestID = globalRequestID
        c.requestIDText = rebase(requestIDText)
        c.user = rebase(user)
        c.project = rebase(project)
        c.instanceID = rebase(instanceID)
        c.message = rebase(message)
        if let http {
            c.http = Checkpoint.HTTP(
                method: rebase(http.method), path: rebase(http.path), status: http.status, bytes: http.bytes,
                latencyMs: http.latencyMs.map(CheckpointDouble.init))
        }
        c.traceID = traceID
        c.spanID = spanID
        c.parentID = parentID
        c.fileToken = rebase(fileToken)
        c.continuation = isContinuation ? true : nil
        c.rule = matchedRuleName
        c.unmatched = unmatched
        c.truncated = truncated ? true : nil
        if !extraCaptures.isEmpty {
            c.extra = extraCaptures.map {
                Checkpoint.Extra(
                    name: $0.key == nil ? $0.name.name : nil, range: rebase($0.range)!, key: rebase($0.key))
            }
        }
        return c
    }

    /// The event `checkpoint` was taken of, with its own storage.
    public init(checkpoint c: Checkpoint) {
        let storage = c.bytes ?? Array((c.text ?? "").utf8)
        self.init(source: c.source, lineID: c.line, storage: storage[...])
        timestamp = c.timestamp
        timestampText = c.timestampText
        pid = c.pid
        level = c.level
        component = c.component
        requestID = c.requestID
        globalRequestID = c.globalRequestID
        requestIDText = c.requestIDText
        user = c.user
        project = c.project
        instanceID = c.instanceID
        message = c.message
        if let h = c.http {
            http = HTTPFields(
                method: h.method, path: h.path, status: h.status, bytes: h.bytes, latencyMs: h.latencyMs?.value)
        }
        traceID = c.traceID
        spanID = c.spanID
        parentID = c.parentID
        fileToken = c.fileToken
        isContinuation = c.continuation ?? false
        matchedRuleName = c.rule
        unmatched = c.unmatched
        truncated = c.truncated ?? false
        for extra in c.extra ?? [] {
            // Keyed names stay keyed: a checkpoint must not intern names that came from input.
            if let key = extra.key {
                extraCaptures.append(ExtraCapture(key: key, range: extra.range))
            } else {
                extraCaptures.append(ExtraCapture(name: PatternName(extra.name ?? ""), range: extra.range))
            }
        }
    }
}

extension LogEvent.Checkpoint {
    init(source: SourceID, line: Int) {
        self.source = source
        self.line = line
    }
}
