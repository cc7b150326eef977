import TraceTailCore

extension TextReport {
    /// The trace list: drawn trees, then the healthy traces that were only counted.
    static func traceSection(_ data: ReportData, _ options: Options, _ style: ANSIStyle) -> [String] {
        let traces = data.traces
        var drawn: [TraceTree] = []
        var counted: [TraceTree] = []
        let drawAll = traces.count <= options.drawAllTracesUpTo
        var healthyDrawn = 0
        for trace in traces {
            if drawAll || trace.hasError {
                drawn.append(trace)
            } else if trace.spanCount >= 2 && healthyDrawn < options.healthyTreeLimit {
                drawn.append(trace)
                healthyDrawn += 1
            } else {
                counted.append(trace)
            }
        }
        let errorTraces = traces.filter(\.hasError).count
        var title = "Traces: \(ReportFormat.count(traces.count))"
        if errorTraces > 0 { title += ", \(ReportFormat.count(errorTraces)) with errors" }
        if !drawAll {
            title += " (drawn: every error trace and the first \(options.healthyTreeLimit) healthy multi-span traces)"
        }
        var out = [heading(title, style)]
        if traces.isEmpty { out.append("no spans") }
        // Single-span traces share one column layout so a run of them reads like a table.
        let singleWidth = min(72, drawn.filter { $0.spanCount == 1 }.map { label(of: $0.rows[0]).count }.max() ?? 0)
        for trace in drawn {
            if trace.spanCount == 1 {
                out.append(
                    style.dim(ReportFormat.clock(trace.start) + millis(trace.start)) + "  "
                        + spanLine(trace.rows[0], labelWidth: singleWidth, style))
            } else {
                out += tree(trace, style)
            }
        }
        if !counted.isEmpty { out += countedSummary(counted, style) }
        return out
    }

    /// A header line, then one line per span with `├─`/`└─` rails.
    static func tree(_ trace: TraceTree, _ style: ANSIStyle) -> [String] {
        var header =
            style.dim(ReportFormat.clock(trace.start) + millis(trace.start)) + "  "
            + style.bold("trace \(trace.traceID)") + "  \(trace.spanCount) spans  "
            + ReportFormat.duration(nanoseconds: trace.durationNanoseconds)
        if trace.hasError {
            header += "  " + style.boldRed("✖ \(trace.errorCount) error" + (trace.errorCount == 1 ? "" : "s"))
        }
        let labels = trace.rows.map { rails($0) + label(of: $0) }
        let width = min(90, labels.map(\.count).max() ?? 0)
        var out = [header]
        for row in trace.rows {
            out.append("  " + style.dim(rails(row)) + spanLine(row, labelWidth: width - rails(row).count, style))
        }
        return out
    }

    /// `│  ├─ ` for a row: one segment per ancestor level, then the row's own connector.
    static func rails(_ row: TraceTree.Row) -> String {
        guard row.depth > 0 else { return "" }
        var s = ""
        for level in 0..<(row.depth - 1) { s += row.lastAtLevel[level] ? "   " : "│  " }
        return s + (row.lastAtLevel[row.depth - 1] ? "└─ " : "├─ ")
    }

    /// `✖ nova-api  POST /v2.1/servers` (the marker only for errors, `⤷ ` for orphans).
    static func label(of row: TraceTree.Row) -> String {
        var s = row.isOrphan ? "⤷ " : ""
        if row.span.error { s += "✖ " }
        return s + ReportFormat.oneLine(row.span.service, limit: 40) + "  "
            + ReportFormat.oneLine(row.span.resource, limit: 60)
    }

    /// Label, duration, status, then the error details or the orphan note.
    static func spanLine(_ row: TraceTree.Row, labelWidth: Int, _ style: ANSIStyle) -> String {
        let span = row.span
        // Padding is computed on the plain label; colour goes on the parts afterwards.
        let plain = label(of: row)
        var styled = row.isOrphan ? style.yellow("⤷ ") : ""
        if span.error { styled += style.boldRed("✖ ") }
        let service = ReportFormat.oneLine(span.service, limit: 40)
        let resource = ReportFormat.oneLine(span.resource, limit: 60)
        styled += (span.error ? style.boldRed(service) : style.cyan(service)) + "  "
        styled += span.error ? style.red(resource) : resource
        var line = styled + String(repeating: " ", count: max(0, labelWidth - plain.count)) + "  "
        line += ReportFormat.padLeft(ReportFormat.duration(nanoseconds: span.durationNanoseconds), 9)
        let status = span.statusCode ?? ""
        let statusText = ReportFormat.padLeft(status, 3)
        line += "  " + ((Int(status) ?? 0) >= 500 ? style.red(statusText) : statusText)
        if span.error {
            var detail = "ERR"
            if let message = span.errorMessage { detail += " " + ReportFormat.oneLine(message, limit: 100) }
            if let lines = span.lineCount { detail += " (\(lines) line" + (lines == 1 ? ")" : "s)") }
            line += "  " + style.boldRed(detail)
        }
        if row.isOrphan, let parent = span.parentID {
            line += "  " + style.yellow("(orphan: parent \(parent) not in output)")
        }
        return trimTrailing(line)
    }

    /// Healthy traces that were not drawn, counted by entry service and resource.
    static func countedSummary(_ traces: [TraceTree], _ style: ANSIStyle) -> [String] {
        struct Key: Hashable {
            var service: String
            var resource: String
        }
        var groups: [Key: [Double]] = [:]
        for t in traces {
            groups[Key(service: t.root.service, resource: t.root.resource), default: []].append(
                Double(t.durationNanoseconds))
        }
        let keys = groups.keys.sorted {
            (groups[$0]!.count, $1.service, $1.resource) > (groups[$1]!.count, $0.service, $0.resource)
        }
        var out = [
            "",
            style.bold("Not drawn: \(ReportFormat.count(traces.count)) healthy traces, by entry span"),
            "    count        p50        p95        max  service  resource",
        ]
        for key in keys {
            let d = groups[key]!.sorted()
            func ns(_ q: Double) -> String {
                ReportFormat.padLeft(ReportFormat.duration(nanoseconds: Int64(Percentile.nearestRank(d, q))), 9)
            }
            out.append(
                ReportFormat.padLeft(ReportFormat.count(d.count), 9) + "  " + ns(0.5) + "  " + ns(0.95) + "  "
                    + ns(1.0) + "  " + ReportFormat.oneLine(key.service, limit: 40) + "  "
                    + ReportFormat.oneLine(key.resource, limit: 60))
        }
        return out
    }

    /// `.008` — milliseconds of a time, so requests in the same second stay ordered visibly.
    private static func millis(_ t: EventTime) -> String {
        let ms = Int((t.nanoseconds % 1_000_000_000 + 1_000_000_000) % 1_000_000_000 / 1_000_000)
        return "." + (ms < 10 ? "00" : ms < 100 ? "0" : "") + String(ms)
    }

    private static func trimTrailing(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
