import TraceTailCore

/// The `replay --output html` report: one self-contained file (inline CSS and SVG, no script,
/// no network) that tells the incident → fix → recovery story at a glance, then backs it with
/// tables and trace waterfalls.
///
/// Every string that came from a log (service names, resources, messages, tags) goes through
/// `HTML.escape`, so a `<script>` in a log line is shown as text and never runs.
public enum HTMLReport {
    /// Renders the whole document.
    public static func render(records: [OutputRecord], totals: ReplayTotals, title: String) -> String {
        let data = ReportData(records: records)
        let colors = serviceColors(data.services)
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <main>

            """
        html += header(data, title: title)
        html += storyTiles(data)
        html += storySection(data)
        html += serviceCharts(data)
        html += comparisonTable(data)
        html += incidentTable(data)
        html += timelineTable(data)
        html += waterfalls(data, colors: colors)
        html += totalsTable(totals)
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    private static func header(_ data: ReportData, title: String) -> String {
        var sub = "no records"
        if let range = data.timeRange {
            let seconds = Double((range.upperBound - range.lowerBound).nanoseconds) / 1e9
            sub =
                "\(ReportFormat.dateTime(range.lowerBound)) → \(ReportFormat.clock(range.upperBound)) UTC"
                + " (\(ReportFormat.seconds(seconds))) · \(ReportFormat.count(data.traces.count)) traces · "
                + "\(ReportFormat.count(data.spans.count)) spans · \(data.services.count) services"
        }
        return "<header><h1>\(HTML.escape(title))</h1><p class=\"sub\">\(HTML.escape(sub))</p></header>\n"
    }

    /// Incident, fix and recovery as three coloured tiles, plus the biggest before → after change.
    private static func storyTiles(_ data: ReportData) -> String {
        var tiles: [String] = []
        func tile(_ cls: String, _ key: String, _ value: String, _ note: String) {
            tiles.append(
                "<div class=\"tile \(cls)\"><div class=\"k\">\(HTML.escape(key))</div>"
                    + "<div class=\"v\">\(HTML.escape(value))</div><div class=\"n\">\(HTML.escape(note))</div></div>")
        }
        if let first = data.incidents.first {
            let more = data.incidents.count > 1 ? " (+\(data.incidents.count - 1) more)" : ""
            tile(
                "incident", "⚠ Incident", first.service,
                "\(first.type) · detected \(ReportFormat.clock(first.detectedAt))\(more)")
        } else {
            tile("recovered", "Incidents", "none detected", "no service crossed the error-rate threshold")
        }
        if let fix = data.phasePeriods.first(where: { $0.phase == .afterFix }) {
            let patch = data.events.last { $0.name == "patch_applied" && $0.timestamp <= fix.start }
            let how = patch.flatMap { $0.tags[TagKey.adapter] }.map { "patch via \($0)" } ?? "phase → after_fix"
            tile("fix", "Fix applied", ReportFormat.clock(fix.start), how)
        }
        if let first = data.incidents.first {
            if let recovered = first.recoveredAt, let mttr = first.mttrSeconds {
                tile(
                    "recovered", "✓ Recovered", "MTTR \(ReportFormat.seconds(mttr))",
                    "\(first.service) healthy again at \(ReportFormat.clock(recovered))")
            } else {
                tile("incident", "Recovery", "still open", "\(first.service) had not recovered at the end")
            }
        }
        // The outcome tile shows the first incident's service when it has both phases, else the
        // service whose error rate changed most.
        let both = data.comparisons.compactMap { c -> (String, PhaseStats, PhaseStats)? in
            guard let b = c.before, let a = c.after else { return nil }
            return (c.service, b, a)
        }
        let incidentService = data.incidents.first?.service
        if let (service, b, a) = both.first(where: { $0.0 == incidentService })
            ?? both.max(by: { abs($0.1.errorRate - $0.2.errorRate) < abs($1.1.errorRate - $1.2.errorRate) })
        {
            let cls = a.errorRate <= b.errorRate ? "outcome" : "incident"
            tiles.append(
                "<div class=\"tile \(cls)\"><div class=\"k\">Error rate · \(HTML.escape(service))</div>"
                    + "<div class=\"v\">\(ReportFormat.percent(b.errorRate)) → \(ReportFormat.percent(a.errorRate))</div>"
                    + "<div class=\"pair\">\(rateBar(b.errorRate, "before")) \(rateBar(a.errorRate, "after"))</div></div>"
            )
        }
        return "<section class=\"tiles\">\n" + tiles.joined(separator: "\n") + "\n</section>\n"
    }

    /// A small horizontal bar whose length is the error rate (full width = 50 %).
    static func rateBar(_ rate: Double, _ phase: String) -> String {
        let width = Int((min(rate, 0.5) / 0.5 * 100).rounded())
        return "<span class=\"rbar \(phase)\" title=\"\(phase) \(ReportFormat.percent(rate))\">"
            + "<span style=\"width:\(max(width, 1))%\"></span></span>"
    }

    /// A distinct colour per service, stable for a given set of services.
    static func serviceColors(_ services: [String]) -> [String: String] {
        let palette = ["#4e79a7", "#59a14f", "#9c755f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#bab0ac"]
        var map: [String: String] = [:]
        for (i, s) in services.enumerated() { map[s] = palette[i % palette.count] }
        return map
    }

    static let stylesheet = """
        :root{--before:#fdecea;--after:#e6f4ea;--red:#c5221f;--green:#137333;--blue:#1a56db;--ink:#1f2933;\
        --muted:#5f6b7a;--line:#e3e8ee}
        *{box-sizing:border-box}
        body{margin:0;background:#f4f6f8;color:var(--ink);\
        font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
        main{max-width:1380px;margin:0 auto;padding:18px 20px 40px}
        h1{font-size:24px;margin:0 0 2px}h2{font-size:18px;margin:26px 0 8px}h3{font-size:15px;margin:0}
        .sub{color:var(--muted);margin:0}
        .tiles{display:flex;gap:12px;flex-wrap:wrap;margin-top:14px}
        .tile{flex:1 1 220px;background:#fff;border-radius:8px;border-left:7px solid var(--muted);padding:8px 14px;\
        box-shadow:0 1px 2px rgba(0,0,0,.06)}
        .tile.incident{border-color:var(--red)}.tile.fix{border-color:var(--blue)}\
        .tile.recovered,.tile.outcome{border-color:var(--green)}
        .tile .k{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
        .tile .v{font-size:22px;font-weight:650}.tile .n{color:var(--muted);font-size:13px}
        .tile.incident .v{color:var(--red)}.tile.fix .v{color:var(--blue)}.tile.recovered .v{color:var(--green)}
        .rbar{display:inline-block;width:46%;min-width:60px;height:10px;background:#eef1f4;border-radius:3px;vertical-align:middle}
        .rbar span{display:block;height:10px;border-radius:3px}
        .rbar.before span{background:var(--red)}.rbar.after span{background:var(--green)}
        .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin-bottom:12px}
        .card-head{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;margin-bottom:2px}
        .badge{font-size:12px;padding:1px 8px;border-radius:10px;background:#eef1f4;color:var(--ink)}
        .badge.bad{background:var(--before);color:var(--red)}.badge.good{background:var(--after);color:var(--green)}
        .legend{display:flex;gap:16px;flex-wrap:wrap;font-size:12px;color:var(--muted);margin:4px 0 8px}
        .sw{display:inline-block;width:14px;height:10px;border-radius:2px;margin-right:5px;vertical-align:middle}
        svg{display:block;max-width:100%}svg text{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif}
        table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px}
        th,td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
        th{background:#f8fafb;font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase}
        td.l,th.l{text-align:left}td .rbar{width:140px}td.wrap{white-space:normal;text-align:left}
        tr.before td{background:#fffafa}tr.after td{background:#fafffb}tr.change td{font-weight:600}
        .bad{color:var(--red)}.good{color:var(--green)}.muted{color:var(--muted)}
        .phase{font-size:12px;padding:0 6px;border-radius:8px}
        .phase.before_fix{background:var(--before);color:var(--red)}.phase.after_fix{background:var(--after);color:var(--green)}
        .wf-head{display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}
        .wf-errors{margin:4px 0 0;padding-left:18px;color:var(--red);font-size:13px}
        code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        dl.totals{display:grid;grid-template-columns:max-content max-content 1fr;gap:2px 14px;background:#fff;\
        border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:0}
        dl.totals dt{color:var(--muted)}dl.totals dd{margin:0;text-align:right;font-weight:600}
        """
}
