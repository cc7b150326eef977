import Foundation
import Testing
import TraceTailCore
import TraceTailReport

private func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

private let totals = ReplayTotals(
    lines: 5_000, events: 4_900, spans: 1_620, traces: 1_020, unmatched: ["no_rule": 3],
    ctaEventProblems: ["cta.jsonl:3: <b>bad</b> confidence"], filesRead: ["nova-api.log", "cta.jsonl"])

@Suite struct ReportHTMLTests {
    static let hostileService = "nova-api<script>alert(1)</script>"

    @Test func reportIsSelfContainedAndDrawsTheStory() throws {
        let html = HTMLReport.render(records: ReportFixture.records(), totals: totals, title: "demo <run>")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>demo &lt;run&gt;</title>"))
        // One chart per service with spans (six in the fixture), each an inline SVG.
        for service in ["nova-api", "nova-conductor", "nova-scheduler", "nova-compute", "glance", "neutron"] {
            #expect(html.contains("<div class=\"card chart\" data-service=\"\(service)\"><div class=\"card-head\">"))
        }
        #expect(occurrences(of: "<svg class=\"chart\"", in: html) == 7)  // story strip + six services
        // Phases shaded: in the story band and in both panels of every chart.
        #expect(occurrences(of: "class=\"phase-before_fix\"", in: html) == 1 + 6 * 2)
        #expect(occurrences(of: "class=\"phase-after_fix\"", in: html) == 1 + 6 * 2)
        // The nova-api incident: a band in both of its panels, an outline in the story, and
        // detected/recovered markers in the story and in its chart.
        #expect(occurrences(of: "class=\"incident-band\"", in: html) == 2)
        #expect(occurrences(of: "class=\"incident-outline\"", in: html) == 1)
        #expect(occurrences(of: "marker marker-incidentDetected", in: html) == 2)
        #expect(occurrences(of: "marker marker-recovered", in: html) == 2)
        // CTA events are labelled on the story strip and on each chart.
        #expect(occurrences(of: ">patch_applied<title>", in: html) == 7)
        #expect(html.contains(">fix → after_fix<title>"))
        // Curves for both phases, tables, waterfalls.
        #expect(html.contains("stroke=\"#c5221f\" stroke-width=\"2\""))
        #expect(html.contains("stroke=\"#137333\" stroke-width=\"2\""))
        for section in ["comparison", "incidents", "timeline", "waterfalls", "totals"] {
            #expect(html.contains("<section id=\"\(section)\">"))
        }
        #expect(html.contains("<td><b>7m 50s</b></td>"))
        #expect(occurrences(of: "<svg class=\"wf\"", in: html) >= 3 + 3 + 2)
        // Nothing fetched, nothing run.
        for banned in ["http://", "https://", "<script", " src=", "href=", "url(", "@import", "<link", "<iframe"] {
            #expect(!html.lowercased().contains(banned), "found \(banned)")
        }
    }

    @Test func textFromLogsIsEscapedEverywhere() {
        let html = HTMLReport.render(records: ReportFixture.records(hostile: true), totals: totals, title: "t")
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>bad</b>"))
        #expect(html.contains("nova-api&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(html.contains("data-service=\"\(HTMLReportHostile.escapedService)\""))
        #expect(html.contains("cta.jsonl:3: &lt;b&gt;bad&lt;/b&gt; confidence"))
    }

    @Test func emptyStreamStillRendersADocument() {
        let html = HTMLReport.render(records: [], totals: ReplayTotals(), title: "empty")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.contains("<section id=\"totals\">"))
    }

    /// A rollback returns to before_fix: three shaded periods, and a rollback marker.
    @Test func rollbackShadesThreePeriods() {
        let t0 = ReportFixture.start
        func at(_ s: Int64) -> EventTime { t0.advanced(byNanoseconds: s * 1_000_000_000) }
        var records: [OutputRecord] = []
        for i in 0..<60 {
            let phase = i >= 20 && i < 40 ? "after_fix" : "before_fix"
            records.append(
                .span(
                    Span(
                        traceID: TraceID(high: 0, low: UInt64(i + 1)), spanID: SpanID(UInt64(i + 1)), parentID: nil,
                        service: "glance", name: "openstack.request", resource: "GET /v2/images",
                        start: at(Int64(i) * 10),
                        durationNanoseconds: 30_000_000, error: i % 7 == 0, attributes: ["phase": .string(phase)])))
        }
        records.append(
            .event(TelemetryEvent(name: "phase_changed", timestamp: at(200), tags: ["phase": "after_fix"], text: "")))
        records.append(.event(TelemetryEvent(name: "fix_rollback", timestamp: at(400), tags: [:], text: "")))
        records.append(
            .event(TelemetryEvent(name: "phase_changed", timestamp: at(400), tags: ["phase": "before_fix"], text: "")))
        let html = HTMLReport.render(records: records, totals: ReplayTotals(), title: "rollback")
        // Story band + two panels of the one chart, each with before, after, before.
        #expect(occurrences(of: "class=\"phase-before_fix\"", in: html) == 3 * 2)
        #expect(occurrences(of: "class=\"phase-after_fix\"", in: html) == 3 * 1)
        #expect(html.contains(">rollback → before_fix<title>"))
        #expect(occurrences(of: "marker marker-rollback", in: html) == 2 * 2)  // fix_rollback + phase change, twice
        // No gauges in this stream: the chart is computed from the spans, and says so.
        #expect(html.contains("<span class=\"badge\">computed from spans</span>"))
        #expect(html.contains("class=\"series\""))
    }

    /// Renders the hostile report in headless Chromium: the DOM has the charts and no script
    /// element, and the screenshot script writes a real PNG. Fails when Chromium is missing.
    @Test(.timeLimit(.minutes(3))) func chromiumRendersTheReport() throws {
        let browser = try #require(
            Chromium.find(), "chromium is not installed (Debian: apt-get install -y chromium); this test needs it")
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("tracetail-report-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("report.html")
        try HTMLReport.render(records: ReportFixture.records(hostile: true), totals: totals, title: "chromium check")
            .write(to: page, atomically: true, encoding: .utf8)

        let profile = dir.appendingPathComponent("profile").path
        let dump = try Chromium.run(
            browser,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile)", "--dump-dom", page.absoluteString,
            ])
        #expect(dump.status == 0)
        #expect(occurrences(of: "<svg class=\"chart\"", in: dump.output) == 7)
        #expect(dump.output.contains("class=\"incident-band\""))
        #expect(dump.output.contains("class=\"phase-after_fix\""))
        #expect(!dump.output.contains("<script"))  // the log's <script> stayed text

        let png = dir.appendingPathComponent("report.png")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/html-screenshot.sh")
        let shot = try Chromium.run(
            URL(fileURLWithPath: "/bin/sh"), [script.path, page.path, png.path, "1400,2400"],
            environment: ["CHROMIUM": browser.path])
        #expect(shot.status == 0, "\(shot.output)")
        let bytes = try Data(contentsOf: png)
        #expect(bytes.count > 50_000)
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR width and height, big-endian at bytes 16…23.
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1400 && height == 2400)
    }
}

/// The hostile fixture's service name as it must appear in an attribute.
private enum HTMLReportHostile {
    static let escapedService = "nova-api&lt;script&gt;alert(1)&lt;/script&gt;"
}

/// Finding and running the browser.
private enum Chromium {
    static func find() -> URL? {
        if let explicit = ProcessInfo.processInfo.environment["CHROMIUM"],
            FileManager.default.isExecutableFile(atPath: explicit)
        {
            return URL(fileURLWithPath: explicit)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            for name in ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"] {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
            }
        }
        return nil
    }

    /// Runs a program to completion; stdout and stderr together (read before waiting, so a large
    /// DOM dump cannot fill the pipe and deadlock).
    static func run(_ program: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
