import LogTailer

/// TraceTail's own counters as Prometheus families, rendered from the daemon's `/status`
/// snapshot: served on `GET /metrics` of the control API and of the `prometheus` sink, whatever
/// else is configured.
enum SelfMetrics {
    static func render(_ status: DaemonStatus) -> String {
        var t = PrometheusText()
        let p = status.pipeline
        t.family("tracetail_up", "gauge", "1 while the daemon runs.")
        t.sample("tracetail_up", 1)
        t.family("tracetail_uptime_seconds", "gauge", "Seconds since the daemon started.")
        t.sample("tracetail_uptime_seconds", status.uptimeSeconds)
        t.family("tracetail_lines_total", "counter", "Log lines read and parsed.")
        t.sample("tracetail_lines_total", Double(p.linesProcessed))
        t.family("tracetail_lines_matched_total", "counter", "Lines a pattern matched.")
        t.sample("tracetail_lines_matched_total", Double(p.linesMatched))
        t.family("tracetail_lines_unmatched_total", "counter", "Lines no pattern matched, by reason.")
        for (reason, count) in p.unmatched.sorted(by: { $0.key < $1.key }) {
            t.sample("tracetail_lines_unmatched_total", Double(count), labels: [("reason", reason)])
        }
        t.family("tracetail_lines_truncated_total", "counter", "Lines cut at max_line_bytes.")
        t.sample("tracetail_lines_truncated_total", Double(p.truncatedLines))
        t.family("tracetail_bytes_read_total", "counter", "Bytes read from followed files.")
        t.sample("tracetail_bytes_read_total", Double(status.tailer.bytesRead))
        t.family(
            "tracetail_bytes_missed_total", "counter", "Bytes lost to copytruncate or rotation before they were read.")
        t.sample("tracetail_bytes_missed_total", Double(status.tailer.bytesMissed))
        t.family("tracetail_rotations_total", "counter", "Rename rotations followed.")
        t.sample("tracetail_rotations_total", Double(status.tailer.rotations))
        t.family("tracetail_truncations_total", "counter", "Truncations (copytruncate) detected.")
        t.sample("tracetail_truncations_total", Double(status.tailer.truncations))
        t.family("tracetail_open_spans", "gauge", "Spans open in the correlator.")
        t.sample("tracetail_open_spans", Double(p.openSpans))
        t.family("tracetail_spans_total", "counter", "Spans emitted.")
        t.sample("tracetail_spans_total", Double(p.spansEmitted))
        t.family("tracetail_late_lines_total", "counter", "Lines for spans already emitted.")
        t.sample("tracetail_late_lines_total", Double(p.lateLines))
        t.family("tracetail_evicted_spans_total", "counter", "Spans emitted early at max_open_spans.")
        t.sample("tracetail_evicted_spans_total", Double(p.evictedSpans))
        t.family("tracetail_cta_events_total", "counter", "CTA workflow events consumed.")
        t.sample("tracetail_cta_events_total", Double(p.ctaEvents))
        t.family("tracetail_file_lag_bytes", "gauge", "Bytes written to a followed file and not read yet.")
        for file in status.files {
            t.sample("tracetail_file_lag_bytes", Double(file.report.lagBytes), labels: [("path", file.report.path)])
        }
        t.family("tracetail_sink_records_total", "counter", "Records per sink by outcome.")
        for sink in status.sinks {
            if let d = sink.delivery {
                for (outcome, n) in [
                    ("delivered", d.delivered), ("dropped_queue_full", d.droppedQueueFull),
                    ("dropped_undeliverable", d.droppedUndeliverable), ("unencodable", d.unencodable),
                ] {
                    t.sample(
                        "tracetail_sink_records_total", Double(n), labels: [("sink", sink.type), ("outcome", outcome)])
                }
            } else {
                t.sample(
                    "tracetail_sink_records_total", Double(sink.recordsWritten),
                    labels: [("sink", sink.type), ("outcome", "delivered")])
            }
        }
        t.family("tracetail_sink_queue", "gauge", "Records (batches for jsonl) waiting per sink.")
        for sink in status.sinks {
            t.sample(
                "tracetail_sink_queue", Double(sink.delivery?.queued ?? sink.queueBatches),
                labels: [("sink", sink.type)])
        }
        t.family("tracetail_sink_retries_total", "counter", "Delivery attempts retried per sink.")
        for sink in status.sinks {
            t.sample("tracetail_sink_retries_total", Double(sink.delivery?.retries ?? 0), labels: [("sink", sink.type)])
        }
        t.family("tracetail_sink_healthy", "gauge", "1 when the sink's last attempt succeeded.")
        for sink in status.sinks {
            t.sample("tracetail_sink_healthy", sink.healthy ? 1 : 0, labels: [("sink", sink.type)])
        }
        t.family("tracetail_checkpoint_writes_total", "counter", "Checkpoints written.")
        t.sample("tracetail_checkpoint_writes_total", Double(status.checkpoint.writes))
        t.family("tracetail_checkpoint_failures_total", "counter", "Checkpoints that could not be written.")
        t.sample("tracetail_checkpoint_failures_total", Double(status.checkpoint.failures))
        if let age = status.checkpoint.ageSeconds {
            t.family("tracetail_checkpoint_age_seconds", "gauge", "Seconds since the last checkpoint was written.")
            t.sample("tracetail_checkpoint_age_seconds", age)
        }
        return t.text
    }
}
