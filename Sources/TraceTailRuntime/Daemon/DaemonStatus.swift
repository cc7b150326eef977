import LogTailer

/// The `GET /status` document (and what `tracetail status` prints): every file, the
/// pipeline's counters, the sink, the checkpoint and what is configured. Secrets appear only
/// as present/absent.
public struct DaemonStatus: Codable, Sendable {
    /// One followed file, with its read rate.
    public struct File: Codable, Sendable {
        public var report: FileReport
        /// Lines per second over the last status period.
        public var linesPerSecond: Double
    }

    /// One journald source: what its `journalctl` read and how often it was restarted.
    public struct Journal: Codable, Sendable, Equatable {
        /// Index in the configuration's `sources`.
        public var source: Int
        /// The source's unit globs.
        public var units: [String]
        /// The journal directory read; nil for the system journal.
        public var directory: String?
        /// Whether `journalctl` is running now (false while waiting to restart).
        public var running: Bool
        /// Whether the source has a cursor to resume from (restored or read).
        public var cursorPresent: Bool
        /// Journal entries read since start (matched or not).
        public var entriesRead: Int
        /// Entries no unit glob matched.
        public var entriesSkipped: Int
        /// Output lines that were no JSON journal entry.
        public var undecodableLines: Int
        /// `journalctl` starts after the first.
        public var restarts: Int
        /// Why `journalctl` last stopped or failed to start.
        public var lastError: String?
        /// Lines parsed and held for the merge by event time.
        public var heldLines: Int
    }

    /// The stages' counters.
    public struct Pipeline: Codable, Sendable {
        public var linesProcessed: Int
        public var linesMatched: Int
        public var unmatched: [String: Int]
        public var truncatedLines: Int
        public var skippedLines: Int
        public var openSpans: Int
        public var bufferedLines: Int
        public var spansEmitted: Int
        public var lateLines: Int
        public var evictedSpans: Int
        public var ctaEvents: Int
        public var ctaProblems: Int
    }

    /// One sink's health.
    public struct Sink: Codable, Sendable {
        public var type: String
        public var target: String
        public var healthy: Bool
        public var recordsWritten: Int
        public var queueBatches: Int
        public var errors: Int
        public var lastError: String?
        /// Network sinks only: what was queued, sent, retried and dropped.
        public var delivery: Delivery?

        public init(
            type: String, target: String, healthy: Bool, recordsWritten: Int, queueBatches: Int, errors: Int,
            lastError: String?, delivery: Delivery? = nil
        ) {
            self.type = type
            self.target = target
            self.healthy = healthy
            self.recordsWritten = recordsWritten
            self.queueBatches = queueBatches
            self.errors = errors
            self.lastError = lastError
            self.delivery = delivery
        }

        /// A network sink's counters (records unless named otherwise).
        public struct Delivery: Codable, Sendable, Equatable {
            public var accepted: Int
            public var queued: Int
            public var delivered: Int
            /// Requests or datagrams that got through.
            public var payloads: Int
            public var retries: Int
            /// Oldest records dropped because the queue was full (peer slow or down).
            public var droppedQueueFull: Int
            /// Records refused for good (4xx), out of attempts, or left at the shutdown deadline.
            public var droppedUndeliverable: Int
            /// Records that could not be encoded (non-finite values, oversized datagrams).
            public var unencodable: Int
            public var lastErrorAt: Int64?
        }
    }

    /// The checkpoint's freshness.
    public struct CheckpointInfo: Codable, Sendable {
        public var path: String
        public var writes: Int
        public var failures: Int
        public var lastWrittenAt: Int64?
        public var ageSeconds: Double?
        public var lastError: String?
    }

    /// What the configuration says, secrets redacted.
    public struct Configured: Codable, Sendable {
        public var configFile: String?
        public var sources: [String]
        public var sinks: [String]
        public var stateDir: String
        public var checkpointIntervalSeconds: Double
        public var controlListen: String
        public var controlToken: String
        public var datadogSite: String
        public var datadogAPIKey: String
    }

    public var status: String
    public var pid: Int32
    public var startedAt: Int64
    public var uptimeSeconds: Double
    public var files: [File]
    /// The journald sources; absent from documents of daemons without any.
    public var journald: [Journal]?
    public var tailer: Tailer.Counters
    public var pipeline: Pipeline
    public var sinks: [Sink]
    public var checkpoint: CheckpointInfo
    public var configured: Configured
    public var configErrors: [String]
}
