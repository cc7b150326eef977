import Testing
import TraceTailCore

@testable import TraceTailRuntime

/// The `prometheus` sink's registry and the exposition text.
@Suite struct PrometheusExporterTests {
    let t = EventTime(seconds: 1_764_237_600)

    func metric(_ name: String, _ type: MetricType, _ value: Double, _ tags: [String: String]) -> OutputRecord {
        .metric(MetricPoint(name: name, type: type, value: value, timestamp: t, tags: tags))
    }

    @Test func gaugesKeepTheLastValueCountsAddUpDistributionsBucket() {
        let sink = PrometheusExporter(listen: "127.0.0.1:9464")
        let tags = ["phase": "before_fix", "service": "nova-api", "run_id": "run-1"]
        sink.offer(
            [
                metric("cta.error_rate", .gauge, 0.5, tags), metric("cta.error_rate", .gauge, 0.25, tags),
                metric("cta.incidents.detected", .count, 1, ["status": "detected"]),
                metric("cta.incidents.detected", .count, 2, ["status": "detected"]),
                metric("cta.request.latency", .distribution, 7, tags),
                metric("cta.request.latency", .distribution, 700, tags),
            ], waiting: false)
        let text = sink.exposition()
        #expect(text.contains("cta_error_rate{phase=\"before_fix\",run_id=\"run-1\",service=\"nova-api\"} 0.25\n"))
        #expect(text.contains("# TYPE cta_incidents_detected_total counter"))
        #expect(text.contains("cta_incidents_detected_total{status=\"detected\"} 3"))
        #expect(text.contains("# TYPE cta_request_latency histogram"))
        #expect(
            text.contains(
                "cta_request_latency_bucket{phase=\"before_fix\",run_id=\"run-1\",service=\"nova-api\",le=\"10.0\"} 1"))
        #expect(
            text.contains("cta_request_latency_count{phase=\"before_fix\",run_id=\"run-1\",service=\"nova-api\"} 2"))
        #expect(
            text.contains("cta_request_latency_sum{phase=\"before_fix\",run_id=\"run-1\",service=\"nova-api\"} 707"))
    }

    @Test func aClashIsRefusedNotFatal() {
        let sink = PrometheusExporter(listen: "127.0.0.1:9464")
        sink.offer(
            [
                metric("x.y", .gauge, 1, ["a": "b"]), metric("x.y", .distribution, 1, ["a": "b"]),
                metric("x.y", .gauge, 2, [:]), metric("bad", .gauge, .nan, ["a": "b"]),
            ], waiting: false)
        let row = sink.statuses[0]
        #expect(row.delivery?.unencodable == 3)
        #expect(row.recordsWritten == 1)
        #expect(sink.exposition().contains("x_y{a=\"b\"} 1"))
    }

    @Test func idleSeriesAreDropped() {
        let sink = PrometheusExporter(listen: "127.0.0.1:9464", idleNanoseconds: 1_000)
        sink.offer([metric("cta.error_rate", .gauge, 0.5, ["service": "a"])], waiting: false)
        #expect(sink.exposition().contains("cta_error_rate"))
        sink.sweep(now: Clock.monotonicNanoseconds() + 2_000)
        #expect(!sink.exposition().contains("cta_error_rate{"))
    }

    @Test func namesLabelsAndValuesAreEscaped() {
        #expect(PrometheusText.metricName("cta.latency_ms.p99") == "cta_latency_ms_p99")
        #expect(PrometheusText.metricName("9lives") == "_9lives")
        #expect(PrometheusText.labelName("run-id") == "run_id")
        #expect(PrometheusText.labelName("__name") == "_name")
        #expect(PrometheusText.escapeLabel("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
        #expect(PrometheusText.number(3) == "3")
        #expect(PrometheusText.number(0.25) == "0.25")
        #expect(PrometheusText.number(.infinity) == "+Inf")
        var text = PrometheusText()
        text.family("m", "counter", "line one\nline two")
        text.sample("m", 2, labels: [("path", "/var/log/\"x\".log")])
        #expect(text.text == "# HELP m line one\\nline two\n# TYPE m counter\nm{path=\"/var/log/\\\"x\\\".log\"} 2\n")
    }
}
