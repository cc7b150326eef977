import TraceTailCore

extension HTMLReport {
    /// Width of every time chart, and the plot area inside it; shared so charts line up vertically.
    static let chartWidth = 1320.0
    static let plotLeft = 130.0
    static let plotRight = 24.0
    static let beforeFill = "#fdecea"
    static let afterFill = "#e6f4ea"
    static let beforeLine = "#c5221f"
    static let afterLine = "#137333"

    static func scale(_ data: ReportData) -> TimeScale? {
        data.timeRange.map { TimeScale(range: $0, left: plotLeft, width: chartWidth - plotLeft - plotRight) }
    }

    /// The one-glance overview: markers, phase band, and an error-rate heat strip per service with
    /// each incident outlined.
    static func storySection(_ data: ReportData) -> String {
        guard let scale = scale(data) else { return "" }
        var svg = ""
        var y = 4.0
        let markers = self.markers(data, service: nil)
        let lane = labelLane(markers, scale: scale, top: y)
        svg += lane.svg
        y += lane.height
        let markerTop = y
        // Phase band.
        let bandHeight = 24.0
        svg += text("phase", x: plotLeft - 8, y: y + 16, anchor: "end", cls: "muted", size: 12)
        svg += phaseShading(data.phasePeriods, scale: scale, top: y, height: bandHeight, labelled: true)
        y += bandHeight + 6
        // One heat row per service: white-green when healthy, deepening red with the error rate.
        let rowHeight = 18.0
        for series in orderedSeries(data) {
            svg += text(
                String(series.service.prefix(18)), x: plotLeft - 8, y: y + 13, anchor: "end", cls: "", size: 12)
            svg += heatRow(series, scale: scale, top: y, height: rowHeight - 3)
            for incident in data.incidents where incident.service == series.service {
                let x0 = scale.x(incident.detectedAt)
                let x1 = scale.x(incident.recoveredAt ?? scale.end)
                svg +=
                    "<rect class=\"incident-outline\" x=\"\(HTML.coordinate(x0))\" y=\"\(HTML.coordinate(y - 1.5))\" "
                    + "width=\"\(HTML.coordinate(max(x1 - x0, 2)))\" height=\"\(HTML.coordinate(rowHeight))\" "
                    + "fill=\"none\" stroke=\"#c5221f\" stroke-width=\"2\" rx=\"2\">"
                    + "<title>\(HTML.escape(incidentTitle(incident)))</title></rect>"
            }
            y += rowHeight
        }
        svg += markerLines(markers, scale: scale, top: markerTop, bottom: y)
        svg += axis(scale, top: y + 2)
        y += 24
        let legend = """
            <div class="legend"><span><i class="sw" style="background:\(beforeFill)"></i>before fix</span>\
            <span><i class="sw" style="background:\(afterFill)"></i>after fix</span>\
            <span><i class="sw" style="background:#e9f5ec;border:1px solid #cfd8dc"></i>healthy (0 % errors)</span>\
            <span><i class="sw" style="background:#c5221f"></i>≥ 50 % errors</span>\
            <span><i class="sw" style="background:#fff;border:2px solid #c5221f"></i>incident (detected → recovered)</span>\
            <span><i class="sw" style="background:#1a56db"></i>fix / phase change</span>\
            <span><i class="sw" style="background:#5f6b7a"></i>CTA workflow event</span></div>
            """
        return "<section id=\"story\"><h2>What happened</h2><div class=\"card\">\(legend)\n"
            + svgElement(height: y, label: "timeline of phases, incidents and per-service error rate", body: svg)
            + "</div></section>\n"
    }

    /// Services with incidents first (by detection time), then the rest by name.
    static func orderedSeries(_ data: ReportData) -> [ServiceSeries] {
        let firstIncident = Dictionary(
            data.incidents.map { ($0.service, $0.detectedAt) }, uniquingKeysWith: { a, _ in a })
        return data.series.sorted { a, b in
            switch (firstIncident[a.service], firstIncident[b.service]) {
            case (let x?, let y?): return (x, a.service) < (y, b.service)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.service < b.service
            }
        }
    }

    /// Per service: error rate and p95 latency over time, phases shaded, incident and markers drawn.
    static func serviceCharts(_ data: ReportData) -> String {
        guard let scale = scale(data), !data.series.isEmpty else { return "" }
        var html = "<section id=\"services\"><h2>Error rate and p95 latency per service</h2>\n"
        html += """
            <div class="legend"><span><i class="sw" style="background:\(beforeFill)"></i>before fix period</span>\
            <span><i class="sw" style="background:\(afterFill)"></i>after fix period</span>\
            <span><i class="sw" style="background:\(beforeLine)"></i>before_fix spans</span>\
            <span><i class="sw" style="background:\(afterLine)"></i>after_fix spans</span>\
            <span><i class="sw" style="background:rgba(197,34,31,.18)"></i>incident</span></div>

            """
        let comparisons = Dictionary(data.comparisons.map { ($0.service, $0) }, uniquingKeysWith: { a, _ in a })
        for series in orderedSeries(data) {
            html += "<div class=\"card chart\" data-service=\"\(HTML.escape(series.service))\">"
            html += "<div class=\"card-head\"><h3>\(HTML.escape(series.service))</h3>"
            for incident in data.incidents where incident.service == series.service {
                html += "<span class=\"badge bad\">⚠ \(HTML.escape(incidentTitle(incident)))</span>"
            }
            if let c = comparisons[series.service], let b = c.before, let a = c.after {
                let cls = a.errorRate < b.errorRate ? "good" : a.errorRate > b.errorRate ? "bad" : ""
                html +=
                    "<span class=\"badge \(cls)\">errors \(ReportFormat.percent(b.errorRate)) → "
                    + "\(ReportFormat.percent(a.errorRate)) · p95 \(ReportFormat.milliseconds(b.p95)) → "
                    + "\(ReportFormat.milliseconds(a.p95)) ms</span>"
            }
            if series.computedFromSpans { html += "<span class=\"badge\">computed from spans</span>" }
            html += "</div>\n" + serviceChart(series, data: data, scale: scale) + "</div>\n"
        }
        return html + "</section>\n"
    }

    private static func serviceChart(_ series: ServiceSeries, data: ReportData, scale: TimeScale) -> String {
        var svg = ""
        let markers = self.markers(data, service: series.service)
        let lane = labelLane(markers, scale: scale, top: 2)
        svg += lane.svg
        var y = 2 + lane.height
        let markerTop = y
        let panelHeight = 96.0
        let incidents = data.incidents.filter { $0.service == series.service }
        let rateMax = min(
            100, niceCeiling(max(5, (series.errorRate.values.flatMap { $0 }.map(\.value).max() ?? 0) * 110)))
        svg += panel(
            title: "error rate",
            curves: series.errorRate.mapValues { $0.map { .init(time: $0.time, value: $0.value * 100) } },
            yMax: rateMax, unit: { "\(ReportFormat.fixed($0, $0 < 10 && $0 != 0 ? 1 : 0))%" }, data: data,
            incidents: incidents, scale: scale, top: y, height: panelHeight, kind: "error-rate")
        y += panelHeight + 18
        let p95Max = niceCeiling((series.p95.values.flatMap { $0 }.map(\.value).max() ?? 1) * 1.1)
        svg += panel(
            title: "p95 latency", curves: series.p95, yMax: p95Max, unit: latencyLabel, data: data,
            incidents: incidents, scale: scale, top: y, height: panelHeight, kind: "p95")
        y += panelHeight
        svg += markerLines(markers, scale: scale, top: markerTop, bottom: y)
        svg += axis(scale, top: y + 2)
        return svgElement(
            height: y + 24, label: "\(series.service) error rate and p95 latency over time", body: svg)
    }

    private static func latencyLabel(_ ms: Double) -> String {
        ms >= 1000
            ? ReportFormat.fixed(ms / 1000, ms.truncatingRemainder(dividingBy: 1000) == 0 ? 0 : 1) + " s"
            : "\(Int(ms.rounded())) ms"
    }

    /// One plot: phase shading, incident band, gridlines, then a line (and light area) per phase.
    private static func panel(
        title: String, curves: [Phase?: [ServiceSeries.Point]], yMax: Double, unit: (Double) -> String,
        data: ReportData, incidents: [Incident], scale: TimeScale, top: Double, height: Double, kind: String
    ) -> String {
        var svg = "<g class=\"panel \(kind)\">"
        svg += phaseShading(data.phasePeriods, scale: scale, top: top, height: height, labelled: false)
        for incident in incidents {
            let x0 = scale.x(incident.detectedAt)
            let x1 = scale.x(incident.recoveredAt ?? scale.end)
            svg +=
                "<rect class=\"incident-band\" x=\"\(HTML.coordinate(x0))\" y=\"\(HTML.coordinate(top))\" "
                + "width=\"\(HTML.coordinate(max(x1 - x0, 2)))\" height=\"\(HTML.coordinate(height))\" "
                + "fill=\"#c5221f\" fill-opacity=\"0.16\"><title>\(HTML.escape(incidentTitle(incident)))</title></rect>"
        }
        for fraction in [0.0, 0.5, 1.0] {
            let gy = top + height - fraction * height
            svg +=
                "<line x1=\"\(HTML.coordinate(scale.left))\" x2=\"\(HTML.coordinate(scale.left + scale.width))\" "
                + "y1=\"\(HTML.coordinate(gy))\" y2=\"\(HTML.coordinate(gy))\" stroke=\"#d5dbe1\" stroke-width=\"1\""
                + (fraction == 0 ? "" : " stroke-dasharray=\"3 3\"") + "/>"
            svg += text(unit(yMax * fraction), x: scale.left - 6, y: gy + 4, anchor: "end", cls: "muted", size: 11)
        }
        svg += text(title, x: scale.left + 6, y: top + 13, anchor: "start", cls: "panel-title", size: 12, weight: 600)
        for phase in [Phase.beforeFix, Phase.afterFix, nil] {
            guard let points = curves[phase], !points.isEmpty else { continue }
            let color = phase == .afterFix ? afterLine : phase == .beforeFix ? beforeLine : "#4e79a7"
            svg += curve(points, scale: scale, top: top, height: height, yMax: yMax, color: color)
        }
        return svg + "</g>"
    }

    /// A polyline per run of points no more than 30 s apart, with a faint area under it.
    private static func curve(
        _ points: [ServiceSeries.Point], scale: TimeScale, top: Double, height: Double, yMax: Double, color: String
    ) -> String {
        var runs: [[ServiceSeries.Point]] = []
        for p in points {
            if let last = runs.last?.last, p.time.nanoseconds - last.time.nanoseconds <= 30_000_000_000 {
                runs[runs.count - 1].append(p)
            } else {
                runs.append([p])
            }
        }
        let base = top + height
        func y(_ v: Double) -> Double { base - min(max(v / yMax, 0), 1) * height }
        var svg = ""
        for run in runs {
            let coords = run.map { "\(HTML.coordinate(scale.x($0.time))),\(HTML.coordinate(y($0.value)))" }
            if run.count == 1 {
                svg +=
                    "<circle cx=\"\(HTML.coordinate(scale.x(run[0].time)))\" cy=\"\(HTML.coordinate(y(run[0].value)))\" "
                    + "r=\"2\" fill=\"\(color)\"/>"
                continue
            }
            let first = HTML.coordinate(scale.x(run[0].time))
            let last = HTML.coordinate(scale.x(run[run.count - 1].time))
            svg +=
                "<polygon points=\"\(first),\(HTML.coordinate(base)) \(coords.joined(separator: " ")) "
                + "\(last),\(HTML.coordinate(base))\" fill=\"\(color)\" fill-opacity=\"0.12\"/>"
            svg +=
                "<polyline class=\"series\" points=\"\(coords.joined(separator: " "))\" fill=\"none\" "
                + "stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
        }
        return svg
    }

    /// Background rectangles for the phases; in the story band each one is named.
    static func phaseShading(
        _ periods: [PhasePeriod], scale: TimeScale, top: Double, height: Double, labelled: Bool
    ) -> String {
        // Behind curves the tint is paler than in the story band so the incident band and the
        // curves stay the loudest things on the chart.
        var svg = ""
        for p in periods {
            let x0 = scale.x(p.start)
            let x1 = scale.x(p.end)
            let fill =
                labelled
                ? (p.phase == .beforeFix ? beforeFill : afterFill) : (p.phase == .beforeFix ? "#fff4f2" : "#eff8f1")
            svg +=
                "<rect class=\"phase-\(p.phase.rawValue)\" x=\"\(HTML.coordinate(x0))\" y=\"\(HTML.coordinate(top))\" "
                + "width=\"\(HTML.coordinate(max(x1 - x0, 0.5)))\" height=\"\(HTML.coordinate(height))\" fill=\"\(fill)\">"
                + "<title>\(p.phase.rawValue) \(ReportFormat.clock(p.start))–\(ReportFormat.clock(p.end))</title></rect>"
            if labelled && x1 - x0 > 90 {
                let color = p.phase == .beforeFix ? beforeLine : afterLine
                let name = p.phase == .beforeFix ? "before fix" : "after fix"
                svg += text(
                    name, x: (x0 + x1) / 2, y: top + height / 2 + 5, anchor: "middle", cls: "", size: 13, weight: 600,
                    fill: color)
            }
        }
        return svg
    }

    /// Error-rate cells at most ~300 per row (max rate per cell, both phases combined).
    private static func heatRow(_ series: ServiceSeries, scale: TimeScale, top: Double, height: Double) -> String {
        let totalNs = scale.end.nanoseconds - scale.start.nanoseconds
        let cellNs = max(10_000_000_000, totalNs / 300)
        var cells: [Int64: Double] = [:]
        for points in series.errorRate.values {
            for p in points {
                let k = (p.time.nanoseconds - scale.start.nanoseconds) / cellNs
                cells[k] = max(cells[k] ?? 0, p.value)
            }
        }
        var svg =
            "<rect x=\"\(HTML.coordinate(scale.left))\" y=\"\(HTML.coordinate(top))\" "
            + "width=\"\(HTML.coordinate(scale.width))\" height=\"\(HTML.coordinate(height))\" fill=\"#f1f3f4\"/>"
        for k in cells.keys.sorted() {
            let x0 = scale.x(scale.start.advanced(byNanoseconds: k * cellNs))
            let x1 = scale.x(scale.start.advanced(byNanoseconds: (k + 1) * cellNs))
            let rate = cells[k]!
            svg +=
                "<rect class=\"heat\" x=\"\(HTML.coordinate(x0))\" y=\"\(HTML.coordinate(top))\" "
                + "width=\"\(HTML.coordinate(max(x1 - x0, 0.5) + 0.3))\" height=\"\(HTML.coordinate(height))\" "
                + "fill=\"\(heatColor(rate))\"><title>\(HTML.escape(series.service)) "
                + "\(ReportFormat.clock(scale.start.advanced(byNanoseconds: k * cellNs))) "
                + "errors \(ReportFormat.percent(rate))</title></rect>"
        }
        return svg
    }

    /// Pale green at 0 %, through pale red, to deep red at ≥ 50 % errors.
    static func heatColor(_ rate: Double) -> String {
        let stops: [(Double, (Double, Double, Double))] = [
            (0, (233, 245, 236)), (0.02, (252, 232, 230)), (0.1, (244, 163, 155)), (0.5, (197, 34, 31)),
        ]
        let r = min(max(rate, 0), 0.5)
        var lower = stops[0]
        var upper = stops[stops.count - 1]
        for i in 0..<(stops.count - 1) where r >= stops[i].0 && r <= stops[i + 1].0 {
            lower = stops[i]
            upper = stops[i + 1]
            break
        }
        let f = upper.0 == lower.0 ? 0 : (r - lower.0) / (upper.0 - lower.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * f).rounded()) }
        let rgb = [mix(lower.1.0, upper.1.0), mix(lower.1.1, upper.1.1), mix(lower.1.2, upper.1.2)]
        return "#" + rgb.map { Hex.string(UInt64($0), digits: 2) }.joined()
    }

    /// Incidents of `service` (all when nil), phase changes, and every CTA workflow event.
    static func markers(_ data: ReportData, service: String?) -> [ChartMarker] {
        var markers: [ChartMarker] = []
        for i in data.incidents where service == nil || i.service == service {
            let who = service == nil ? " \(i.service)" : ""
            markers.append(
                ChartMarker(
                    time: i.detectedAt, label: "⚠ incident" + who, kind: .incidentDetected,
                    detail: "incident detected\(who) at \(ReportFormat.clock(i.detectedAt))"))
            if let r = i.recoveredAt {
                markers.append(
                    ChartMarker(
                        time: r, label: "✓ recovered" + who, kind: .recovered,
                        detail:
                            "recovered\(who) at \(ReportFormat.clock(r)), MTTR \(i.mttrSeconds.map(ReportFormat.seconds) ?? "?")"
                    ))
            }
        }
        for e in data.events {
            if e.name == EventName.incidentDetected || e.name == EventName.incidentResolved,
                e.tags[TagKey.service] != nil
            {
                continue
            }
            if e.name == EventName.phaseChanged {
                let to = e.tags[TagKey.phase] ?? e.tags["to"] ?? "?"
                markers.append(
                    ChartMarker(
                        time: e.timestamp,
                        label: to == Phase.afterFix.rawValue ? "fix → after_fix" : "rollback → \(to)",
                        kind: to == Phase.afterFix.rawValue ? .fix : .rollback,
                        detail: "phase → \(to) at \(ReportFormat.clock(e.timestamp))"))
                continue
            }
            let fields = e.tags.keys.sorted().filter { $0 != TagKey.runID }.map { "\($0)=\(e.tags[$0]!)" }
            markers.append(
                ChartMarker(
                    time: e.timestamp, label: e.name,
                    kind: e.name == CTAEventType.fixRollback.rawValue ? .rollback : .workflow,
                    detail: "\(e.name) at \(ReportFormat.clock(e.timestamp)) \(fields.joined(separator: " "))"))
        }
        return markers.sorted { $0.time < $1.time }
    }

    /// Marker labels in as many rows as needed so none overlap; returns the lane's height.
    static func labelLane(_ markers: [ChartMarker], scale: TimeScale, top: Double) -> (svg: String, height: Double) {
        guard !markers.isEmpty else { return ("", 0) }
        let rowHeight = 15.0
        let right = scale.left + scale.width
        var boxes: [(x: Double, width: Double)] = []
        for m in markers {
            let width = Double(m.label.count) * 6.4 + 6
            let x = scale.x(m.time)
            boxes.append((x + width > right ? x - width : x, width))
        }
        let rows = labelRows(boxes, maxRows: 8)
        var svg = ""
        for (i, m) in markers.enumerated() {
            let x = scale.x(m.time)
            let flipped = boxes[i].x < x
            let y = top + Double(rows[i]) * rowHeight + 11
            svg +=
                "<text class=\"marker-label\" x=\"\(HTML.coordinate(flipped ? x - 3 : x + 3))\" y=\"\(HTML.coordinate(y))\" "
                + "text-anchor=\"\(flipped ? "end" : "start")\" font-size=\"11\" fill=\"\(m.color)\" "
                + "font-weight=\"\(m.kind == .workflow ? 400 : 600)\">\(HTML.escape(m.label))"
                + "<title>\(HTML.escape(m.detail))</title></text>"
        }
        return (svg, Double((rows.max() ?? 0) + 1) * rowHeight + 2)
    }

    /// Vertical lines for the markers from the label lane to the bottom of the plots.
    static func markerLines(_ markers: [ChartMarker], scale: TimeScale, top: Double, bottom: Double) -> String {
        var svg = ""
        for m in markers {
            let x = HTML.coordinate(scale.x(m.time))
            let dashed = m.kind == .workflow ? " stroke-dasharray=\"4 3\"" : ""
            let width = m.kind == .workflow ? "1.2" : "2"
            svg +=
                "<line class=\"marker marker-\(m.kind)\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(HTML.coordinate(top - 14))\" "
                + "y2=\"\(HTML.coordinate(bottom))\" stroke=\"\(m.color)\" stroke-width=\"\(width)\"\(dashed)>"
                + "<title>\(HTML.escape(m.detail))</title></line>"
        }
        return svg
    }

    /// Tick marks and `HH:MM` labels along the bottom.
    static func axis(_ scale: TimeScale, top: Double) -> String {
        let (ticks, withSeconds) = scale.ticks()
        var svg =
            "<line x1=\"\(HTML.coordinate(scale.left))\" x2=\"\(HTML.coordinate(scale.left + scale.width))\" "
            + "y1=\"\(HTML.coordinate(top))\" y2=\"\(HTML.coordinate(top))\" stroke=\"#9aa5b1\"/>"
        for t in ticks {
            let x = HTML.coordinate(scale.x(t))
            svg +=
                "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(HTML.coordinate(top))\" y2=\"\(HTML.coordinate(top + 4))\" "
                + "stroke=\"#9aa5b1\"/>"
            let label = withSeconds ? ReportFormat.clock(t) : ReportFormat.clockMinutes(t)
            svg += text(label, x: scale.x(t), y: top + 16, anchor: "middle", cls: "tick", size: 11)
        }
        return svg
    }

    static func incidentTitle(_ i: Incident) -> String {
        var s = "\(i.service) \(i.type) incident · detected \(ReportFormat.clock(i.detectedAt))"
        if let r = i.recoveredAt, let mttr = i.mttrSeconds {
            s += " → recovered \(ReportFormat.clock(r)) · MTTR \(ReportFormat.seconds(mttr))"
        } else {
            s += " · still open"
        }
        return s
    }

    static func text(
        _ content: String, x: Double, y: Double, anchor: String, cls: String, size: Int, weight: Int = 400,
        fill: String = "#3e4c59"
    ) -> String {
        "<text" + (cls.isEmpty ? "" : " class=\"\(cls)\"") + " x=\"\(HTML.coordinate(x))\" y=\"\(HTML.coordinate(y))\" "
            + "text-anchor=\"\(anchor)\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"\(fill)\">"
            + HTML.escape(content) + "</text>"
    }

    static func svgElement(height: Double, label: String, body: String) -> String {
        "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(label))\" width=\"\(Int(chartWidth))\" "
            + "height=\"\(Int(height.rounded(.up)))\" viewBox=\"0 0 \(Int(chartWidth)) \(Int(height.rounded(.up)))\">"
            + body + "</svg>\n"
    }
}
