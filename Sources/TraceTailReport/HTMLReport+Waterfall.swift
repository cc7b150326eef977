import TraceTailCore

extension HTMLReport {
    static let slowestCount = 5
    static let slowestPerPhase = 3
    static let maxWaterfallRows = 60
    static let failingKinds = 8

    /// Waterfalls of the slowest traces, then of the failing traces: one example per kind of
    /// failure (entry resource + failing spans), with how many traces failed the same way.
    static func waterfalls(_ data: ReportData, colors: [String: String]) -> String {
        guard !data.traces.isEmpty else { return "" }
        var html = "<section id=\"waterfalls\">"
        func slowest(_ traces: [TraceTree], _ n: Int) -> ArraySlice<TraceTree> {
            traces.sorted { ($0.durationNanoseconds, $1.start) > ($1.durationNanoseconds, $0.start) }.prefix(n)
        }
        // With both phases present, the slowest before and after the fix side by side show the
        // effect of the fix; otherwise just the slowest overall.
        let before = data.traces.filter { $0.root.phase == .beforeFix }
        let after = data.traces.filter { $0.root.phase == .afterFix }
        if !before.isEmpty && !after.isEmpty {
            html += "<h2>Slowest traces before the fix</h2>\n"
            for t in slowest(before, slowestPerPhase) { html += waterfall(t, note: "before_fix", colors: colors) }
            html += "<h2>Slowest traces after the fix</h2>\n"
            for t in slowest(after, slowestPerPhase) { html += waterfall(t, note: "after_fix", colors: colors) }
        } else {
            html += "<h2>Slowest traces</h2>\n"
            for t in slowest(data.traces, slowestCount) { html += waterfall(t, note: "", colors: colors) }
        }

        let failing = data.traces.filter(\.hasError)
        html += "<h2>Failing traces</h2>\n"
        if failing.isEmpty { return html + "<p class=\"muted\">No trace had an error.</p></section>\n" }
        var kinds: [String: [TraceTree]] = [:]
        var order: [String] = []
        for t in failing {
            let errorSpans = t.rows.filter(\.span.error).map { "\($0.span.service) \($0.span.resource)" }
            let key = "\(t.root.service) \(t.root.resource) | " + errorSpans.joined(separator: ", ")
            if kinds[key] == nil { order.append(key) }
            kinds[key, default: []].append(t)
        }
        let ranked = order.sorted { kinds[$0]!.count > kinds[$1]!.count }
        html +=
            "<p class=\"muted\">\(ReportFormat.count(failing.count)) failing traces of \(ranked.count) kinds"
            + (ranked.count > failingKinds ? "; the \(failingKinds) most frequent are shown" : "")
            + ". Each is the slowest example of its kind.</p>\n"
        for key in ranked.prefix(failingKinds) {
            let group = kinds[key]!
            let example = group.max { $0.durationNanoseconds < $1.durationNanoseconds }!
            let first = group.map(\.start).min()!
            let last = group.map(\.start).max()!
            let note =
                "×\(ReportFormat.count(group.count)) like this, \(ReportFormat.clock(first))–\(ReportFormat.clock(last))"
            html += waterfall(example, note: note, colors: colors)
        }
        return html + "</section>\n"
    }

    /// One trace: labels indented by depth on the left, bars by start and duration on the right.
    static func waterfall(_ trace: TraceTree, note: String, colors: [String: String]) -> String {
        let rowHeight = 20.0
        let labelWidth = 430.0
        let barLeft = labelWidth + 10
        let barWidth = chartWidth - barLeft - 90
        let total = Double(max(trace.durationNanoseconds, 1))
        var svg = ""
        // A trace with hundreds of spans (a long task's log_event children) would be a page tall.
        let shown = trace.rows.prefix(maxWaterfallRows)
        for (i, row) in shown.enumerated() {
            let span = row.span
            let y = Double(i) * rowHeight
            if i % 2 == 1 {
                svg +=
                    "<rect x=\"0\" y=\"\(HTML.coordinate(y))\" width=\"\(Int(chartWidth))\" "
                    + "height=\"\(HTML.coordinate(rowHeight))\" fill=\"#f8fafb\"/>"
            }
            let indent = Double(min(row.depth, 12)) * 14
            let room = Int((labelWidth - indent - 8) / 6.6)
            var label = (row.isOrphan ? "⤷ " : "") + (span.error ? "✖ " : "") + span.service + "  " + span.resource
            if label.count > room { label = String(label.prefix(max(room - 1, 1))) + "…" }
            svg +=
                "<text x=\"\(HTML.coordinate(6 + indent))\" y=\"\(HTML.coordinate(y + 14))\" font-size=\"12\" "
                + "fill=\"\(span.error ? "#c5221f" : "#1f2933")\" font-weight=\"\(span.error ? 600 : 400)\">"
                + HTML.escape(label) + "</text>"
            let offset = Double(span.start.nanoseconds - trace.start.nanoseconds) / total
            let width = Double(span.durationNanoseconds) / total
            let x = barLeft + offset * barWidth
            let w = max(width * barWidth, 2)
            let fill = span.error ? "#c5221f" : colors[span.service] ?? "#4e79a7"
            var tip =
                "\(span.service) \(span.resource) · \(ReportFormat.duration(nanoseconds: span.durationNanoseconds))"
            if let status = span.statusCode { tip += " · status \(status)" }
            if span.error, let message = span.errorMessage { tip += " · \(message)" }
            svg +=
                "<rect class=\"\(span.error ? "wf-bar wf-error" : "wf-bar")\" x=\"\(HTML.coordinate(x))\" "
                + "y=\"\(HTML.coordinate(y + 4))\" width=\"\(HTML.coordinate(w))\" height=\"12\" rx=\"2\" "
                + "fill=\"\(fill)\"><title>\(HTML.escape(tip))</title></rect>"
            svg +=
                "<text x=\"\(HTML.coordinate(x + w + 5))\" y=\"\(HTML.coordinate(y + 14))\" font-size=\"11\" "
                + "fill=\"#5f6b7a\">\(HTML.escape(ReportFormat.duration(nanoseconds: span.durationNanoseconds)))"
                + (span.statusCode.map { " · \(HTML.escape($0))" } ?? "") + "</text>"
        }
        let height = Double(shown.count) * rowHeight
        var html = "<div class=\"card waterfall\"><div class=\"wf-head\"><b>\(HTML.escape(trace.root.service)) "
        html += "\(HTML.escape(trace.root.resource))</b>"
        html += "<span class=\"muted\">\(ReportFormat.dateTime(trace.start)) · "
        html += "\(ReportFormat.duration(nanoseconds: trace.durationNanoseconds)) · \(trace.spanCount) spans</span>"
        if trace.hasError {
            html += "<span class=\"badge bad\">✖ \(trace.errorCount) error\(trace.errorCount == 1 ? "" : "s")</span>"
        }
        if !note.isEmpty { html += "<span class=\"badge\">\(HTML.escape(note))</span>" }
        html += "<code class=\"muted\">trace \(trace.traceID)</code></div>\n"
        html +=
            "<svg class=\"wf\" role=\"img\" aria-label=\"waterfall of trace \(trace.traceID)\" width=\"\(Int(chartWidth))\" "
            + "height=\"\(Int(height))\" viewBox=\"0 0 \(Int(chartWidth)) \(Int(height))\">" + svg + "</svg>\n"
        if trace.rows.count > shown.count {
            html += "<p class=\"muted\">… \(trace.rows.count - shown.count) more spans not drawn</p>"
        }
        let errors = trace.rows.filter(\.span.error)
        if !errors.isEmpty {
            html += "<ul class=\"wf-errors\">"
            for row in errors.prefix(5) {
                var item = "\(row.span.service) \(row.span.resource)"
                if let m = row.span.errorMessage { item += ": " + m }
                if let lines = row.span.lineCount { item += " (\(lines) lines)" }
                html += "<li>\(HTML.escape(ReportFormat.oneLine(item, limit: 240)))</li>"
            }
            html += "</ul>"
        }
        return html + "</div>\n"
    }
}
