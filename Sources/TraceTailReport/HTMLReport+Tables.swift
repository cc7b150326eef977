import TraceTailCore

extension HTMLReport {
    /// Per service: before_fix row, after_fix row, change row; error rates also drawn as bars.
    static func comparisonTable(_ data: ReportData) -> String {
        var html = "<section id=\"comparison\"><h2>Before / after fix, per service</h2>\n"
        guard !data.comparisons.isEmpty else {
            return html + "<p class=\"muted\">No span carries a phase.</p></section>\n"
        }
        html += "<table class=\"comparison\"><thead><tr><th class=\"l\">service</th><th class=\"l\">phase</th>"
        html += "<th>requests</th><th>errors</th><th>error rate</th><th class=\"l\"></th>"
        html += "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr></thead><tbody>\n"
        for c in data.comparisons {
            for (phase, stats) in [(Phase.beforeFix, c.before), (Phase.afterFix, c.after)] {
                let cls = phase == .beforeFix ? "before" : "after"
                html += "<tr class=\"\(cls)\"><td class=\"l\">\(phase == .beforeFix ? HTML.escape(c.service) : "")</td>"
                html += "<td class=\"l\"><span class=\"phase \(phase.rawValue)\">\(phase.rawValue)</span></td>"
                if let s = stats {
                    html += "<td>\(ReportFormat.count(s.requests))</td><td>\(ReportFormat.count(s.errors))</td>"
                    html += "<td\(s.errorRate > 0.1 ? " class=\"bad\"" : "")>\(ReportFormat.percent(s.errorRate))</td>"
                    html += "<td class=\"l\">\(rateBar(s.errorRate, cls))</td>"
                    html += "<td>\(ReportFormat.milliseconds(s.p50))</td><td>\(ReportFormat.milliseconds(s.p95))</td>"
                    html += "<td>\(ReportFormat.milliseconds(s.p99))</td></tr>\n"
                } else {
                    html += "<td>0</td><td>0</td><td>–</td><td></td><td>–</td><td>–</td><td>–</td></tr>\n"
                }
            }
            if let b = c.before, let a = c.after {
                func cell(_ delta: Double, _ text: String) -> String {
                    "<td class=\"\(delta < 0 ? "good" : delta > 0 ? "bad" : "")\">\(text)</td>"
                }
                func signed(_ v: Double, _ unit: String) -> String {
                    (v > 0 ? "+" : v < 0 ? "−" : "±") + ReportFormat.fixed(abs(v), 1) + unit
                }
                let rate = (a.errorRate - b.errorRate) * 100
                html += "<tr class=\"change\"><td></td><td class=\"l\">change</td><td></td><td></td>"
                html += cell(rate, signed(rate, " pp")) + "<td></td>"
                html += cell(a.p50 - b.p50, signed(a.p50 - b.p50, ""))
                html += cell(a.p95 - b.p95, signed(a.p95 - b.p95, ""))
                html += cell(a.p99 - b.p99, signed(a.p99 - b.p99, "")) + "</tr>\n"
            }
        }
        html += "</tbody></table>\n"
        if !data.improvements.isEmpty {
            html += "<h3 style=\"margin-top:12px\">Aggregator improvement (before − after, compare window)</h3>"
            html += "<table class=\"improvement\"><thead><tr><th class=\"l\">service</th><th class=\"l\">metric</th>"
            html += "<th>value</th></tr></thead><tbody>\n"
            for i in data.improvements {
                html += "<tr><td class=\"l\">\(HTML.escape(i.service))</td><td class=\"l\"><code>cta.improvement."
                html += "\(HTML.escape(i.metric))</code></td><td>\(ReportFormat.fixed(i.value, 3))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        return html + "</section>\n"
    }

    static func incidentTable(_ data: ReportData) -> String {
        var html = "<section id=\"incidents\"><h2>Incidents</h2>\n"
        guard !data.incidents.isEmpty else { return html + "<p class=\"muted\">None detected.</p></section>\n" }
        html += "<table class=\"incidents\"><thead><tr><th class=\"l\">service</th><th class=\"l\">type</th>"
        html += "<th>detected</th><th>recovered</th><th>resolved</th><th>MTTR</th><th class=\"l\">method</th></tr>"
        html += "</thead><tbody>\n"
        for i in data.incidents {
            html += "<tr class=\"incident\"><td class=\"l\">\(HTML.escape(i.service))</td>"
            html += "<td class=\"l\">\(HTML.escape(i.type))</td>"
            html += "<td class=\"bad\">\(ReportFormat.clock(i.detectedAt))</td>"
            html += "<td class=\"good\">\(i.recoveredAt.map(ReportFormat.clock) ?? "–")</td>"
            html += "<td>\(i.resolvedAt.map(ReportFormat.clock) ?? "–")</td>"
            html +=
                i.isOpen
                ? "<td class=\"bad\">open</td>" : "<td><b>\(i.mttrSeconds.map(ReportFormat.seconds) ?? "–")</b></td>"
            html += "<td class=\"l\">\(HTML.escape(i.method ?? ""))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    /// Every event in time order with its tags and text.
    static func timelineTable(_ data: ReportData) -> String {
        var html = "<section id=\"timeline\"><h2>Workflow timeline</h2>\n"
        guard !data.events.isEmpty else { return html + "<p class=\"muted\">No events.</p></section>\n" }
        let runs = Set(data.events.compactMap { $0.tags["run_id"] })
        html += "<table class=\"timeline\"><thead><tr><th class=\"l\">time</th><th class=\"l\">event</th>"
        html += "<th class=\"l\">fields</th><th class=\"l\">text</th></tr></thead><tbody>\n"
        for e in data.events {
            let cls =
                switch e.name {
                case EventName.incidentDetected, CTAEventType.fixRollback.rawValue: "bad"
                case EventName.incidentResolved, CTAEventType.fixPromoted.rawValue: "good"
                default: ""
                }
            let fields = e.tags.keys.sorted().filter { $0 != "run_id" || runs.count > 1 }
                .map { "\($0)=\(e.tags[$0]!)" }.joined(separator: " ")
            html += "<tr><td class=\"l\">\(ReportFormat.clock(e.timestamp))</td>"
            html += "<td class=\"l \(cls)\"><b>\(HTML.escape(e.name))</b></td>"
            html += "<td class=\"wrap\"><code>\(HTML.escape(fields))</code></td>"
            html += "<td class=\"wrap muted\">\(HTML.escape(e.text))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }

    static func totalsTable(_ t: ReplayTotals) -> String {
        var rows: [(String, Int, String)] = [
            ("files", t.filesRead.count, t.filesRead.joined(separator: ", ")), ("lines", t.lines, ""),
            ("events", t.events, "parsed lines"), ("spans", t.spans, ""), ("traces", t.traces, ""),
            ("late", t.late, "lines for already-emitted spans"),
            ("evicted", t.evicted, "spans emitted early (max_open_spans)"),
            ("continuation", t.continuationLines, "traceback lines attached"),
            ("idless", t.idlessDropped, "lines with no request id, dropped"),
        ]
        rows.append(
            (
                "unmatched", t.unmatchedTotal,
                t.unmatched.keys.sorted().map { "\($0) \(t.unmatched[$0]!)" }.joined(separator: ", ")
            ))
        rows.append(("cta problems", t.ctaEventProblems.count, t.ctaEventProblems.joined(separator: "\n")))
        var html = "<section id=\"totals\"><h2>Totals</h2><table class=\"totals\"><tbody>\n"
        for (name, value, note) in rows {
            html += "<tr><td class=\"l\">\(name)</td><td>\(ReportFormat.count(value))</td>"
            html += "<td class=\"wrap muted\" style=\"white-space:pre-line;width:80%\">\(HTML.escape(note))</td></tr>\n"
        }
        return html + "</tbody></table></section>\n"
    }
}
