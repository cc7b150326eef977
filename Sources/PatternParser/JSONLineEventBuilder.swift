import TraceTailCore

/// The work of `JSONLineDecoder` for one parsed object: classify members, then convert.
struct JSONLineEventBuilder {
    private var document: JSONDocument
    /// The value of each known field (first occurrence wins), indexed by `JSONLineField.rawValue`.
    private var slots: [JSONValue?]
    /// Unknown top-level scalar members, converted at the end.
    private var unknown: [JSONMember] = []
    /// What JSON events record as their rule.
    static let jsonRule = PatternName("json")
    /// The seed's `LineId`, kept so the correlator can name span events after it.
    static let eventIDCapture = PatternName("event_id")

    init(document: JSONDocument) {
        self.document = document
        self.slots = Array(repeating: nil, count: JSONLineField.count)
    }

    private subscript(_ field: JSONLineField) -> JSONValue? { slots[field.rawValue] }

    /// Sorts the top-level members into known fields and extras, then looks into the nested
    /// `context`, `dd` and `extra` objects for ids the top level lacks.
    mutating func collect(_ members: [JSONMember]) {
        unknown.reserveCapacity(members.count)
        for member in members {
            if let field = JSONLineField.field(for: document.bytes(member.key)) {
                if slots[field.rawValue] == nil { slots[field.rawValue] = member.value }
            } else if member.value.isScalar, !member.value.isNull, !isSecret(member.key) {
                unknown.append(member)
            }
        }
        for container in [JSONLineField.context, .dd, .extra] {
            guard let nested = self[container]?.members else { continue }
            for member in nested {
                guard let field = JSONLineField.field(for: document.bytes(member.key)), field.allowed(in: container),
                    slots[field.rawValue] == nil
                else { continue }
                slots[field.rawValue] = member.value
            }
        }
    }

    /// Writes every recognised field into `event` and hands it the document buffer.
    mutating func fill(_ event: inout LogEvent) {
        event.matchedRuleName = Self.jsonRule
        fillTime(&event)
        if let text = firstText(.level, .levelname) { event.level = JSONScalars.level(document.bytes(text)) }
        event.component = firstText(.component, .name, .logger)
        event.pid = firstInt(.process, .pid)
        event.message = text(self[.message])

        if let range = presentText(self[.requestID]) {
            event.requestIDText = range
            event.requestID = requestID(document.bytes(range))
        }
        if let range = presentText(self[.globalRequestID]) {
            event.globalRequestID = requestID(document.bytes(range))
        }
        event.instanceID = instanceID()
        event.user = firstPresentText(.user, .userID)
        event.project = firstPresentText(.project, .projectID, .tenant, .tenantID)

        var http = HTTPFields()
        http.status = firstInt(.status, .statusCode)
        http.latencyMs = double(self[.latencyMs]).flatMap { $0 >= 0 ? $0 : nil }
        http.method = text(self[.method])
        http.path = text(self[.path])
        http.bytes = firstInt(.bytes)
        if !http.isEmpty { event.http = http }

        event.traceID = (self[.traceID] ?? self[.ddTraceID]).flatMap(traceID)
        event.spanID = (self[.spanID] ?? self[.ddSpanID]).flatMap { spanID($0) }
        event.parentID = self[.parentID].flatMap { spanID($0) }

        if let range = text(self[.lineID]) {
            event.extraCaptures.append(ExtraCapture(name: Self.eventIDCapture, range: range))
        }
        for member in unknown {
            if let range = text(member.value) {
                // A key a rule defines keeps its interned name; any other stays bytes of the line,
                // so arbitrary JSON cannot grow the process-wide intern table.
                if let name = PatternName.existing(document.string(member.key)) {
                    event.extraCaptures.append(ExtraCapture(name: name, range: range))
                } else {
                    event.extraCaptures.append(ExtraCapture(key: member.key, range: range))
                }
            }
        }
        event.storage = ArraySlice(document.bytes)
    }

    // MARK: Time

    private mutating func fillTime(_ event: inout LogEvent) {
        var sawBadTime = false
        for field in [JSONLineField.timestamp, .atTimestamp, .time, .asctime] {
            guard let value = self[field] else { continue }
            switch value {
            case .string(let range):
                guard let parsed = JSONTimestamp.parseISO8601(document.bytes(range)) else {
                    sawBadTime = sawBadTime || range.count > 0
                    continue
                }
                event.timestampText = range
                event.timestamp = parsed.time
                // oslo's asctime is local time without a zone; its `created` is exact epoch seconds.
                if !parsed.hasZone, let created = epochTime(self[.created]) { event.timestamp = created }
                return
            case .number(let number):
                guard let time = JSONTimestamp.parseEpoch(number: document.bytes(number.text)) else {
                    sawBadTime = true
                    continue
                }
                event.timestampText = number.text
                event.timestamp = time
                return
            default:
                continue
            }
        }
        if case .number(let number)? = self[.created], let time = epochTime(self[.created]) {
            event.timestampText = number.text
            event.timestamp = time
            return
        }
        if sawBadTime {
            event.unmatched = .badTimestamp
            event.matchedRuleName = nil
        }
    }

    private func epochTime(_ value: JSONValue?) -> EventTime? {
        guard case .number(let number)? = value else { return nil }
        return JSONTimestamp.parseEpoch(number: document.bytes(number.text))
    }

    // MARK: Value conversions

    /// The text of a scalar: strings as decoded, numbers as written, booleans as `true`/`false`
    /// (appended to the buffer). Nil for null, objects and arrays.
    private mutating func text(_ value: JSONValue?) -> ByteRange? {
        switch value {
        case .string(let range)?: return range
        case .number(let number)?: return number.text
        case .bool(let flag)?:
            let start = document.bytes.count
            document.bytes.append(contentsOf: (flag ? "true" : "false").utf8)
            return ByteRange(start: start, end: document.bytes.count)
        default: return nil
        }
    }

    private mutating func firstText(_ fields: JSONLineField...) -> ByteRange? {
        for field in fields { if let range = text(self[field]) { return range } }
        return nil
    }

    /// Like `text`, but the placeholders oslo writes for a missing id (`None`, `-`, empty) are absent.
    private mutating func presentText(_ value: JSONValue?) -> ByteRange? {
        guard let range = text(value) else { return nil }
        let bytes = document.bytes(range)
        switch bytes.count {
        case 0: return nil
        case 1: return bytes.first == UInt8(ascii: "-") ? nil : range
        case 4:
            return bytes.elementsEqual(JSONLineEventBuilder.none) || bytes.elementsEqual(JSONLineEventBuilder.null)
                ? nil : range
        default: return range
        }
    }

    private static let none: [UInt8] = Array("None".utf8)
    private static let null: [UInt8] = Array("null".utf8)

    private mutating func firstPresentText(_ fields: JSONLineField...) -> ByteRange? {
        for field in fields { if let range = presentText(self[field]) { return range } }
        return nil
    }

    private mutating func instanceID() -> ByteRange? {
        for field in [JSONLineField.instanceUUID, .instance, .instanceID, .resourceUUID] {
            guard let value = self[field] else { continue }
            if let members = value.members {
                // nova passes the instance object; its primitive form carries `uuid`.
                if let range = presentText(document.member("uuid", in: members)) { return range }
            } else if let range = presentText(value) {
                return range
            }
        }
        return nil
    }

    private func firstInt(_ fields: JSONLineField...) -> Int? {
        for field in fields { if let value = int(self[field]) { return value } }
        return nil
    }

    private func int(_ value: JSONValue?) -> Int? {
        switch value {
        case .number(let number)?:
            if let exact = number.int64 { return Int(exact) }
            let d = number.double
            guard d.isFinite, d == d.rounded(), abs(d) < 9e15 else { return nil }
            return Int(d)
        case .string(let range)?:
            return JSONScalars.decimal(document.bytes(range)).flatMap { $0 <= UInt64(Int.max) ? Int($0) : nil }
        default:
            return nil
        }
    }

    private func double(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let number)?:
            return number.double.isFinite ? number.double : nil
        case .string(let range)?:
            let bytes = document.bytes(range)
            guard !bytes.isEmpty, bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }),
                let d = Double(String(decoding: bytes, as: UTF8.self)), d.isFinite
            else { return nil }
            return d
        default:
            return nil
        }
    }

    private func requestID(_ bytes: ArraySlice<UInt8>) -> RequestID? { JSONScalars.requestID(bytes) }

    // MARK: Trace context

    private func traceID(_ value: JSONValue) -> TraceID? {
        switch value {
        case .number(let number):
            guard let v = number.uint64, v != 0 else { return nil }
            return TraceID(high: 0, low: v)
        case .string(let range):
            let bytes = document.bytes(range)
            let value: (high: UInt64, low: UInt64)?
            if let hex = JSONLineEventBuilder.hexDigits(bytes) {
                value = JSONScalars.hex(hex, maxDigits: 32)
            } else {
                value = JSONScalars.decimal(bytes).map { (0, $0) } ?? JSONScalars.hex(bytes, maxDigits: 32)
            }
            guard let value, value.high != 0 || value.low != 0 else { return nil }
            return TraceID(high: value.high, low: value.low)
        default:
            return nil
        }
    }

    private func spanID(_ value: JSONValue) -> SpanID? {
        switch value {
        case .number(let number):
            guard let v = number.uint64, v != 0 else { return nil }
            return SpanID(v)
        case .string(let range):
            let bytes = document.bytes(range)
            let value: UInt64?
            if let hex = JSONLineEventBuilder.hexDigits(bytes) {
                value = JSONScalars.hex(hex, maxDigits: 16)?.low
            } else {
                value = JSONScalars.decimal(bytes) ?? JSONScalars.hex(bytes, maxDigits: 16)?.low
            }
            guard let value, value != 0 else { return nil }
            return SpanID(value)
        default:
            return nil
        }
    }

    /// The digits to read as hex when a string id is unambiguously hex: a `0x` prefix, a
    /// leading zero (zero-padded fixed width) or any of `a-f`. Nil means "try decimal first".
    private static func hexDigits(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        if bytes.count > 2, bytes.first == UInt8(ascii: "0"),
            bytes[bytes.startIndex + 1] | 0x20 == UInt8(ascii: "x")
        {
            return bytes.dropFirst(2)
        }
        if bytes.count > 1, bytes.first == UInt8(ascii: "0") { return bytes }
        if bytes.contains(where: { $0 < 0x30 || $0 > 0x39 }) { return bytes }
        return nil
    }

    // MARK: Secrets

    /// Keys never copied into attributes: DESIGN §7 wants secrets redacted, and oslo may log a
    /// context's `auth_token`.
    private func isSecret(_ key: ByteRange) -> Bool {
        let bytes = document.bytes(key)
        var start = bytes.startIndex
        // One pass: only positions whose byte can begin a secret word are compared further.
        while start < bytes.endIndex {
            switch JSONDocument.lowercased(bytes[start]) {
            case UInt8(ascii: "t"), UInt8(ascii: "p"), UInt8(ascii: "s"), UInt8(ascii: "a"):
                for needle in JSONLineEventBuilder.secretWords where needle.count <= bytes.endIndex - start {
                    var match = true
                    for (offset, n) in needle.enumerated() where JSONDocument.lowercased(bytes[start + offset]) != n {
                        match = false
                        break
                    }
                    if match { return true }
                }
            default: break
            }
            start += 1
        }
        return false
    }

    private static let secretWords: [[UInt8]] = ["token", "password", "secret", "api_key", "apikey"].map {
        Array($0.utf8)
    }
}
