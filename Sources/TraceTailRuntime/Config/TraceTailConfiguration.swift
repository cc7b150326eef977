import PatternParser
import TraceTailCore

/// Everything `tracetail.yaml` can say (DESIGN §5). Every key is optional; the defaults here are
/// the documented ones. `replay` reads it now, `run` later.
public struct TraceTailConfiguration: Sendable, Equatable {
    /// One followed path pattern and how to read it.
    public struct Source: Sendable, Equatable {
        /// File, directory or glob (`/var/log/nova/*.log`).
        public var path: String
        /// Service name for spans; default: from the Loghub token or the file name.
        public var service: String?
        /// Format; default: detected from the first lines.
        public var format: LogFormat?
        /// IANA zone of log times that carry none. Default: UTC.
        public var timezone: String?
        /// Where to start a file that has no checkpoint (`run` only). Default: `end`. For a
        /// journald source: where to start the journal when the checkpoint holds no cursor.
        public var startAt: StartPosition = .end
        /// The year of yearless wrapper times (`Sep 05 09:02:08`) in this source's files
        /// (`year`). Default: the year that puts them at most two days before the file's last
        /// write (replay) or now (`run`).
        public var year: Int?
        /// Set when the entry is `journald:` instead of `path:` (`run` only); `path` is then empty.
        public var journald: Journald?

        public init(path: String) { self.path = path }

        /// The `yearReference` that gives yearless wrapper times exactly `year`: the parser
        /// takes the latest year that puts a time at most two days after the reference, so
        /// noon (UTC) on 31 December of that year admits every day of it and none of the next.
        public var yearReference: EventTime? {
            year.map { CivilTime(year: $0, month: 12, day: 31, hour: 12).eventTime }
        }

        /// A source reading the systemd journal.
        public init(journald: Journald) {
            self.path = ""
            self.journald = journald
        }
    }

    /// `sources[i].journald` — entries of the systemd journal, read through `journalctl`.
    public struct Journald: Sendable, Equatable {
        /// Globs (`nova-*`, `devstack@*`) matched against each entry's `_SYSTEMD_UNIT`,
        /// `SYSLOG_IDENTIFIER` and `CONTAINER_NAME`; an entry matching none is skipped.
        public var units: [String]
        /// Journal files are read from this directory (`journalctl --directory`) instead of
        /// the system journal; nil = the system journal.
        public var directory: String?

        public init(units: [String], directory: String? = nil) {
            self.units = units
            self.directory = directory
        }
    }

    /// Where `run` starts reading a file it has no checkpoint for.
    public enum StartPosition: String, Sendable, Equatable, CaseIterable {
        case beginning, end
    }

    /// `correlation:` — span building (DESIGN §3).
    public struct Correlation: Sendable, Equatable {
        /// A span is emitted after this much event time without a new line. Default 30s.
        public var idleTimeout: EventDuration = .seconds(30)
        /// How far behind the newest event a line may arrive and still join its span. Default 5s.
        public var allowedLateness: EventDuration = .seconds(5)
        /// Open spans kept at most; past it the least recently active is emitted early. Default 100000.
        public var maxOpenSpans: Int = 100_000
        /// Also emit one `log_event` child span per line. Default false.
        public var spanPerEvent: Bool = false
        /// Only a service that logged a request's HTTP line is its entry span (one TraceTail
        /// per host). Default false.
        public var entryNeedsRequestLine: Bool = false
    }

    /// `metrics:` — windows (DESIGN §4).
    public struct Metrics: Sendable, Equatable {
        /// Boundary spacing. Default 10s.
        public var interval: EventDuration = .seconds(10)
        /// Span-end window evaluated at each boundary. Default 60s.
        public var window: EventDuration = .seconds(60)
        /// Before/after comparison span on each side of a fix. Default 5m.
        public var compareWindow: EventDuration = .minutes(5)
        /// Lowest HTTP status that makes a span an error. Default 500.
        public var errorStatusMin: Int = 500
    }

    /// `phase:` — remediation phase timeline.
    public struct PhaseSettings: Sendable, Equatable {
        /// Tag `run_id` of every metric and span. Default `run-1`.
        public var runID: String = "run-1"
        /// True when `run_id` was set explicitly (config key or `--run-id`): then it tags every
        /// span and metric, and CTA events naming other runs do not switch it.
        public var runIDPinned = false
        /// CTA event type that switches to `after_fix`. Default `patch_applied`.
        public var afterFixOn: CTAEventType = .patchApplied
        /// A fixed fix time; none by default.
        public var fixAt: EventTime?
    }

    /// `incidents:` — detection thresholds.
    public struct Incidents: Sendable, Equatable {
        /// Error rate above which a boundary is unhealthy. Default 0.1.
        public var errorRateThreshold: Double = 0.1
        /// Fewer spans than this in a window is healthy. Default 10.
        public var minRequests: Int = 10
        /// Healthy boundaries in a row that resolve an incident. Default 3.
        public var recoveryIntervals: Int = 3
        /// p95 latency (ms) above which a latency incident opens; nil (default) turns them off.
        public var latencyThresholdMs: Double?
    }

    /// One `sinks:` entry. Only `type` is interpreted by this commands; the rest is kept.
    public struct Sink: Sendable, Equatable {
        /// `jsonl`, `datadog_agent`, `datadog_api`, `otlp_http`, `prometheus`.
        public var type: String
        /// The entry's other keys as strings.
        public var settings: [String: String]
    }

    public var sources: [Source] = []
    /// The `sources` that name files (not the journal): the tailer's paths and the
    /// per-file settings come from these only.
    public var fileSources: [Source] { sources.filter { $0.journald == nil } }
    /// Checkpoint directory (`run`). Default `/var/lib/tracetail`.
    public var stateDir: String = "/var/lib/tracetail"
    /// Checkpoint period (`run`). Default 1s.
    public var checkpointInterval: EventDuration = .seconds(1)
    /// Directory of `*.grok` files. Default `patterns`.
    public var patternsDir: String?
    /// Lines longer than this are cut and flagged. Default 1 MiB.
    public var maxLineBytes: Int = 1 << 20
    public var correlation = Correlation()
    public var metrics = Metrics()
    public var phase = PhaseSettings()
    public var incidents = Incidents()
    public var sinks: [Sink] = []
    /// Control API listen address. Default `127.0.0.1:8787` (loopback).
    public var controlListen: String = "127.0.0.1:8787"
    /// Bearer token the control API requires (`control.token`). A non-loopback `control.listen`
    /// is refused without one. Default: none.
    public var controlToken: String?
    /// How often `run` looks at its files when inotify says nothing (`poll_interval`). Default 250ms.
    public var pollInterval: EventDuration = .milliseconds(250)
    /// How long a rotated or deleted file is kept open after it was last seen at its end, for
    /// writers that still append to it (`rotate_wait`). Default 5s.
    public var rotateWait: EventDuration = .seconds(5)
    /// An unterminated last line is held this long for its newline, then emitted flagged
    /// partial (`partial_line_timeout`). Default 5s.
    public var partialLineTimeout: EventDuration = .seconds(5)

    public init() {}
}
