import TraceTailCore

/// The `replay --output text` report: trace trees, totals, before/after table, incidents and the
/// workflow timeline, in that order.
///
/// Built for a person reading a terminal: every error trace is drawn, healthy traces are drawn
/// while they are few and otherwise summarised per entry resource, so a 30-minute replay with
/// thousands of traces still fits on a few screens.
public enum TextReport {
    /// How much of the trace list to draw.
    public struct Options: Sendable, Hashable {
        /// When the replay has at most this many traces, every trace is drawn. Default 50.
        public var drawAllTracesUpTo: Int
        /// Otherwise: every error trace, plus the first this-many healthy traces with two or more spans.
        /// The rest are counted per entry service and resource. Default 20.
        public var healthyTreeLimit: Int

        /// Creates options; the defaults suit a 30-minute demo replay.
        public init(drawAllTracesUpTo: Int = 50, healthyTreeLimit: Int = 20) {
            self.drawAllTracesUpTo = drawAllTracesUpTo
            self.healthyTreeLimit = healthyTreeLimit
        }
    }

    /// Renders the report with default options. `color` adds ANSI colour (use it only on a terminal).
    public static func render(records: [OutputRecord], totals: ReplayTotals, color: Bool) -> String {
        render(records: records, totals: totals, color: color, options: Options())
    }

    /// Renders the report. The result ends with a newline.
    public static func render(
        records: [OutputRecord], totals: ReplayTotals, color: Bool, options: Options
    ) -> String {
        let data = ReportData(records: records)
        let style = ANSIStyle(enabled: color)
        var out: [String] = []
        out.append(headline(data, style))
        out.append("")
        out += traceSection(data, options, style)
        out.append("")
        out += totalsSection(totals, style)
        out.append("")
        out += comparisonSection(data, style)
        out.append("")
        out += incidentSection(data, style)
        out.append("")
        out += timelineSection(data, style)
        return out.joined(separator: "\n") + "\n"
    }

    /// `TraceTail replay · 2017-05-16 00:00:00 → 00:30:00 UTC (30m 00s)`.
    private static func headline(_ data: ReportData, _ style: ANSIStyle) -> String {
        guard let range = data.timeRange else { return style.bold("TraceTail replay · no records") }
        let span = Double((range.upperBound - range.lowerBound).nanoseconds) / 1e9
        return style.bold(
            "TraceTail replay · \(ReportFormat.dateTime(range.lowerBound)) → \(ReportFormat.clock(range.upperBound)) UTC"
                + " (\(ReportFormat.seconds(span)))")
    }

    /// `== Title ==` in bold.
    static func heading(_ title: String, _ style: ANSIStyle) -> String { style.bold("== \(title) ==") }
}

extension TextReport {
    /// Only the totals section (for `--output none`), newline-terminated.
    public static func renderTotals(_ totals: ReplayTotals, color: Bool = false) -> String {
        totalsSection(totals, ANSIStyle(enabled: color)).joined(separator: "\n") + "\n"
    }
}
