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
    public var tailer: Tailer.Counters
    public var pipeline: Pipeline
    public var sinks: [Sink]
    public var checkpoint: CheckpointInfo
    public var configured: Configured
    public var configErrors: [String]
}
