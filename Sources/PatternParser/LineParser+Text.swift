import PCRE2
import TraceTailCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension LineParser {
    /// Line rules (first match wins), then message rules on the `message` capture, then scan rules.
    mutating func parseText(_ event: inout LogEvent, raw: UnsafeRawBufferPointer) {
        guard raw.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
            event.unmatched = .empty
            return
        }
        // Rules are walked by index and the winner kept as an index: holding a class reference
        // across the loop costs a retain/release pair per rule per line.
        var matched = -1
        for index in 0..<lineRefs.count {
            let rule = lineRefs[index]
            switch rule.match(raw, using: scratch) {
            case .matched(let captures):
                event.matchedRuleName = rule.ruleName
                if rule.kind == .skip {
                    lastLineSkipped = true
                    return
                }
                rule.with { Self.apply($0, captures, raw: raw, base: 0, to: &event) }
                matched = index
            case .noMatch, .failed: continue
            case .limitHit:
                counters.limitHits += 1
                event.unmatched = .limitHit
                return
            }
            break
        }
        guard matched >= 0 else {
            event.unmatched = .noRule
            return
        }
        if let message = event.message { applyMessageRules(to: &event, raw: raw, message: message) }
        if !scanRules.isEmpty {
            let found = Self.literalsPresent(raw, anchors: scanAnchors, literals: scanLiterals, slots: scanSlots)
            if found != 0 { applyScanRules(to: &event, raw: raw, found: found) }
        }
        let continuationRule = lineRefs[matched].kind == .continuation
        finishTimestamp(&event, raw: raw, continuationRule: continuationRule)
    }

    /// Which rules' literals occur in `raw`, one bit per rule (at most 64 rules). One `memchr`
    /// walk per distinct anchor byte serves every rule anchored on it (the trace-id scans all
    /// anchor on `=`, most message rules on `:` or `/`): each hit is checked against each
    /// literal in place, instead of one search per rule.
    private static func literalsPresent(
        _ raw: UnsafeRawBufferPointer, anchors: [UInt8], literals: [LiteralView], slots: [Int]
    ) -> UInt64 {
        guard let base = raw.baseAddress else { return 0 }
        var found: UInt64 = 0
        for (slot, byte) in anchors.enumerated() {
            var from = 0
            while from < raw.count, let hit = memchr(base + from, Int32(byte), raw.count - from) {
                let at = base.distance(to: UnsafeRawPointer(hit))
                for index in 0..<literals.count where slots[index] == slot {
                    let literal = literals[index]
                    let start = at - literal.anchor
                    guard start >= 0, start + literal.bytes.count <= raw.count,
                        let lp = literal.bytes.baseAddress, raw[start] == literal.bytes[0],
                        memcmp(base + start, lp, literal.bytes.count) == 0
                    else { continue }
                    found |= 1 << UInt64(index)
                }
                from = at + 1
            }
        }
        return found
    }

    /// Scan rules whose literal occurs (`found`: bit per rule); every one that matches applies.
    private func applyScanRules(to event: inout LogEvent, raw: UnsafeRawBufferPointer, found: UInt64) {
        for index in 0..<scanRefs.count where found & (1 << UInt64(index)) != 0 {
            let rule = scanRefs[index]
            if case .matched(let captures) = rule.match(raw, using: scratch) {
                rule.with { Self.apply($0, captures, raw: raw, base: 0, to: &event) }
            }
        }
    }

    /// Tries message rules whose literal occurs in the message; the first match wins and names
    /// the event's rule.
    mutating func applyMessageRules(to event: inout LogEvent, raw: UnsafeRawBufferPointer, message: ByteRange) {
        guard !messageRules.isEmpty else { return }
        let start = Int(message.start)
        let text = UnsafeRawBufferPointer(rebasing: raw[start..<Int(message.end)])
        let grouped = messageLiterals.count <= 64
        let found =
            grouped
            ? Self.literalsPresent(text, anchors: messageAnchors, literals: messageLiterals, slots: messageSlots) : 0
        if grouped && found == 0 { return }
        for index in 0..<messageLiterals.count {
            if grouped {
                guard found & (1 << UInt64(index)) != 0 else { continue }
            } else {
                guard ByteScan.find(messageLiterals[index], in: text) != nil else { continue }
            }
            let rule = messageRefs[index]
            switch rule.match(text, using: scratch) {
            case .matched(let captures):
                rule.with { Self.apply($0, captures, raw: text, base: start, to: &event) }
                event.matchedRuleName = rule.ruleName
                return
            case .noMatch, .failed: continue
            case .limitHit:
                counters.limitHits += 1
                return
            }
        }
    }

    /// Converts the timestamp, applies the zone, and decides whether a continuation-rule line
    /// continues the previous ERROR event of its pid.
    private mutating func finishTimestamp(_ event: inout LogEvent, raw: UnsafeRawBufferPointer, continuationRule: Bool)
    {
        if let text = event.timestampText {
            guard
                let (time, hasZone) = TimestampParser.parse(
                    raw, Int(text.start)..<Int(text.end), cache: &dateCache, yearReference: yearReference)
            else {
                event.unmatched = .badTimestamp
                event.matchedRuleName = nil
                return
            }
            event.timestamp = hasZone ? time : (localToUTC?(time) ?? time)
        }
        // Old oslo writes a traceback as TRACE lines after the record (no context bracket):
        // they belong to the previous event of their pid, whatever their time.
        if continuationRule, event.level == .trace {
            event.isContinuation = true
            return
        }
        guard let level = event.level, level.isError, let pid = event.pid, let time = event.timestamp else {
            // No timestamp at all: a raw traceback line or similar.
            if continuationRule && event.timestampText == nil { event.isContinuation = true }
            return
        }
        let component =
            event.component.map { FNV1a.hash64(UnsafeRawBufferPointer(rebasing: raw[Int($0.start)..<Int($0.end)])) }
            ?? 0
        let key = ErrorKey(time: time.nanoseconds, component: component)
        if continuationRule, lastError[pid] == key {
            event.isContinuation = true
            return
        }
        if lastError.count >= 4096 { lastError.removeAll(keepingCapacity: true) }
        lastError[pid] = key
    }

    /// Writes a rule's captures into the event. `raw` is the rule's subject; `base` is the
    /// subject's offset in the event's storage.
    static func apply(
        _ rule: ResolvedRule, _ captures: Captures, raw: UnsafeRawBufferPointer, base: Int, to event: inout LogEvent
    ) {
        if rule.hasAlternates {
            applySlots(rule, captures, raw: raw, base: base, to: &event)
        } else {
            applyPlan(rule, captures, raw: raw, base: base, to: &event)
        }
    }

    /// Straight-line application of a rule without duplicate capture names.
    @inline(__always)
    private static func applyPlan(
        _ rule: ResolvedRule, _ captures: Captures, raw: UnsafeRawBufferPointer, base: Int, to event: inout LogEvent
    ) {
        let plan = rule.plan
        @inline(__always) func bounds(_ field: EventField) -> (Int, Int) {
            captures.bounds(Int(plan.pointee[field]))
        }
        @inline(__always) func range(_ b: (Int, Int)) -> ByteRange { ByteRange(start: b.0 &+ base, end: b.1 &+ base) }
        var b = bounds(.timestamp)
        if b.0 >= 0 { event.timestampText = range(b) }
        b = bounds(.pid)
        if b.0 >= 0 { event.pid = ByteScan.int(raw, b.0..<b.1) }
        b = bounds(.level)
        if b.0 >= 0 { event.level = ByteScan.level(raw, b.0..<b.1) }
        b = bounds(.component)
        if b.0 >= 0 { event.component = range(b) }
        b = bounds(.requestID)
        if b.0 >= 0, let id = ByteScan.requestID(raw, b.0..<b.1) {
            event.requestID = id
            event.requestIDText = range(b)
        }
        b = bounds(.user)
        if b.0 >= 0 { event.user = ByteScan.isAbsent(raw, b.0..<b.1) ? nil : range(b) }
        b = bounds(.project)
        if b.0 >= 0 { event.project = ByteScan.isAbsent(raw, b.0..<b.1) ? nil : range(b) }
        b = bounds(.instanceID)
        if b.0 >= 0 { event.instanceID = ByteScan.isAbsent(raw, b.0..<b.1) ? nil : range(b) }
        b = bounds(.message)
        if b.0 >= 0 { event.message = range(b) }
        for slot in rule.others {
            b = captures.bounds(Int(slot.group))
            if b.0 >= 0 { applyOther(slot, raw, b.0..<b.1, range(b), &event) }
        }
    }

    /// Capture by capture, taking the first set group of duplicate names.
    private static func applySlots(
        _ rule: ResolvedRule, _ captures: Captures, raw: UnsafeRawBufferPointer, base: Int, to event: inout LogEvent
    ) {
        let slots = rule.slots
        for index in 0..<slots.count {
            let slot = slots[index]
            var (lower, upper) = captures.bounds(Int(slot.group))
            if lower < 0, rule.hasAlternates {
                for group in rule.alternates[index] {
                    (lower, upper) = captures.bounds(group)
                    if lower >= 0 { break }
                }
            }
            guard lower >= 0 else { continue }
            let r = lower..<upper
            let range = ByteRange(start: lower &+ base, end: upper &+ base)
            // The fields of every oslo line first; the rest out of line, so this loop stays
            // small enough to keep its state in registers.
            switch slot.field {
            case .timestamp: event.timestampText = range
            case .pid: event.pid = ByteScan.int(raw, r)
            case .level: event.level = ByteScan.level(raw, r)
            case .component: event.component = range
            case .requestID:
                if let id = ByteScan.requestID(raw, r) {
                    event.requestID = id
                    event.requestIDText = range
                }
            case .user: event.user = ByteScan.isAbsent(raw, r) ? nil : range
            case .project: event.project = ByteScan.isAbsent(raw, r) ? nil : range
            case .instanceID: event.instanceID = ByteScan.isAbsent(raw, r) ? nil : range
            case .message: event.message = range
            default: applyOther(slot, raw, r, range, &event)
            }
        }
    }

    /// The fields most lines lack: HTTP fields of request lines, trace context, extras.
    @inline(never)
    private static func applyOther(
        _ slot: FieldSlot, _ raw: UnsafeRawBufferPointer, _ r: Range<Int>, _ range: ByteRange, _ event: inout LogEvent
    ) {
        switch slot.field {
        case .fileToken: event.fileToken = range
        case .globalRequestID: event.globalRequestID = ByteScan.requestID(raw, r)
        case .method: event.updateHTTP { $0.method = range }
        case .path: event.updateHTTP { $0.path = range }
        case .status: event.updateHTTP { $0.status = ByteScan.int(raw, r) }
        case .bytes: event.updateHTTP { $0.bytes = ByteScan.int(raw, r) }
        case .latencySeconds: event.updateHTTP { $0.latencyMs = ByteScan.decimal(raw, r, scale: 3) }
        case .latencyMilliseconds: event.updateHTTP { $0.latencyMs = ByteScan.decimal(raw, r, scale: 0) }
        case .traceIDHex: event.traceID = ByteScan.traceIDHex(raw, r) ?? event.traceID
        case .spanIDHex:
            event.spanID = ByteScan.hex64(raw, r).flatMap { $0 == 0 ? nil : SpanID($0) } ?? event.spanID
        case .parentIDHex: event.parentID = ByteScan.hex64(raw, r).flatMap { $0 == 0 ? nil : SpanID($0) }
        case .traceIDDecimal:
            event.traceID =
                ByteScan.uint64(raw, r).flatMap { $0 == 0 ? nil : TraceID(high: 0, low: $0) } ?? event.traceID
        case .spanIDDecimal:
            event.spanID = ByteScan.uint64(raw, r).flatMap { $0 == 0 ? nil : SpanID($0) } ?? event.spanID
        case .parentIDDecimal: event.parentID = ByteScan.uint64(raw, r).flatMap { $0 == 0 ? nil : SpanID($0) }
        case .extra:
            if let name = slot.extraName { event.extraCaptures.append(ExtraCapture(name: name, range: range)) }
        case .timestamp, .pid, .level, .component, .requestID, .user, .project, .instanceID, .message: break
        }
    }
}

extension LogEvent {
    /// Mutates the HTTP fields, creating them on first use. In place (`http!`), not by copying
    /// the optional struct out and back for each of the five fields.
    @inline(__always)
    fileprivate mutating func updateHTTP(_ body: (inout HTTPFields) -> Void) {
        if http == nil { http = HTTPFields() }
        body(&http!)
    }
}
