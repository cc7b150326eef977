import TraceTailCore

extension TextReport {
    /// Counters of the replay, one per line, then every CTA event problem.
    static func totalsSection(_ t: ReplayTotals, _ style: ANSIStyle) -> [String] {
        var out = [heading("Totals", style)]
        func row(_ name: String, _ value: Int, _ note: String = "") {
            out.append(
                ReportFormat.padRight(name, 14) + ReportFormat.padLeft(ReportFormat.count(value), 10)
                    + (note.isEmpty ? "" : "  " + note))
        }
        let files = t.filesRead.map { ReportFormat.oneLine($0, limit: 80) }
        row("files", t.filesRead.count, files.prefix(6).joined(separator: ", ") + (files.count > 6 ? ", …" : ""))
        row("lines", t.lines)
        row("events", t.events, "parsed lines")
        row("spans", t.spans)
        row("traces", t.traces)
        row("late", t.late, "lines for already-emitted spans")
        row("evicted", t.evicted, "spans emitted early (max_open_spans)")
        row("continuation", t.continuationLines, "traceback lines attached")
        row("idless", t.idlessDropped, "lines with no request id, dropped")
        row("orphans", t.orphanContinuations, "continuation lines with nothing to join, dropped")
        row("truncated", t.truncated, "lines cut at max_line_bytes")
        let reasons = t.unmatched.keys.sorted().map { "\(ReportFormat.oneLine($0, limit: 40)) \(t.unmatched[$0]!)" }
        row("unmatched", t.unmatchedTotal, reasons.joined(separator: ", "))
        row("cta problems", t.ctaEventProblems.count)
        for problem in t.ctaEventProblems { out.append("  " + style.yellow(ReportFormat.oneLine(problem, limit: 160))) }
        return out
    }

    /// Per service: a `before_fix` row, an `after_fix` row and a change row; then the aggregator's
    /// `cta.improvement.*` values.
    static func comparisonSection(_ data: ReportData, _ style: ANSIStyle) -> [String] {
        var out = [heading("Before / after fix, per service (request spans by phase)", style)]
        guard !data.comparisons.isEmpty else {
            out.append("no spans carry a phase")
            return out + improvementLines(data, style)
        }
        let serviceWidth = max(12, data.comparisons.map { ReportFormat.oneLine($0.service, limit: 40).count }.max()!)
        let columns = ["requests", "errors", "error rate", "p50 ms", "p95 ms", "p99 ms"]
        let widths = [9, 7, 11, 9, 9, 9]
        func line(_ service: String, _ phase: String, _ cells: [String]) -> String {
            ReportFormat.padRight(service, serviceWidth) + "  " + ReportFormat.padRight(phase, 10)
                + zip(cells, widths).map { ReportFormat.padLeft($0, $1) }.joined(separator: " ")
        }
        out.append(line("service", "phase", columns))
        for c in data.comparisons {
            let name = ReportFormat.oneLine(c.service, limit: 40)
            func cells(_ s: PhaseStats) -> [String] {
                [
                    ReportFormat.count(s.requests), ReportFormat.count(s.errors), ReportFormat.percent(s.errorRate),
                    ReportFormat.milliseconds(s.p50), ReportFormat.milliseconds(s.p95),
                    ReportFormat.milliseconds(s.p99),
                ]
            }
            let empty = ["0", "0", "–", "–", "–", "–"]
            out.append(line(name, "before_fix", c.before.map(cells) ?? empty))
            out.append(line("", "after_fix", c.after.map(cells) ?? empty))
            if let b = c.before, let a = c.after {
                out.append(changeLine(before: b, after: a, serviceWidth: serviceWidth, widths: widths, style))
            }
        }
        return out + improvementLines(data, style)
    }

    /// `change` row: error rate in percentage points, percentiles in ms; green when better.
    private static func changeLine(
        before b: PhaseStats, after a: PhaseStats, serviceWidth: Int, widths: [Int], _ style: ANSIStyle
    ) -> String {
        func signed(_ v: Double, _ unit: String, digits: Int = 1) -> String {
            (v > 0 ? "+" : v < 0 ? "−" : "±") + ReportFormat.fixed(abs(v), digits) + unit
        }
        func colored(_ text: String, _ delta: Double, width: Int) -> String {
            let padded = ReportFormat.padLeft(text, width)
            return delta < 0 ? style.green(padded) : delta > 0 ? style.red(padded) : padded
        }
        let rate = (a.errorRate - b.errorRate) * 100
        var s = ReportFormat.padRight("", serviceWidth) + "  " + ReportFormat.padRight("change", 10)
        s += ReportFormat.padLeft("", widths[0]) + " " + ReportFormat.padLeft("", widths[1]) + " "
        s += colored(signed(rate, " pp"), rate, width: widths[2])
        for (k, (x, y)) in [(b.p50, a.p50), (b.p95, a.p95), (b.p99, a.p99)].enumerated() {
            s += " " + colored(signed(y - x, ""), y - x, width: widths[3 + k])
        }
        return s
    }

    /// The aggregator's own before − after numbers (compare window around the fix), when emitted.
    private static func improvementLines(_ data: ReportData, _ style: ANSIStyle) -> [String] {
        guard !data.improvements.isEmpty else { return [] }
        var out = ["", style.bold("Improvement (cta.improvement.*, before − after over the compare window)")]
        var byService: [String: [Improvement]] = [:]
        for i in data.improvements { byService[i.service, default: []].append(i) }
        for service in byService.keys.sorted() {
            let values = byService[service]!.map { improvementText($0) }
            out.append("  " + ReportFormat.oneLine(service, limit: 40) + ": " + values.joined(separator: ", "))
        }
        return out
    }

    /// `error rate −28.2 pp`: the metric is before − after, so a positive value is a decrease.
    private static func improvementText(_ i: Improvement) -> String {
        func change(_ v: Double, _ unit: String) -> String {
            (v > 0 ? "−" : v < 0 ? "+" : "±") + ReportFormat.fixed(abs(v), 1) + unit
        }
        switch i.metric {
        case "error_rate": return "error rate " + change(i.value * 100, " pp")
        case "latency_ms": return "p95 " + change(i.value, " ms")
        case let m where m.hasSuffix("_pct"): return "\(m.dropLast(4)) " + change(i.value, "%")
        default: return "\(i.metric) \(ReportFormat.fixed(i.value, 2))"
        }
    }

    /// One row per incident: detection, recovery (first healthy boundary), resolution, MTTR.
    static func incidentSection(_ data: ReportData, _ style: ANSIStyle) -> [String] {
        var out = [heading("Incidents", style)]
        guard !data.incidents.isEmpty else {
            out.append("none detected")
            return out
        }
        let serviceWidth = max(10, data.incidents.map { ReportFormat.oneLine($0.service, limit: 40).count }.max()!)
        out.append(
            ReportFormat.padRight("service", serviceWidth)
                + "  type          detected  recovered  resolved       MTTR  method")
        for i in data.incidents {
            let mttr = i.mttrSeconds.map(ReportFormat.seconds) ?? "open"
            var s = ReportFormat.padRight(ReportFormat.oneLine(i.service, limit: 40), serviceWidth) + "  "
            s += ReportFormat.padRight(ReportFormat.oneLine(i.type, limit: 12), 12) + "  "
            s += style.red(ReportFormat.clock(i.detectedAt)) + "  "
            s += style.green(ReportFormat.padRight(i.recoveredAt.map(ReportFormat.clock) ?? "–", 9)) + "  "
            s += ReportFormat.padRight(i.resolvedAt.map(ReportFormat.clock) ?? "–", 8) + "  "
            s += ReportFormat.padLeft(i.isOpen ? "open" : mttr, 9) + "  "
            s += ReportFormat.oneLine(i.method ?? "", limit: 30)
            out.append(i.isOpen ? s + "  " + style.boldRed("still open at end of replay") : trimmed(s))
        }
        return out
    }

    /// Every event in time order: incidents, phase changes and CTA workflow events.
    static func timelineSection(_ data: ReportData, _ style: ANSIStyle) -> [String] {
        var out = [heading("Workflow timeline", style)]
        guard !data.events.isEmpty else {
            out.append("no events")
            return out
        }
        let runs = Set(data.events.compactMap { $0.tags["run_id"] })
        let nameWidth = min(24, data.events.map { ReportFormat.oneLine($0.name, limit: 40).count }.max()!)
        for event in data.events {
            let fields = event.tags.keys.sorted().filter { $0 != "run_id" || runs.count > 1 }
                .map { "\($0)=\(event.tags[$0]!)" }.joined(separator: " ")
            var s = ReportFormat.clock(event.timestamp) + "  "
            s += timelineColor(event.name, style)(
                ReportFormat.padRight(ReportFormat.oneLine(event.name, limit: 40), nameWidth))
            if !fields.isEmpty { s += "  " + ReportFormat.oneLine(fields, limit: 120) }
            if !event.text.isEmpty { s += "  " + style.dim(ReportFormat.oneLine(event.text, limit: 100)) }
            out.append(trimmed(s))
        }
        return out
    }

    private static func timelineColor(_ name: String, _ style: ANSIStyle) -> (String) -> String {
        switch name {
        case EventName.incidentDetected, CTAEventType.fixRollback.rawValue: style.red
        case EventName.incidentResolved, CTAEventType.fixPromoted.rawValue: style.green
        case EventName.phaseChanged: style.yellow
        case "patch_applied": style.cyan
        default: { $0 }
        }
    }

    private static func trimmed(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
