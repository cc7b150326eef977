import PatternParser
import TraceTailCore
import Yams

extension ConfigReader {
    static let topKeys = [
        "sources", "state_dir", "checkpoint_interval", "patterns_dir", "max_line_bytes", "correlation", "metrics",
        "phase", "incidents", "sinks", "control", "poll_interval", "rotate_wait", "partial_line_timeout",
    ]
    static let sinkTypes: [String: [String]] = [
        "jsonl": ["path"],
        "datadog_agent": [
            "host", "trace_port", "dogstatsd_port", "dogstatsd_socket", "env", "service", "version",
        ] + exportKeys,
        "datadog_api": ["site", "api_key", "endpoint", "hostname", "env", "version"] + exportKeys,
        "otlp_http": ["endpoint", "headers", "host_name", "environment", "service_name", "compression"] + exportKeys,
        "prometheus": ["listen"],
        "webhook": ["url", "format", "routing_key"] + exportKeys,
    ]

    /// Keys every network sink takes (queue and delivery limits).
    static let exportKeys = ["queue_size", "timeout", "flush_timeout", "flush_interval", "max_attempts"]

    mutating func read(_ root: Node, into c: inout TraceTailConfiguration) {
        for (key, value) in entries(root, "", allowed: Self.topKeys) {
            switch key {
            case "sources": readSources(value, into: &c)
            case "state_dir": if let v = string(value, key) { c.stateDir = v }
            case "checkpoint_interval": if let v = duration(value, key) { c.checkpointInterval = v }
            case "patterns_dir": if let v = string(value, key) { c.patternsDir = v }
            case "max_line_bytes": if let v = byteSize(value, key) { c.maxLineBytes = v }
            case "correlation": readCorrelation(value, into: &c.correlation)
            case "metrics": readMetrics(value, into: &c.metrics)
            case "phase": readPhase(value, into: &c.phase)
            case "incidents": readIncidents(value, into: &c.incidents)
            case "sinks": readSinks(value, into: &c)
            case "poll_interval": if let v = duration(value, key) { c.pollInterval = v }
            case "rotate_wait": if let v = duration(value, key) { c.rotateWait = v }
            case "partial_line_timeout": if let v = duration(value, key) { c.partialLineTimeout = v }
            case "control":
                for (k, v) in entries(value, "control", allowed: ["listen", "token"]) {
                    switch k {
                    case "listen":
                        if let s = string(v, "control.listen"),
                            listenAddressIsValid(s, node: v, path: "control.listen")
                        {
                            c.controlListen = s
                        }
                    case "token":
                        if let s = string(v, "control.token") {
                            if s.isEmpty {
                                problem(v, "control.token", "must not be empty")
                            } else {
                                c.controlToken = s
                            }
                        }
                    default: break
                    }
                }
            default: break
            }
        }
    }

    mutating func readSources(_ node: Node, into c: inout TraceTailConfiguration) {
        let keys = ["path", "journald", "service", "format", "timezone", "start_at", "year"]
        for (base, item) in items(node, "sources", shape: "{path: …} or {journald: …}") {
            var source = TraceTailConfiguration.Source(path: "")
            var sawPath = false
            var formatNode: Node?
            var yearNode: Node?
            for (key, value) in entries(item, base, allowed: keys) {
                let k = "\(base).\(key)"
                switch key {
                case "path":
                    if let v = string(value, k), !v.isEmpty {
                        source.path = v
                        sawPath = true
                    } else {
                        problem(value, k, "must be a non-empty path")
                    }
                case "journald": source.journald = readJournald(value, k)
                case "service": source.service = string(value, k)
                case "format":
                    formatNode = value
                    if let v = string(value, k) {
                        if let f = LogFormat(rawValue: v) {
                            source.format = f
                        } else {
                            problem(value, k, "`\(v)` is not one of oslo, json, cta_events")
                        }
                    }
                case "timezone":
                    if let v = string(value, k) {
                        if ZoneRules.load(name: v) == nil {
                            problem(value, k, "`\(v)` is not a known IANA time zone")
                        } else {
                            source.timezone = v
                        }
                    }
                case "start_at":
                    if let v = string(value, k) {
                        if let p = TraceTailConfiguration.StartPosition(rawValue: v) {
                            source.startAt = p
                        } else {
                            problem(value, k, "`\(v)` must be beginning or end")
                        }
                    }
                case "year":
                    yearNode = value
                    if let v = int(value, k, min: 1970) {
                        if v > 9999 {
                            problem(value, k, "`\(v)` must be a year from 1970 to 9999")
                        } else {
                            source.year = v
                        }
                    }
                default: break
                }
            }
            guard item.mapping != nil else {
                c.sources.append(source)
                continue
            }
            if let mapping = item.mapping, mapping["journald"] != nil {
                // Journal entries carry their own full time and are parsed as wrapped oslo
                // lines, so a file's format and year mean nothing for them.
                if sawPath { problem(item, "\(base).path", "cannot be given together with journald") }
                if let formatNode { problem(formatNode, "\(base).format", "does not apply to a journald source") }
                if let yearNode { problem(yearNode, "\(base).year", "does not apply to a journald source") }
                source.path = ""
            } else if !sawPath {
                problem(item, "\(base).path", "is required (or journald)")
            }
            c.sources.append(source)
        }
    }

    /// `sources[i].journald: {units: [glob…], directory: PATH}`; nil after reporting a problem.
    mutating func readJournald(_ node: Node, _ path: String) -> TraceTailConfiguration.Journald? {
        var units: [String]?
        var directory: String?
        var ok = true
        for (key, value) in entries(node, path, allowed: ["units", "directory"]) {
            let k = "\(path).\(key)"
            switch key {
            case "units":
                guard let sequence = value.sequence, !sequence.isEmpty else {
                    problem(value, k, "must be a non-empty list of unit globs (e.g. [\"nova-*\"])")
                    ok = false
                    continue
                }
                var globs: [String] = []
                for (i, element) in sequence.enumerated() {
                    if let s = string(element, "\(k)[\(i)]"), !s.isEmpty {
                        globs.append(s)
                    } else {
                        if element.scalar != nil { problem(element, "\(k)[\(i)]", "must not be empty") }
                        ok = false
                    }
                }
                units = globs
            case "directory":
                if let v = string(value, k), !v.isEmpty {
                    directory = v
                } else {
                    problem(value, k, "must be a non-empty directory path")
                    ok = false
                }
            default: break
            }
        }
        guard node.mapping != nil else { return nil }
        guard let units else {
            if ok { problem(node, "\(path).units", "is required (unit globs, e.g. [\"nova-*\"])") }
            return nil
        }
        return ok ? .init(units: units, directory: directory) : nil
    }

    mutating func readCorrelation(_ node: Node, into c: inout TraceTailConfiguration.Correlation) {
        let keys = ["idle_timeout", "allowed_lateness", "max_open_spans", "span_per_event", "entry_needs_request_line"]
        for (key, value) in entries(node, "correlation", allowed: keys) {
            let k = "correlation.\(key)"
            switch key {
            case "idle_timeout": if let v = duration(value, k) { c.idleTimeout = v }
            case "allowed_lateness": if let v = duration(value, k) { c.allowedLateness = v }
            case "max_open_spans": if let v = int(value, k, min: 1) { c.maxOpenSpans = v }
            case "span_per_event": if let v = bool(value, k) { c.spanPerEvent = v }
            case "entry_needs_request_line": if let v = bool(value, k) { c.entryNeedsRequestLine = v }
            default: break
            }
        }
    }

    mutating func readMetrics(_ node: Node, into c: inout TraceTailConfiguration.Metrics) {
        let keys = ["interval", "window", "compare_window", "error_status_min"]
        for (key, value) in entries(node, "metrics", allowed: keys) {
            let k = "metrics.\(key)"
            switch key {
            case "interval": if let v = duration(value, k) { c.interval = v }
            case "window": if let v = duration(value, k) { c.window = v }
            case "compare_window": if let v = duration(value, k) { c.compareWindow = v }
            case "error_status_min":
                if let v = int(value, k, min: 100) {
                    if v > 599 {
                        problem(value, k, "`\(v)` must be an HTTP status (100–599)")
                    } else {
                        c.errorStatusMin = v
                    }
                }
            default: break
            }
        }
        if c.window.nanoseconds % c.interval.nanoseconds != 0 {
            problem(node, "metrics.window", "must be a multiple of metrics.interval (\(c.interval))")
        }
    }

    mutating func readPhase(_ node: Node, into c: inout TraceTailConfiguration.PhaseSettings) {
        for (key, value) in entries(node, "phase", allowed: ["run_id", "after_fix_on", "fix_at"]) {
            let k = "phase.\(key)"
            switch key {
            case "run_id":
                if let v = string(value, k) {
                    if v.isEmpty {
                        problem(value, k, "must not be empty")
                    } else {
                        c.runID = v
                        c.runIDPinned = true
                    }
                }
            case "after_fix_on":
                if let v = string(value, k) {
                    if let t = CTAEventType(rawValue: v) {
                        c.afterFixOn = t
                    } else {
                        let all = CTAEventType.allCases.map(\.rawValue).joined(separator: ", ")
                        problem(value, k, "`\(v)` is not a CTA event type (\(all))")
                    }
                }
            case "fix_at":
                if let v = string(value, k) {
                    if let t = ISO8601.parse(v) {
                        c.fixAt = t
                    } else {
                        problem(value, k, "`\(v)` is not an ISO 8601 time")
                    }
                }
            default: break
            }
        }
    }

    mutating func readIncidents(_ node: Node, into c: inout TraceTailConfiguration.Incidents) {
        let keys = ["error_rate_threshold", "min_requests", "recovery_intervals", "latency_threshold_ms"]
        for (key, value) in entries(node, "incidents", allowed: keys) {
            let k = "incidents.\(key)"
            switch key {
            case "error_rate_threshold": if let v = double(value, k, range: 0...1) { c.errorRateThreshold = v }
            case "min_requests": if let v = int(value, k, min: 1) { c.minRequests = v }
            case "recovery_intervals": if let v = int(value, k, min: 1) { c.recoveryIntervals = v }
            case "latency_threshold_ms": if let v = double(value, k, range: 0...1e9) { c.latencyThresholdMs = v }
            default: break
            }
        }
    }

    mutating func readSinks(_ node: Node, into c: inout TraceTailConfiguration) {
        for (base, item) in items(node, "sinks", shape: "{type: …}") {
            guard let mapping = item.mapping else {
                problem(item, base, "must be a mapping with a `type`")
                continue
            }
            guard let typeNode = mapping["type"], let type = typeNode.string else {
                problem(
                    item, "\(base).type", "is required (one of \(Self.sinkTypes.keys.sorted().joined(separator: ", ")))"
                )
                continue
            }
            guard let allowed = Self.sinkTypes[type] else {
                problem(
                    typeNode, "\(base).type",
                    "`\(type)` is not one of \(Self.sinkTypes.keys.sorted().joined(separator: ", "))")
                continue
            }
            var settings: [String: String] = [:]
            for (key, value) in entries(item, base, allowed: ["type"] + allowed) where key != "type" {
                let k = "\(base).\(key)"
                if let s = string(value, k), sinkValueIsValid(s, key: key, node: value, path: k) { settings[key] = s }
            }
            c.sinks.append(.init(type: type, settings: settings))
        }
    }

    /// Checks a sink setting's value by its key; reports and returns false when it is bad.
    mutating func sinkValueIsValid(_ value: String, key: String, node: Node, path: String) -> Bool {
        switch key {
        case "trace_port", "dogstatsd_port":
            guard let port = Int(value), (1...65_535).contains(port) else {
                problem(node, path, "`\(value)` is not a port (1–65535)")
                return false
            }
        case "listen":
            return listenAddressIsValid(value, node: node, path: path)
        case "url":
            guard value.hasPrefix("http://") || value.hasPrefix("https://"), value.count > 8 else {
                problem(node, path, "is not an http:// or https:// URL")
                return false
            }
        case "format":
            guard ["slack", "pagerduty", "json"].contains(value) else {
                problem(node, path, "`\(value)` is not one of slack, pagerduty, json")
                return false
            }
        case "queue_size", "max_attempts":
            guard let n = Int(value), n >= 1, n <= 10_000_000 else {
                problem(node, path, "`\(value)` is not a whole number from 1 to 10000000")
                return false
            }
        case "timeout", "flush_timeout", "flush_interval":
            guard let d = EventDuration(parsing: value), d.nanoseconds > 0 else {
                problem(node, path, "`\(value)` is not a positive duration (e.g. 500ms, 10s, 1m)")
                return false
            }
        case "endpoint":
            guard value.hasPrefix("http://") || value.hasPrefix("https://"), value.count > 8 else {
                problem(node, path, "`\(value)` is not an http:// or https:// URL")
                return false
            }
        case "headers":
            let pairs = value.split(separator: ",")
            guard pairs.allSatisfy({ $0.contains("=") && !$0.hasPrefix("=") }) else {
                problem(node, path, "must be `name=value` pairs separated by commas")
                return false
            }
        default:
            guard !value.isEmpty else {
                problem(node, path, "must not be empty")
                return false
            }
        }
        return true
    }

    /// `host:port` or `[v6]:port` with a port in 1–65535.
    mutating func listenAddressIsValid(_ value: String, node: Node, path: String) -> Bool {
        guard let colon = value.lastIndex(of: ":"), colon != value.startIndex,
            let port = Int(value[value.index(after: colon)...]), (1...65_535).contains(port)
        else {
            problem(node, path, "`\(value)` is not host:port (e.g. 127.0.0.1:9464)")
            return false
        }
        return true
    }
}
