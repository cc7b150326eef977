"""The Datadog dashboard and monitors in dashboards/datadog/ against what TraceTail really emits.

Every metric a widget, template variable or monitor queries must come out of `tracetail replay`
of the bundled samples (plus a few CTA events the samples lack, so the metrics only they make
come out too), with every tag key the query filters or groups by, and queried as its type wants
(counts `.as_count()`, percentiles only on distributions). The JSON must also be what Datadog's
`POST /api/v1/dashboard` and `POST /api/v1/monitor` take: it is deserialised, strictly, with the
models of datadog-api-client.
"""
import collections
import json
import re
import os
import subprocess

import pytest

from conftest import BIN, REPO
from datadog_harness import ModelValidationError, validate_model

DASHBOARD = REPO / "dashboards" / "datadog" / "cta_dashboard.json"
MONITORS = REPO / "dashboards" / "datadog" / "monitors.json"

# The seed's widgets (shared/seed/datadog-integration.md, "Dashboard Widgets"), in its order.
SEED_WIDGETS = [
    "Error Rate: Before vs After Fix",
    "Latency: Before vs After Fix",
    "Mean Time To Recovery (MTTR)",
    "Incident Detection Rate",
    "Canary Test Results",
    "Fix Promotion Success Rate",
    "Analysis Method Distribution",
    "Cached Fix Hit Rate",
    "Workflow Duration Distribution",
    "Improvement Metrics",
    "Recent Incidents Timeline",
]
# The seed's recommended alerts: the metrics each one watches.
SEED_MONITOR_METRICS = [
    {"cta.error_rate"},
    {"cta.mttr_seconds"},
    {"cta.canary.tests"},
    {"cta.promotions.success", "cta.rollbacks.count"},
]

# Workflow events the samples do not contain: a second run that finds a cached fix, fails its
# canary test and rolls back. Without them `cta.cached_fix.found` and `cta.rollbacks.count`
# (queried by the dashboard and a monitor) would never be emitted by the replay.
EXTRA_CTA_EVENTS = [
    {"timestamp": "2026-11-27T10:14:00.000Z", "type": "analysis_started", "run_id": "run-2", "service": "nova-compute"},
    {"timestamp": "2026-11-27T10:14:01.000Z", "type": "cached_fix_found", "run_id": "run-2", "confidence": 0.95},
    {
        "timestamp": "2026-11-27T10:14:02.000Z",
        "type": "analysis_completed",
        "run_id": "run-2",
        "method": "cached",
        "cause": "rabbitmq_heartbeat_timeout",
        "confidence": 0.95,
    },
    {"timestamp": "2026-11-27T10:14:30.000Z", "type": "patch_applied", "run_id": "run-2", "adapter": "oslo_config"},
    {"timestamp": "2026-11-27T10:15:30.000Z", "type": "canary_test", "run_id": "run-2", "passed": False},
    {
        "timestamp": "2026-11-27T10:15:40.000Z",
        "type": "fix_rollback",
        "run_id": "run-2",
        "error_rate": 0.2,
        "latency_p95": 900,
    },
]


# ---------------------------------------------------------------------------------------------
# What TraceTail emits
# ---------------------------------------------------------------------------------------------


class Emitted:
    """Metric names -> type and tag keys, and the events (name, tags), of jsonl records."""

    def __init__(self, records):
        self.types = collections.defaultdict(set)
        self.tag_keys = collections.defaultdict(set)
        self.events = []
        for r in records:
            if r["kind"] == "metric":
                self.types[r["name"]].add(r["type"])
                self.tag_keys[r["name"]].update(r["tags"])
            elif r["kind"] == "event":
                self.events.append((r["name"], r["tags"]))

    def type_of(self, metric):
        (t,) = self.types[metric]  # one type per name
        return t


def replay(*paths):
    if not os.access(BIN, os.X_OK):
        pytest.fail(f"no tracetail binary at {BIN}: build it (swift build) or set TRACETAIL_BIN")
    r = subprocess.run(
        [BIN, "replay", *map(str, paths), "--output", "jsonl"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def samples_records():
    return replay("samples/")


@pytest.fixture(scope="module")
def emitted(samples_records, tmp_path_factory):
    extra = tmp_path_factory.mktemp("cta-extra") / "cta-extra.jsonl"
    extra.write_text("".join(json.dumps(e) + "\n" for e in EXTRA_CTA_EVENTS))
    return Emitted(samples_records + replay("samples/", extra))


# ---------------------------------------------------------------------------------------------
# Reading Datadog metric queries
# ---------------------------------------------------------------------------------------------

# `agg:metric{filters} by {keys}.modifier()...` (space aggregator, metric, scope, grouping, modifiers)
TERM = re.compile(
    r"(?P<agg>[a-z][a-z0-9]*):(?P<metric>[A-Za-z][A-Za-z0-9_.]*)"
    r"\{(?P<filter>[^{}]*)\}"
    r"(?:\s*by\s*\{(?P<by>[^{}]*)\})?"
    r"(?P<mods>(?:\.[a-z_]+\([^()]*\))*)"
)
PERCENTILE = re.compile(r"p(?:[1-9][0-9]?|100)")
FORMULA_FUNCTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?=\s*\()")
FORMULA_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
MONITOR_QUERY = re.compile(
    r"(?P<time_agg>avg|sum|min|max|change|pct_change)\((?P<window>last_[0-9]+[mhdw])\):"
    r"(?P<expr>.+?)\s*(?P<op>>=|<=|>|<)\s*(?P<threshold>-?[0-9]+(?:\.[0-9]+)?)$"
)


def metric_terms(query):
    """The metric terms of a query; AssertionError if some `{...}` scope was not understood."""
    terms = list(TERM.finditer(query))
    rest = TERM.sub("", query)
    assert "{" not in rest and "}" not in rest, f"query not understood: {query!r} (left {rest!r})"
    return terms


def term_problems(term, where, emitted, template_vars, widget_type=None):
    """Everything wrong with one metric term against what is emitted."""
    metric, agg, mods = term["metric"], term["agg"], term["mods"]
    text = term.group(0)
    if metric not in emitted.types:
        return [f"{where}: {text}: metric {metric} is never emitted"]
    problems = []
    keys = emitted.tag_keys[metric]
    for item in (i.strip() for i in term["filter"].split(",")):
        if item in ("", "*"):
            continue
        if item.startswith("$"):
            name = item[1:].split(".")[0]
            if name not in template_vars:
                problems.append(f"{where}: {text}: no template variable {item}")
            elif template_vars[name] not in keys:
                problems.append(
                    f"{where}: {text}: template variable {item} filters on {template_vars[name]!r}, "
                    f"a tag {metric} does not have (its tags: {sorted(keys)})"
                )
            continue
        if re.search(r"[\s()]", item):
            problems.append(f"{where}: {text}: filter {item!r} uses syntax this test does not read")
            continue
        key = item.lstrip("!-").split(":", 1)[0]
        if key not in keys:
            problems.append(f"{where}: {text}: filters on tag {key!r}, which {metric} does not have ({sorted(keys)})")
    for key in (k.strip() for k in (term["by"] or "").split(",") if k.strip()):
        if key not in keys:
            problems.append(f"{where}: {text}: groups by tag {key!r}, which {metric} does not have ({sorted(keys)})")
    mtype = emitted.type_of(metric)
    counted = ".as_count()" in mods or ".as_rate()" in mods
    if mtype == "count" and not counted:
        problems.append(f"{where}: {text}: {metric} is a count: query it with .as_count() (or .as_rate())")
    if mtype != "count" and counted:
        problems.append(f"{where}: {text}: {metric} is a {mtype}, not a count: .as_count()/.as_rate() misreads it")
    if mtype == "distribution":
        # `histogram:` is the distribution widget's whole-distribution query, nothing else's.
        allowed = (
            agg in ("avg", "sum", "min", "max", "count")
            or PERCENTILE.fullmatch(agg)
            or (agg == "histogram" and widget_type == "distribution")
        )
    else:
        allowed = agg in ("avg", "sum", "min", "max")
    if not allowed:
        problems.append(f"{where}: {text}: aggregation {agg!r} does not apply to the {mtype} {metric}")
    return problems


def formula_problems(request, where):
    """Each formula names only queries of its request, and every query is shown by a formula."""
    problems = []
    names = {q["name"] for q in request.get("queries", [])}
    used = set()
    for f in request.get("formulas", []):
        functions = set(FORMULA_FUNCTION.findall(f["formula"]))
        for name in FORMULA_NAME.findall(f["formula"]):
            if name in functions:
                continue
            used.add(name)
            if name not in names:
                problems.append(f"{where}: formula {f['formula']!r} names {name!r}, not a query of its request")
    for name in sorted(names - used):
        problems.append(f"{where}: query {name!r} is in no formula (it is never shown)")
    return problems


def walk(node, path="$"):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}[{i}]")


def event_query_problems(query, where, emitted, title):
    """`tags:k:v` event queries must match emitted events; an incidents timeline must show both
    TraceTail incident events."""
    problems = []
    wanted = []
    for word in query.split():
        m = re.fullmatch(r"tags:([^:]+):(.+)", word)
        if not m:
            problems.append(f"{where}: event query term {word!r} is not read by this test")
            continue
        wanted.append((m.group(1), m.group(2)))
    matching = {name for name, tags in emitted.events if all(tags.get(k) == v for k, v in wanted)}
    if not matching:
        problems.append(f"{where}: event query {query!r} matches no event TraceTail emits")
    if "incident" in title.lower() and not {"incident_detected", "incident_resolved"} <= matching:
        problems.append(f"{where}: {title!r} shows {sorted(matching)}, not both incident events")
    return problems


def dashboard_problems(dashboard, emitted):
    """Everything in the dashboard's queries that does not fit what TraceTail emits."""
    template_vars = {v["name"]: v["prefix"] for v in dashboard.get("template_variables", [])}
    problems = []
    queried = set()
    for i, widget in enumerate(dashboard["widgets"]):
        definition = widget["definition"]
        wtype, title = definition["type"], definition.get("title", "")
        where = f"widget {i} {title!r}"
        seen_queries = 0
        for path, node in walk(definition):
            if "formulas" in node or ("queries" in node and path.startswith("$.requests")):
                problems += formula_problems(node, f"{where} {path}")
            if node.get("data_source") == "metrics" and "query" in node:
                seen_queries += 1
                for term in metric_terms(node["query"]):
                    queried.add(term["metric"])
                    problems += term_problems(term, where, emitted, template_vars, wtype)
            elif "q" in node and isinstance(node["q"], str):
                problems.append(f"{where} {path}: legacy 'q' query; use queries/formulas")
            elif node.get("data_source") not in (None, "metrics"):
                problems.append(f"{where} {path}: data source {node['data_source']!r} is not checked by this test")
        if wtype in ("event_timeline", "event_stream"):
            seen_queries += 1
            problems += event_query_problems(definition["query"], where, emitted, title)
        if seen_queries == 0:
            problems.append(f"{where}: no query this test can read")
    for name, prefix in template_vars.items():
        users = [m for m in queried if prefix in emitted.tag_keys.get(m, ())]
        if not users:
            problems.append(f"template variable ${name}: no queried metric has the tag {prefix!r}")
    return problems


def monitor_problems(monitor, emitted):
    where = f"monitor {monitor['name']!r}"
    m = MONITOR_QUERY.fullmatch(monitor["query"].strip())
    if not m:
        return [f"{where}: query {monitor['query']!r} is not `agg(last_N):expr <op> threshold`"]
    problems = []
    for term in metric_terms(m["expr"]):
        problems += term_problems(term, where, emitted, {})
    critical = monitor.get("options", {}).get("thresholds", {}).get("critical")
    if critical is None or float(critical) != float(m["threshold"]):
        # The API refuses a monitor whose critical threshold is not the query's.
        problems.append(f"{where}: options.thresholds.critical {critical} is not the query's {m['threshold']}")
    return problems


# ---------------------------------------------------------------------------------------------
# The shipped files
# ---------------------------------------------------------------------------------------------


def load(path):
    with open(path) as f:
        return json.load(f)


def test_replay_of_the_samples_emits_the_cta_metrics(samples_records):
    names = {r["name"] for r in samples_records if r["kind"] == "metric"}
    assert {"cta.error_rate", "cta.latency_ms", "cta.mttr_seconds", "cta.incidents.detected"} <= names
    assert all(n.startswith("cta.") for n in names), sorted(names)
    types = collections.defaultdict(set)
    for r in samples_records:
        if r["kind"] == "metric":
            types[r["name"]].add(r["type"])
    assert {n: t for n, t in types.items() if len(t) != 1} == {}, "one type per metric name"


def test_dashboard_queries_only_what_tracetail_emits(emitted):
    problems = dashboard_problems(load(DASHBOARD), emitted)
    assert problems == [], "\n".join(problems)


def test_monitors_query_only_what_tracetail_emits(emitted):
    problems = [p for m in load(MONITORS) for p in monitor_problems(m, emitted)]
    assert problems == [], "\n".join(problems)


def test_dashboard_keeps_the_seed_widgets_and_is_what_the_dashboard_api_takes():
    from datadog_api_client.v1.model.dashboard import Dashboard

    dashboard = load(DASHBOARD)
    assert [w["definition"]["title"] for w in dashboard["widgets"]] == SEED_WIDGETS
    validate_model(dashboard, Dashboard, allow_deprecated=False)
    assert not set(dashboard) & {"id", "url", "author_handle", "author_name", "created_at", "modified_at"}
    # An ordered layout is 12 columns wide; no two widgets overlap.
    cells = {}
    for w in dashboard["widgets"]:
        lay, title = w["layout"], w["definition"]["title"]
        assert lay["x"] >= 0 and lay["x"] + lay["width"] <= 12, title
        for x in range(lay["x"], lay["x"] + lay["width"]):
            for y in range(lay["y"], lay["y"] + lay["height"]):
                assert (x, y) not in cells, f"{title} overlaps {cells[(x, y)]}"
                cells[(x, y)] = title


def test_monitors_keep_the_seed_alerts_and_are_what_the_monitor_api_takes(emitted):
    from datadog_api_client.v1.model.monitor import Monitor

    monitors = load(MONITORS)
    assert [{t["metric"] for t in metric_terms(m["query"])} for m in monitors] == SEED_MONITOR_METRICS
    for m in monitors:
        validate_model(m, Monitor, allow_deprecated=False)
        assert not set(m) & Monitor.read_only_vars, m["name"]


# ---------------------------------------------------------------------------------------------
# The checks above fail where they should
# ---------------------------------------------------------------------------------------------


def tiny_dashboard(query, formula="a", title="t", template_vars=("service", "run_id")):
    return {
        "title": "x",
        "layout_type": "ordered",
        "template_variables": [{"name": v, "prefix": v} for v in template_vars],
        "widgets": [
            {
                "definition": {
                    "type": "timeseries",
                    "title": title,
                    "requests": [
                        {
                            "response_format": "timeseries",
                            "queries": [{"data_source": "metrics", "name": "a", "query": query}],
                            "formulas": [{"formula": formula}],
                        }
                    ],
                }
            }
        ],
    }


@pytest.mark.parametrize(
    "query, formula, needle",
    [
        ("sum:cta.incidents.detected{$service} by {status}.as_count()", "a", "template variable $service"),
        ("avg:cta.error_rate{$service,$run_id} by {method}", "a", "groups by tag 'method'"),
        ("avg:cta.error_rate{region:eu}", "a", "filters on tag 'region'"),
        ("avg:cta.errors{*}", "a", "never emitted"),
        ("sum:cta.canary.tests{passed:false}", "a", "is a count"),
        ("avg:cta.error_rate{*}.as_count()", "a", "not a count"),
        ("p95:cta.latency_ms{*}", "a", "aggregation 'p95'"),
        ("histogram:cta.request.latency{*}", "a", "aggregation 'histogram'"),
        ("avg:cta.error_rate{$region}", "a", "no template variable"),
        ("avg:cta.error_rate{*}", "a + b", "names 'b'"),
        ("avg:cta.error_rate{*}", "1", "in no formula"),
        ("avg:cta.error_rate{service:nova-api OR service:glance-api}", "a", "syntax this test does not read"),
    ],
)
def test_dashboard_check_catches(emitted, query, formula, needle):
    problems = dashboard_problems(tiny_dashboard(query, formula), emitted)
    assert any(needle in p for p in problems), problems


def test_dashboard_check_accepts_distribution_percentiles(emitted):
    assert dashboard_problems(tiny_dashboard("p95:cta.request.latency{phase:after_fix,$service,$run_id}"), emitted) == []


def test_dashboard_check_reads_event_timelines(emitted):
    dash = tiny_dashboard("avg:cta.error_rate{*}")
    dash["widgets"].append({"definition": {"type": "event_timeline", "title": "Incidents", "query": "tags:source:cta"}})
    problems = dashboard_problems(dash, emitted)
    assert any("matches no event" in p for p in problems), problems


def test_monitor_check_catches(emitted):
    base = {"name": "m", "type": "metric alert", "options": {"thresholds": {"critical": 0.1}}}
    assert monitor_problems(dict(base, query="avg(last_5m):avg:cta.error_rate{phase:before_fix} > 0.1"), emitted) == []
    wrong = monitor_problems(dict(base, query="avg(last_5m):avg:cta.error_rate{phase:before_fix} > 0.2"), emitted)
    assert any("thresholds.critical" in p for p in wrong), wrong
    wrong = monitor_problems(dict(base, query="avg(last_5m):avg:cta.error_rate{phase:before_fix}"), emitted)
    assert any("is not `agg" in p for p in wrong), wrong


def test_api_models_catch_a_broken_dashboard_and_monitor():
    from datadog_api_client.v1.model.dashboard import Dashboard
    from datadog_api_client.v1.model.monitor import Monitor

    dashboard = load(DASHBOARD)
    dashboard["widgets"][5]["definition"]["precision"] = "1"
    with pytest.raises(ModelValidationError, match="precision"):
        validate_model(dashboard, Dashboard)
    dashboard = load(DASHBOARD)
    dashboard["widgets"][0]["definition"]["requests"][0]["display_type"] = "lines"
    with pytest.raises(ModelValidationError, match="display_type"):
        validate_model(dashboard, Dashboard)
    dashboard = load(DASHBOARD)
    dashboard["template_variables"][0]["default"] = "*"
    validate_model(dashboard, Dashboard)  # still taken, but deprecated:
    with pytest.raises(ModelValidationError, match=r"template_variables\[0\]\.default: deprecated"):
        validate_model(dashboard, Dashboard, allow_deprecated=False)
    monitor = load(MONITORS)[0]
    monitor["type"] = "metric_alert"
    with pytest.raises(ModelValidationError, match="metric_alert"):
        validate_model(monitor, Monitor)
    monitor = load(MONITORS)[0]
    monitor["options"]["thresholds"]["critcal"] = 1
    with pytest.raises(ModelValidationError, match="critcal"):
        validate_model(monitor, Monitor)
