import Foundation
import PatternParser
import Testing
import TraceTailCore

@testable import TraceTailRuntime

/// `dashboards/` against what TraceTail really emits: the Datadog dashboard has the seed's 11
/// widgets, every metric and tag key a query of the dashboard, the monitors or the Grafana
/// dashboard names is one a replay produces, and each monitor's threshold is the number in its
/// query. The checks are plain functions over parsed JSON so that the mutation tests below can
/// prove they catch a typo.
@Suite struct DashboardTests {
    static let datadogDashboard = "dashboards/datadog/cta_dashboard.json"
    static let datadogMonitors = "dashboards/datadog/monitors.json"
    static let grafanaDashboard = "dashboards/grafana/tracetail.json"

    /// The seed's widget titles, in the seed's order (seed/datadog-integration.md "Dashboard Widgets").
    static let seedTitles = [
        "Error Rate: Before vs After Fix", "Latency: Before vs After Fix", "Mean Time To Recovery (MTTR)",
        "Incident Detection Rate", "Canary Test Results", "Fix Promotion Success Rate",
        "Analysis Method Distribution", "Cached Fix Hit Rate", "Workflow Duration Distribution",
        "Improvement Metrics", "Recent Incidents Timeline",
    ]

    /// Every metric TraceTail emits with exactly its tag keys (README "Metrics", DESIGN §4,
    /// `PhaseAggregator.MetricName`; the test target cannot import PhaseAggregator, so the list is
    /// literal and `replayEmitsExactlyTheListedMetrics` holds it to a real replay).
    static let emitted: [String: Set<String>] = [
        "cta.error_rate": ["phase", "service", "run_id"],
        "cta.latency_ms": ["phase", "service", "run_id"],
        "cta.latency_ms.p50": ["phase", "service", "run_id"],
        "cta.latency_ms.p99": ["phase", "service", "run_id"],
        "cta.latency_ms.avg": ["phase", "service", "run_id"],
        "cta.latency_ms.max": ["phase", "service", "run_id"],
        "cta.requests": ["phase", "service", "run_id"],
        "cta.request.latency": ["phase", "service", "run_id"],
        "cta.incidents.detected": ["incident_type", "status", "run_id"],
        "cta.mttr_seconds": ["service", "method", "run_id"],
        "cta.improvement.error_rate": ["service", "run_id"],
        "cta.improvement.error_rate_pct": ["service", "run_id"],
        "cta.improvement.latency_ms": ["service", "run_id"],
        "cta.improvement.latency_ms_pct": ["service", "run_id"],
        "cta.workflow.duration": ["run_id", "outcome"],
        "cta.analysis.started": ["run_id"],
        "cta.analysis.completed": ["method", "cause", "confidence"],
        "cta.patches.applied": ["adapter"],
        "cta.canary.tests": ["passed", "run_id"],
        "cta.promotions.success": ["error_rate", "latency_p95"],
        "cta.rollbacks.count": ["error_rate", "latency_p95"],
        "cta.signatures.saved": ["cause", "confidence"],
        "cta.cached_fix.found": ["run_id"],
    ]

    /// Metrics the shipped `samples/` never produce: the sample run has no rollback and no cached
    /// fix. The replay below adds `rarePathEvents` so that these are observed too.
    static let rarePathMetrics: Set<String> = ["cta.rollbacks.count", "cta.cached_fix.found"]

    /// A second CTA run after the samples end (10:20): a cached fix that fails its canary and is
    /// rolled back, so the replay also walks the rollback and cached-fix paths.
    static let rarePathEvents = """
        {"timestamp":"2026-11-27T10:25:00.000Z","type":"analysis_started","run_id":"run-2","service":"nova-api"}
        {"timestamp":"2026-11-27T10:25:01.000Z","type":"cached_fix_found","run_id":"run-2","cause":"db_connection_pool_exhausted","confidence":0.95}
        {"timestamp":"2026-11-27T10:25:05.000Z","type":"patch_applied","run_id":"run-2","adapter":"oslo_config","confidence":0.95}
        {"timestamp":"2026-11-27T10:26:05.000Z","type":"canary_test","run_id":"run-2","passed":false,"error_rate":0.2,"latency_p95":900}
        {"timestamp":"2026-11-27T10:26:10.000Z","type":"fix_rollback","run_id":"run-2","error_rate":0.2,"latency_p95":900}

        """

    /// Values a filter may use for the tags whose values are a closed set.
    static let closedTagValues: [String: Set<String>] = [
        "phase": ["before_fix", "after_fix"], "passed": ["true", "false"], "status": ["detected", "resolved"],
    ]

    // MARK: - Replay

    /// Names and tag keys of what a replay of `samples/` plus `rarePathEvents` emits.
    struct Observed: Sendable {
        var metrics: [String: Set<String>] = [:]
        var sampleMetrics: Set<String> = []
        var tagValues: [String: Set<String>] = [:]
        var events: [TelemetryEvent] = []
    }

    static let observed: Result<Observed, any Error> = Result { try replay() }

    static func replay() throws -> Observed {
        let dir = try Repo.temporaryDirectory("dashboards")
        let extra = (dir as NSString).appendingPathComponent("cta-rare-paths.jsonl")
        try rarePathEvents.write(toFile: extra, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var result = Observed()
        for (paths, isSamplesOnly) in [([Repo.path("samples")], true), ([Repo.path("samples"), extra], false)] {
            let engine = try ReplayEngine(ReplayRequest(paths: paths, patterns: try Repo.patterns()))
            _ = try engine.run(emit: { record in
                switch record {
                case .metric(let m) where isSamplesOnly:
                    result.sampleMetrics.insert(m.name)
                case .metric(let m):
                    result.metrics[m.name, default: []].formUnion(m.tags.keys)
                    for (k, v) in m.tags { result.tagValues[k, default: []].insert(v) }
                case .event(let e) where !isSamplesOnly:
                    result.events.append(e)
                default:
                    break
                }
            })
        }
        return result
    }

    // MARK: - Files

    static func load(_ relative: String) throws -> Any {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.path(relative)))
        return try JSONSerialization.jsonObject(with: data)
    }

    /// Parses `text` after replacing `from` with `to` (for the mutation tests).
    static func load(_ relative: String, replacing from: String, with to: String) throws -> Any {
        let text = try String(contentsOfFile: Repo.path(relative), encoding: .utf8)
        let present = text.contains(from)
        #expect(present, "\(relative) does not contain \(from)")
        return try JSONSerialization.jsonObject(with: Data(text.replacingOccurrences(of: from, with: to).utf8))
    }

    // MARK: - Tests

    @Test(arguments: [DashboardTests.datadogDashboard, DashboardTests.datadogMonitors, DashboardTests.grafanaDashboard])
    func fileParses(_ path: String) throws {
        let json = try Self.load(path)
        #expect(json is [String: Any] || json is [Any])
    }

    @Test func replayEmitsExactlyTheListedMetrics() throws {
        let observed = try Self.observed.get()
        #expect(Set(observed.metrics.keys) == Set(Self.emitted.keys))
        for (name, keys) in Self.emitted {
            #expect(observed.metrics[name] == keys, "\(name): replay tags \(observed.metrics[name] ?? [])")
        }
        // The rare-path list is honest: exactly those are missing from the samples alone.
        #expect(Set(Self.emitted.keys).subtracting(observed.sampleMetrics) == Self.rarePathMetrics)
    }

    @Test func datadogDashboardHasTheSeedWidgetsInOrder() throws {
        let dashboard = try #require(try Self.load(Self.datadogDashboard) as? [String: Any])
        #expect(dashboard["layout_type"] as? String == "ordered")
        #expect((dashboard["title"] as? String)?.isEmpty == false)
        let widgets = try #require(dashboard["widgets"] as? [[String: Any]])
        let definitions = widgets.compactMap { $0["definition"] as? [String: Any] }
        #expect(definitions.count == widgets.count)
        #expect(definitions.map { $0["title"] as? String ?? "" } == Self.seedTitles)
        #expect(
            definitions.map { $0["type"] as? String ?? "" } == [
                "timeseries", "timeseries", "timeseries", "timeseries", "timeseries", "query_value", "sunburst",
                "query_value", "distribution", "timeseries", "event_timeline",
            ])
        let variables = (dashboard["template_variables"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(variables) == ["service", "run_id"])
    }

    @Test func datadogQueriesUseOnlyEmittedMetricsAndTags() throws {
        let problems = Self.datadogProblems(
            dashboard: try Self.load(Self.datadogDashboard), monitors: try Self.load(Self.datadogMonitors))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func incidentsTimelineQueryMatchesTraceTailsIncidentEvents() throws {
        let dashboard = try #require(try Self.load(Self.datadogDashboard) as? [String: Any])
        let widgets = try #require(dashboard["widgets"] as? [[String: Any]])
        let timeline = try #require(
            widgets.compactMap { $0["definition"] as? [String: Any] }.first {
                $0["type"] as? String == "event_timeline"
            })
        let query = try #require(timeline["query"] as? String)
        let required = Self.eventTagFilters(query)
        #expect(!required.isEmpty, "the event query filters on no tag: \(query)")
        let events = try Self.observed.get().events
        let matched = Set(events.filter { e in required.allSatisfy { e.tags[$0.key] == $0.value } }.map(\.name))
        #expect(matched == ["incident_detected", "incident_resolved"])
    }

    @Test func monitorsAreTheSeedAlertsWithMatchingThresholds() throws {
        let monitors = try #require(try Self.load(Self.datadogMonitors) as? [[String: Any]])
        let expected: [(name: String, window: String, comparator: String, threshold: Double)] = [
            ("High Error Rate", "avg(last_5m):avg:cta.error_rate{phase:before_fix}", ">", 0.1),
            ("Slow MTTR", "avg(last_10m):avg:cta.mttr_seconds{", ">", 30),
            ("Canary Test Failures", "sum(last_5m):sum:cta.canary.tests{passed:false}", ">", 0),
            ("Low Promotion Success Rate", "(last_1h):sum:cta.promotions.success{", "<", 0.8),
        ]
        #expect(monitors.count == expected.count)
        for (monitor, seed) in zip(monitors, expected) {
            let name = monitor["name"] as? String ?? ""
            let query = monitor["query"] as? String ?? ""
            #expect(name.contains(seed.name), "\(name)")
            #expect(["metric alert", "query alert"].contains(monitor["type"] as? String ?? ""))
            #expect(query.contains(seed.window), "\(name): \(query)")
            #expect((monitor["message"] as? String)?.isEmpty == false)
            #expect(!(monitor["tags"] as? [String] ?? []).isEmpty)
            let comparison = try #require(Self.comparison(query), "\(name): no comparison in \(query)")
            #expect(comparison.op == seed.comparator, "\(name)")
            #expect(comparison.value == seed.threshold, "\(name)")
            let thresholds = (monitor["options"] as? [String: Any])?["thresholds"] as? [String: Any]
            let critical = (thresholds?["critical"] as? NSNumber)?.doubleValue
            #expect(critical == comparison.value, "\(name): critical \(String(describing: critical)) ≠ query's")
        }
        let ratio = monitors.last?["query"] as? String ?? ""
        #expect(ratio.contains("cta.rollbacks.count"), "the promotion ratio needs the rollbacks")
    }

    @Test func grafanaDashboardMirrorsTheWidgetsOnEmittedSeries() throws {
        let grafana = try #require(try Self.load(Self.grafanaDashboard) as? [String: Any])
        let inputs = grafana["__inputs"] as? [[String: Any]] ?? []
        #expect(
            inputs.contains { $0["name"] as? String == "DS_PROMETHEUS" && $0["pluginId"] as? String == "prometheus" })
        let panels = grafana["panels"] as? [[String: Any]] ?? []
        #expect(panels.map { $0["title"] as? String ?? "" } == Self.seedTitles)
        for panel in panels {
            let sources = [panel["datasource"]] + (panel["targets"] as? [[String: Any]] ?? []).map { $0["datasource"] }
            for case let source as [String: Any] in sources {
                #expect(source["uid"] as? String == "${DS_PROMETHEUS}", "\(panel["title"] ?? "")")
            }
            #expect(!(panel["targets"] as? [[String: Any]] ?? []).isEmpty, "\(panel["title"] ?? "")")
        }
        let problems = Self.grafanaProblems(grafana)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The checks catch what they are for: each edit of a shipped file must raise the problem named.
    @Test(arguments: [
        (
            DashboardTests.datadogDashboard, "cta.error_rate{phase:after_fix", "cta.eror_rate{phase:after_fix",
            "unknown metric cta.eror_rate"
        ),
        (
            DashboardTests.datadogDashboard, "cta.cached_fix.found{$run_id}", "cta.cached_fix.found{$service}",
            "cta.cached_fix.found has no tag service"
        ),
        (DashboardTests.datadogDashboard, "by {method}", "by {cause}", "cta.mttr_seconds has no tag cause"),
        (DashboardTests.datadogDashboard, "phase:before_fix", "phase:before", "phase is never before"),
        (
            DashboardTests.datadogDashboard, "histogram:cta.workflow.duration", "histogram:workflow.duration",
            "unknown metric workflow.duration"
        ),
        (
            DashboardTests.datadogDashboard, "promotions / (promotions", "promotion / (promotions",
            "names no query promotion"
        ),
        (
            DashboardTests.datadogDashboard, "\"name\": \"run_id\"", "\"name\": \"run\"",
            "undeclared template variable $run_id"
        ),
        (DashboardTests.datadogMonitors, "cta.mttr_seconds{*}", "cta.mttr_second{*}", "unknown metric cta.mttr_second"),
        (DashboardTests.datadogMonitors, "{passed:false}", "{status:false}", "cta.canary.tests has no tag status"),
    ])
    func datadogChecksCatchMistakes(_ file: String, _ from: String, _ to: String, _ problem: String) throws {
        let dashboard =
            file == Self.datadogDashboard
            ? try Self.load(file, replacing: from, with: to) : try Self.load(Self.datadogDashboard)
        let monitors =
            file == Self.datadogMonitors
            ? try Self.load(file, replacing: from, with: to) : try Self.load(Self.datadogMonitors)
        let problems = Self.datadogProblems(dashboard: dashboard, monitors: monitors)
        #expect(problems.contains { $0.contains(problem) }, "\(problems)")
    }

    @Test(arguments: [
        ("cta_error_rate{", "cta_error_rates{", "unknown series cta_error_rates"),
        (
            "cta_canary_tests_total{run_id", "cta_canary_tests_total{service",
            "cta_canary_tests_total has no label service"
        ),
        ("avg by (method)", "avg by (cause)", "not every series has label cause"),
        (
            "cta_workflow_duration_bucket", "cta_workflow_duration_buckets",
            "unknown series cta_workflow_duration_buckets"
        ),
        ("label_values(cta_requests, service)", "label_values(cta_requests, host)", "not every series has label host"),
    ])
    func grafanaChecksCatchMistakes(_ from: String, _ to: String, _ problem: String) throws {
        let grafana = try Self.load(Self.grafanaDashboard, replacing: from, with: to)
        let problems = Self.grafanaProblems(grafana)
        #expect(problems.contains { $0.contains(problem) }, "\(problems)")
    }
}

// MARK: - Datadog checks

extension DashboardTests {
    /// Everything wrong with the Datadog queries: unknown metrics, tag keys a metric does not carry,
    /// values outside a closed tag's set, formulas naming undeclared queries.
    static func datadogProblems(dashboard: Any, monitors: Any) -> [String] {
        var problems: [String] = []
        var prefixes: [String: String] = [:]
        for variable in (dashboard as? [String: Any])?["template_variables"] as? [[String: Any]] ?? [] {
            if let name = variable["name"] as? String { prefixes[name] = variable["prefix"] as? String ?? name }
        }
        // Any `cta.` name anywhere (queries, messages) must be emitted.
        for text in allStrings(dashboard) + allStrings(monitors) {
            for name in ctaNames(text) where emitted[name] == nil {
                problems.append("unknown metric \(name) in: \(text)")
            }
        }
        var queries = strings(forKeys: ["q", "query"], in: dashboard).filter { $0.contains(":") && $0.contains("{") }
        queries += strings(forKeys: ["query"], in: monitors)
        if queries.isEmpty { problems.append("no metric queries found") }
        for query in queries {
            problems += metricQueryProblems(query, prefixes: prefixes)
        }
        problems += formulaProblems(dashboard)
        return problems
    }

    /// `aggregator:metric{filter} by {keys}` terms of one query, each checked against `emitted`.
    static func metricQueryProblems(_ query: String, prefixes: [String: String]) -> [String] {
        var problems: [String] = []
        let term = #/(?:avg|sum|min|max|count|histogram|p\d+):([A-Za-z0-9_.]+)\{([^}]*)\}(?:\s*by\s*\{([^}]*)\})?/#
        let terms = query.matches(of: term)
        if terms.isEmpty { problems.append("no metric term in: \(query)") }
        for match in terms {
            let name = String(match.output.1)
            guard let tags = emitted[name] else {
                problems.append("unknown metric \(name) in: \(query)")
                continue
            }
            for item in match.output.2.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if item == "*" || item.isEmpty { continue }
                if item.hasPrefix("$") {
                    guard let key = prefixes[String(item.dropFirst())] else {
                        problems.append("undeclared template variable \(item) in: \(query)")
                        continue
                    }
                    if !tags.contains(key) { problems.append("\(name) has no tag \(key) (\(item)) in: \(query)") }
                    continue
                }
                let pair = item.drop { $0 == "!" }.split(separator: ":", maxSplits: 1).map(String.init)
                guard pair.count == 2 else {
                    problems.append("bare tag \(item) in: \(query)")
                    continue
                }
                if !tags.contains(pair[0]) { problems.append("\(name) has no tag \(pair[0]) in: \(query)") }
                if let allowed = closedTagValues[pair[0]], !allowed.contains(pair[1]) {
                    problems.append("\(pair[0]) is never \(pair[1]) in: \(query)")
                }
            }
            for key in (match.output.3 ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !tags.contains(key) {
                problems.append("\(name) has no tag \(key) to group by in: \(query)")
            }
        }
        return problems
    }

    /// Every identifier of a formula is a function call or the name of a query of its request.
    static func formulaProblems(_ dashboard: Any) -> [String] {
        var problems: [String] = []
        for request in dictionaries(dashboard) where request["formulas"] != nil {
            let names = Set((request["queries"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
            for formula in (request["formulas"] as? [[String: Any]] ?? []).compactMap({ $0["formula"] as? String }) {
                for match in formula.matches(of: #/([A-Za-z_][A-Za-z0-9_]*)\s*(\()?/#) where match.output.2 == nil {
                    let identifier = String(match.output.1)
                    if !names.contains(identifier) {
                        problems.append("formula \(formula) names no query \(identifier)")
                    }
                }
            }
        }
        return problems
    }

    /// The `tags:key:value` terms of a Datadog event query.
    static func eventTagFilters(_ query: String) -> [String: String] {
        var filters: [String: String] = [:]
        for match in query.matches(of: #/tags:([a-z_]+):([A-Za-z0-9_.\-]+)/#) {
            filters[String(match.output.1)] = String(match.output.2)
        }
        return filters
    }

    /// The final `op number` of a monitor query.
    static func comparison(_ query: String) -> (op: String, value: Double)? {
        guard let match = query.firstMatch(of: #/(<=|>=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$/#),
            let value = Double(match.output.2)
        else { return nil }
        return (String(match.output.1), value)
    }

    /// `cta.`-prefixed metric names in free text, without a trailing full stop or function suffix.
    static func ctaNames(_ text: String) -> [String] {
        text.matches(of: #/cta\.[a-z_.0-9]+/#).map { match in
            var name = String(match.output)
            while name.hasSuffix(".") { name.removeLast() }
            for suffix in [".as_count", ".as_rate", ".rollup", ".fill"] where name.hasSuffix(suffix) {
                name.removeLast(suffix.count)
            }
            return name
        }
    }
}

// MARK: - Grafana checks

extension DashboardTests {
    /// Everything wrong with the PromQL of the Grafana dashboard: series names that are not an
    /// emitted metric with dots as underscores, label matchers or groupings on labels it lacks.
    static func grafanaProblems(_ grafana: Any) -> [String] {
        var problems: [String] = []
        // Distributions are exposed as Prometheus histograms: `_bucket` (with `le`), `_sum`, `_count`.
        var series: [String: Set<String>] = [:]
        // Counts are Prometheus counters, exposed with `_total`.
        let counts: Set<String> = [
            "cta.incidents.detected", "cta.analysis.started", "cta.analysis.completed", "cta.patches.applied",
            "cta.canary.tests", "cta.promotions.success", "cta.rollbacks.count", "cta.signatures.saved",
            "cta.cached_fix.found",
        ]
        for (name, tags) in emitted {
            let prom = name.replacingOccurrences(of: ".", with: "_")
            series[counts.contains(name) ? prom + "_total" : prom] = tags
            if ["cta.workflow.duration", "cta.request.latency"].contains(name) {
                series[prom + "_bucket"] = tags.union(["le"])
                series[prom + "_sum"] = tags
                series[prom + "_count"] = tags
            }
        }
        var expressions = strings(forKeys: ["expr"], in: grafana)
        expressions += strings(forKeys: ["query"], in: (grafana as? [String: Any])?["templating"] ?? [:])
        if expressions.isEmpty { problems.append("no PromQL found") }
        let nameRegex = #/\bcta_[a-z0-9_]+/#
        for expr in expressions {
            let names = expr.matches(of: nameRegex).map { String($0.output) }
            if names.isEmpty { problems.append("no cta_ series in: \(expr)") }
            for name in names where series[name] == nil { problems.append("unknown series \(name) in: \(expr)") }
            for match in expr.matches(of: #/(cta_[a-z0-9_]+)\{([^}]*)\}/#) {
                let tags = series[String(match.output.1)] ?? []
                for matcher in match.output.2.split(separator: ",") {
                    let key = String(
                        matcher.trimmingCharacters(in: .whitespaces).prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    if !tags.contains(key) { problems.append("\(match.output.1) has no label \(key) in: \(expr)") }
                }
            }
            let shared = names.map { series[$0] ?? [] }.reduce(names.isEmpty ? [] : series[names[0]] ?? []) {
                $0.intersection($1)
            }
            let groupings = expr.matches(of: #/by\s*\(([^)]*)\)/#).map { String($0.output.1) }
            let labelValues = expr.matches(of: #/label_values\([^,]*,\s*([a-z_]+)\s*\)/#).map { String($0.output.1) }
            for key in (groupings.flatMap { $0.split(separator: ",") }.map(String.init) + labelValues)
                .map({ $0.trimmingCharacters(in: .whitespaces) }) where !shared.contains(key)
            {
                problems.append("not every series has label \(key) in: \(expr)")
            }
        }
        return problems
    }
}

// MARK: - JSON walking

extension DashboardTests {
    static func allStrings(_ json: Any) -> [String] {
        switch json {
        case let s as String: [s]
        case let a as [Any]: a.flatMap(allStrings)
        case let d as [String: Any]: d.values.flatMap(allStrings)
        default: []
        }
    }

    /// Every dictionary nested anywhere in `json`, itself included.
    static func dictionaries(_ json: Any) -> [[String: Any]] {
        switch json {
        case let a as [Any]: a.flatMap(dictionaries)
        case let d as [String: Any]: [d] + d.values.flatMap(dictionaries)
        default: []
        }
    }

    /// String values stored under any of `keys`, at any depth.
    static func strings(forKeys keys: Set<String>, in json: Any) -> [String] {
        dictionaries(json).flatMap { d in keys.compactMap { d[$0] as? String } }
    }
}
