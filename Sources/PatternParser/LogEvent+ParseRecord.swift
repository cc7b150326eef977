public import TraceTailCore

extension LogEvent {
    /// Writes the `tracetail parse --output jsonl` record (DESIGN §5), keys in contract order:
    /// line_id, timestamp, pid, level, component, request_id, global_request_id, user, project,
    /// instance_id, message, http, trace_id, span_id, parent_id, matched.
    public func writeParseRecord(into w: inout JSONWriter) {
        w.beginObject()
        w.key("line_id")
        w.int(lineID)
        w.key("timestamp")
        w.string(timestamp?.iso8601)
        w.key("pid")
        w.int(pid)
        w.key("level")
        w.string(level?.description)
        w.key("component")
        w.string(text(component))
        w.key("request_id")
        w.string(text(requestIDText) ?? requestID?.description)
        w.key("global_request_id")
        w.string(globalRequestID?.description)
        w.key("user")
        w.string(text(user))
        w.key("project")
        w.string(text(project))
        w.key("instance_id")
        w.string(text(instanceID))
        w.key("message")
        w.string(text(message))
        w.key("http")
        if let http, !http.isEmpty {
            w.beginObject()
            w.key("method")
            w.string(text(http.method))
            w.key("path")
            w.string(text(http.path))
            w.key("status")
            w.int(http.status)
            w.key("bytes")
            w.int(http.bytes)
            w.key("latency_ms")
            w.double(http.latencyMs)
            w.endObject()
        } else {
            w.null()
        }
        w.key("trace_id")
        w.string(traceID?.description)
        w.key("span_id")
        w.string(spanID?.description)
        w.key("parent_id")
        w.string(parentID?.description)
        w.key("matched")
        w.string(matchedRule)
        w.endObject()
    }

    /// The parse record as one JSON line (no trailing newline).
    public var parseRecordJSON: String {
        var w = JSONWriter()
        writeParseRecord(into: &w)
        return w.output
    }

    /// The parse record as one aligned line for people (`tracetail parse --output text`):
    /// line, time, level, pid, component, request id, rule, then HTTP summary and message.
    public var parseRecordText: String {
        func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
            let n = s.count
            guard n < width else { return s }
            let fill = String(repeating: " ", count: width - n)
            return right ? fill + s : s + fill
        }
        var parts: [String] = [
            pad(String(lineID), 6, right: true),
            pad(timestamp?.iso8601 ?? "-", 24),
            pad(level?.description ?? "-", 8),
            pad(pid.map(String.init) ?? "-", 7, right: true),
            pad(text(component) ?? "-", 40),
            pad(text(requestIDText) ?? requestID?.description ?? "-", 40),
        ]
        if let reason = unmatched {
            parts.append("UNMATCHED(\(reason))")
            parts.append(String(decoding: storage, as: UTF8.self))
        } else {
            parts.append(pad((isContinuation ? "+" : "") + (matchedRule ?? "-"), 22))
            if let http, !http.isEmpty {
                var summary =
                    "\(text(http.method) ?? "?") \(text(http.path) ?? "?") → \(http.status.map(String.init) ?? "?")"
                if let bytes = http.bytes { summary += " \(bytes)B" }
                if let ms = http.latencyMs { summary += " \(JSONWriter.number((ms * 1000).rounded() / 1000))ms" }
                parts.append(summary + " |")
            }
            if let instance = text(instanceID) { parts.append("[instance: \(instance)]") }
            parts.append(text(message) ?? "")
        }
        if truncated { parts.append("[truncated]") }
        return parts.joined(separator: " ")
    }
}
