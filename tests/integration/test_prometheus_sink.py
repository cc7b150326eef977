"""The `prometheus` sink of `tracetail run`, read by Prometheus' own tools.

One daemon follows a copy of `samples/` (plus a second CTA run that finds a cached fix, fails its
canary and is rolled back, so that every counter the dashboard reads exists) from the beginning,
with a prometheus sink on a free loopback port. Once the backlog is processed:

* `promtool check metrics` accepts the page, its only remark being the `_ms` naming lint;
* a real Prometheus server (Debian `prometheus`) scrapes it every second with
  dashboards/prometheus/alerts.yml loaded: the target is up, every `cta_*` series it stores has
  the value of the page, the alerts the samples call for fire (and High Error Rate does not), and
  every PromQL expression of the Grafana dashboard returns data;
* the control API's `/metrics` serves the same `cta_*` series and TraceTail's own counters;
* every series the Grafana dashboard queries, with every label it filters or groups by, is on
  the page;
* SIGTERM stops the daemon with exit 0.

Every process listens on 127.0.0.1 only; every wait is bounded.
"""
import collections
import json
import math
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import BIN, REPO
from datadog_harness import free_port, wait_until

GRAFANA = REPO / "dashboards" / "grafana" / "tracetail.json"
ALERTS = REPO / "dashboards" / "prometheus" / "alerts.yml"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# A second CTA run after the samples end (10:20), as in DashboardTests' rarePathEvents: a cached
# fix that fails its canary and is rolled back. Without it cta_cached_fix_found_total and
# cta_rollbacks_count_total, which the dashboard and an alert read, would never exist.
RARE_PATH_EVENTS = [
    {"timestamp": "2026-11-27T10:25:00.000Z", "type": "analysis_started", "run_id": "run-2", "service": "nova-api"},
    {
        "timestamp": "2026-11-27T10:25:01.000Z",
        "type": "cached_fix_found",
        "run_id": "run-2",
        "cause": "db_connection_pool_exhausted",
        "confidence": 0.95,
    },
    {
        "timestamp": "2026-11-27T10:25:05.000Z",
        "type": "patch_applied",
        "run_id": "run-2",
        "adapter": "oslo_config",
        "confidence": 0.95,
    },
    {
        "timestamp": "2026-11-27T10:26:05.000Z",
        "type": "canary_test",
        "run_id": "run-2",
        "passed": False,
        "error_rate": 0.2,
        "latency_p95": 900,
    },
    {"timestamp": "2026-11-27T10:26:10.000Z", "type": "fix_rollback", "run_id": "run-2", "error_rate": 0.2, "latency_p95": 900},
]

# Grafana's variables as a dashboard with "All" selected over the last hour substitutes them.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__range": "1h", "$__interval": "15s", "$service": ".*", "$run_id": ".*"}


# ---------------------------------------------------------------------------------------------
# The text exposition format
# ---------------------------------------------------------------------------------------------

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+(-?[0-9]+))?$")
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)')


def parse_labels(text):
    labels, pos = {}, 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        assert m, f"label set not understood at {text[pos:]!r}"
        labels[m.group(1)] = m.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        pos = m.end()
    return labels


class Page:
    """A parsed exposition page: families (name -> type) and samples (name, labels) -> value."""

    def __init__(self, text):
        self.text = text
        self.types = {}
        self.samples = {}
        self.problems = []
        family_of_sample = {}
        order = []  # family of each sample line, in page order
        for line in text.split("\n")[:-1]:
            if line.startswith("# TYPE "):
                _, _, name, mtype = line.split(" ", 3)
                if name in self.types:
                    self.problems.append(f"second TYPE for {name}")
                self.types[name] = mtype
                continue
            if line.startswith("#") or not line.strip():
                continue
            m = SAMPLE.match(line)
            if not m:
                self.problems.append(f"sample line not understood: {line!r}")
                continue
            name, labels, value = m.group(1), parse_labels(m.group(2) or ""), float(m.group(3))
            if m.group(4):
                self.problems.append(f"timestamp on {line!r} (ANCHORS 3.5: omit)")
            family = self.family(name)
            if family is None:
                self.problems.append(f"{name} has no TYPE before it")
                family = name
            family_of_sample[name] = family
            order.append(family)
            key = (name, tuple(sorted(labels.items())))
            if key in self.samples:
                self.problems.append(f"label set repeated: {line!r}")
            self.samples[key] = value
        # All samples of a family are one contiguous group.
        seen, previous = set(), None
        for family in order:
            if family != previous and family in seen:
                self.problems.append(f"samples of {family} are not contiguous")
            seen.add(family)
            previous = family

    def family(self, name):
        if name in self.types:
            return name
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[: -len(suffix)] if name.endswith(suffix) else None
            if base and self.types.get(base) == "histogram":
                return base
        return None

    def names(self):
        return {name for name, _ in self.samples}

    def series(self, name):
        return {labels: v for (n, labels), v in self.samples.items() if n == name}

    def labels_of(self, name):
        return {k for labels in self.series(name) for k, _ in labels}

    def value(self, name, **labels):
        [v] = [v for lbls, v in self.series(name).items() if all(dict(lbls).get(k) == x for k, x in labels.items())]
        return v

    def cta(self):
        return {k: v for k, v in self.samples.items() if k[0].startswith("cta_")}


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def scrape(port):
    status, content_type, body = get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    return content_type, body


# ---------------------------------------------------------------------------------------------
# The daemon and Prometheus
# ---------------------------------------------------------------------------------------------


class PrometheusServer:
    """Prometheus on a free loopback port scraping `target` every second, with `rule_files`."""

    def __init__(self, workdir, target, rule_files=()):
        if shutil.which("prometheus") is None:
            pytest.fail("prometheus is missing: scripts/install-deps.sh --with-daemon-tests installs Debian prometheus")
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = workdir / "prometheus.yml"
        rules = "".join(f"  - {path}\n" for path in rule_files)
        config.write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
            + (f"rule_files:\n{rules}" if rules else "")
            + f"scrape_configs:\n  - job_name: tracetail\n    static_configs:\n      - targets: ['{target}']\n"
        )
        self.log = workdir / "prometheus.log"
        # `timeout` bounds the server's life even if this test process dies without cleaning up.
        self.proc = subprocess.Popen(
            [
                "timeout", "300", "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={workdir / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--storage.tsdb.retention.time=1h",
            ],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "wb"),
        )
        wait_until(self.ready, 60, "Prometheus to become ready", interval=0.2)

    def ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"prometheus exited {self.proc.returncode}: {self.log.read_text()[-3000:]}")
        try:
            return get(self.url + "/-/ready", timeout=2)[0] == 200
        except (urllib.error.URLError, OSError):
            return False

    def api(self, path, **params):
        url = f"{self.url}/api/v1/{path}" + ("?" + urllib.parse.urlencode(params) if params else "")
        status, _, body = get(url, timeout=10)
        reply = json.loads(body)
        assert reply["status"] == "success", reply
        return reply["data"]

    def query(self, expr, at=None):
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        data = self.api("query", **params)
        assert data["resultType"] == "vector", data
        return data["result"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class SinkDaemon:
    def __init__(self, workdir):
        self.workdir = workdir
        self.logdir = workdir / "logs"
        self.logdir.mkdir()
        for p in list((REPO / "samples").glob("*.log")) + list((REPO / "samples").glob("*.jsonl")):
            shutil.copy(p, self.logdir / p.name)
        (self.logdir / "cta-rare-paths.jsonl").write_text("".join(json.dumps(e) + "\n" for e in RARE_PATH_EVENTS))
        self.lines = sum(len(p.read_text().splitlines()) for p in self.logdir.iterdir())
        self.port = free_port()
        self.control = free_port()
        self.config = workdir / "tracetail.yaml"
        self.config.write_text(
            f"""sources:
  - {{ path: "{self.logdir}/*.log", start_at: beginning }}
  - {{ path: "{self.logdir}/*.jsonl", format: cta_events, start_at: beginning }}
state_dir: {workdir}/state
checkpoint_interval: 200ms
poll_interval: 50ms
sinks:
  - {{ type: prometheus, listen: "127.0.0.1:{self.port}" }}
control: {{ listen: "127.0.0.1:{self.control}" }}
"""
        )
        self.stderr = workdir / "tracetail.stderr"
        if not os.access(BIN, os.X_OK):
            pytest.fail(f"no tracetail binary at {BIN}: build it (swift build) or set TRACETAIL_BIN")
        self.proc = subprocess.Popen(
            [BIN, "run", "--config", str(self.config), "--log-level", "info"],
            cwd="/",
            stdout=subprocess.DEVNULL,
            stderr=open(self.stderr, "wb"),
        )

    def alive(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"tracetail exited {self.proc.returncode}: {self.stderr.read_text()[-3000:]}")
        return True

    def status(self):
        try:
            return json.loads(get(f"http://127.0.0.1:{self.control}/status", timeout=2)[2])
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def caught_up(self):
        self.alive()
        s = self.status()
        return (
            s is not None
            and s["pipeline"]["lines_processed"] >= self.lines
            and all(f["report"]["lag_bytes"] == 0 for f in s["files"])
        )

    def settled_page(self, timeout=60):
        """The page once the backlog is processed and its `cta_*` series stop changing."""
        wait_until(self.caught_up, timeout, "the backlog to be processed", interval=0.1)
        last = {}

        def stable():
            nonlocal last
            self.alive()
            page = Page(scrape(self.port)[1])
            done = "cta_error_rate" in page.names() and page.cta() == last
            last = page.cta()
            return page if done else None

        return wait_until(stable, timeout, "the cta_* series to settle", interval=1.0)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    d = SinkDaemon(tmp_path_factory.mktemp("prometheus-sink"))
    try:
        d.page = d.settled_page()
        yield d
    finally:
        if d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait()


@pytest.fixture(scope="module")
def prometheus(daemon, tmp_path_factory):
    server = PrometheusServer(tmp_path_factory.mktemp("prometheus"), f"127.0.0.1:{daemon.port}", [ALERTS])
    try:
        # The first scrape: the time it is seen is when the counters look new to PromQL.
        server.first_seen = wait_until(
            lambda: server.query('cta_error_rate{phase="before_fix",service="nova-api"}') and time.time(),
            60,
            "Prometheus to return cta_error_rate",
            interval=0.2,
        )
        yield server
    finally:
        server.stop()


def grafana_exprs():
    """Every PromQL string of the Grafana dashboard: panel targets, annotations, variables."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("expr", "query", "definition") and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(GRAFANA.read_text()))
    return found


def substitute(expr):
    for var in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(var, GRAFANA_VARIABLES[var])
    return expr


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_page_is_valid_text_exposition_with_only_the_ms_naming_lint(daemon, tmp_path):
    content_type, body = scrape(daemon.port)
    assert content_type == CONTENT_TYPE
    assert body.endswith("\n")
    page = Page(body)
    assert page.problems == []
    # What the samples produce, under the names, types and labels the README gives.
    assert page.types["cta_error_rate"] == "gauge"
    assert page.labels_of("cta_error_rate") == {"phase", "run_id", "service"}
    assert page.types["cta_incidents_detected_total"] == "counter"
    assert page.value("cta_incidents_detected_total", status="detected", run_id="run-1") == 1
    assert page.value("cta_incidents_detected_total", status="resolved", run_id="run-1") == 1
    assert page.value("cta_canary_tests_total", passed="true", run_id="run-1") == 1
    assert page.value("cta_canary_tests_total", passed="false", run_id="run-2") == 1
    assert page.value("cta_rollbacks_count_total") == 1
    assert page.value("cta_mttr_seconds", service="nova-api", run_id="run-1") > 0
    # Counts are counters ending in _total; distributions are histograms.
    for name, mtype in page.types.items():
        if name.startswith("cta_") and mtype == "counter":
            assert name.endswith("_total"), name
    assert page.types["cta_request_latency"] == "histogram"
    assert page.types["cta_workflow_duration"] == "histogram"
    for hist in ("cta_request_latency", "cta_workflow_duration"):
        for labels, count in page.series(hist + "_count").items():
            buckets = sorted(
                (float(dict(l)["le"]), v)
                for l, v in page.series(hist + "_bucket").items()
                if tuple(kv for kv in l if kv[0] != "le") == labels
            )
            assert buckets[-1] == (math.inf, count), (hist, labels)
            assert [v for _, v in buckets] == sorted(v for _, v in buckets), "buckets are cumulative"
    assert page.value("tracetail_up") == 1
    # promtool: the naming lint on `_ms` names (fixed by DESIGN: cta.latency_ms) and nothing else.
    r = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, text=True, timeout=60)
    remarks = [l for l in (r.stdout + r.stderr).splitlines() if l.strip()]
    ms_names = sorted(n for n in page.types if re.search(r"_ms(_|$)", n))
    assert ms_names, "the samples produce cta_latency_ms"
    assert sorted(remarks) == [f"{n} metric names should not contain abbreviated units" for n in ms_names], remarks
    assert r.returncode in (0, 3), r.returncode  # 3: lint problems only
    # Without the _ms names promtool has nothing to say.
    rest = "".join(
        l + "\n"
        for l in body.splitlines()
        if not re.match(r"(# (HELP|TYPE) )?[a-z_]*_ms(_[a-z0-9]+)?[ {]", l)
    )
    r = subprocess.run(["promtool", "check", "metrics"], input=rest, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and (r.stdout + r.stderr).strip() == "", r.stdout + r.stderr


def test_prometheus_scrapes_the_same_values(daemon, prometheus):
    [target] = prometheus.api("targets")["activeTargets"]
    assert target["health"] == "up" and target["lastError"] == "", target
    page = daemon.page
    want = {
        labels: v for labels, v in page.series("cta_error_rate").items() if dict(labels)["phase"] == "before_fix"
        and dict(labels)["service"] == "nova-api"
    }
    got = {
        tuple(sorted((k, v) for k, v in r["metric"].items() if k not in ("__name__", "job", "instance"))): float(r["value"][1])
        for r in prometheus.query('cta_error_rate{phase="before_fix",service="nova-api"}')
    }
    assert want and got == want
    # Every cta_* series Prometheus stored has the page's value.
    stored = {}
    for r in prometheus.query('{__name__=~"cta_.+"}'):
        m = dict(r["metric"])
        name = m.pop("__name__")
        assert m.pop("job") == "tracetail" and m.pop("instance") == f"127.0.0.1:{daemon.port}"
        stored[(name, tuple(sorted(m.items())))] = float(r["value"][1])
    assert stored == page.cta()


def test_alert_rules_fire_on_the_samples(prometheus):
    """The samples resolve an incident after 370 s (Slow MTTR); the rare-path run fails a canary
    and rolls back against one promotion (50%). Error rates before the fix end healthy."""

    def firing():
        alerts = prometheus.api("alerts")["alerts"]
        names = {a["labels"]["alertname"] for a in alerts if a["state"] == "firing"}
        return names if len(names) >= 3 else None

    names = wait_until(firing, 30, "three alerts to fire", interval=0.5)
    assert names == {"TraceTailSlowMTTR", "TraceTailCanaryTestFailures", "TraceTailLowPromotionSuccessRate"}
    alerts = {a["labels"]["alertname"]: a for a in prometheus.api("alerts")["alerts"]}
    assert alerts["TraceTailSlowMTTR"]["labels"]["service"] == "nova-api"
    assert alerts["TraceTailCanaryTestFailures"]["labels"]["run_id"] == "run-2"
    assert float(alerts["TraceTailLowPromotionSuccessRate"]["value"]) == 0.5
    groups = prometheus.api("rules")["groups"]
    assert [r["health"] for g in groups for r in g["rules"]] == ["ok"] * 4


def test_every_grafana_query_returns_data_from_prometheus(daemon, prometheus):
    # Evaluated at the first scrape: the counters' events lie inside every window
    # ($__rate_interval 5m, the timeline's 1m, $__range 1h).
    at = prometheus.first_seen
    empty, zero = [], []
    for expr in grafana_exprs():
        if expr.startswith("label_values("):
            m = re.fullmatch(r"label_values\((.+), *([a-z_]+)\)", substitute(expr))
            values = prometheus.api("series", **{"match[]": m.group(1)})
            if not {s.get(m.group(2)) for s in values} - {None}:
                empty.append(expr)
            continue
        result = prometheus.query(substitute(expr), at=at)
        if not result:
            empty.append(expr)
        elif re.search(r"_total\b|_bucket\b", expr) and not any(float(r["value"][1]) > 0 for r in result):
            zero.append(expr)
    assert empty == [], "Grafana queries without data:\n" + "\n".join(empty)
    assert zero == [], "Grafana counter queries that count nothing:\n" + "\n".join(zero)
    # The numbers the CTA panels show for the samples plus the rare-path run.
    def one(title):
        dash = json.loads(GRAFANA.read_text())
        [panel] = [p for p in dash["panels"] if p["title"] == title]
        return {
            tuple(sorted(r["metric"].items())): float(r["value"][1])
            for r in prometheus.query(substitute(panel["targets"][0]["expr"]), at=at)
        }

    assert one("Fix Promotion Success Rate") == {(): 50.0}
    assert one("Cached Fix Hit Rate") == {(): 50.0}
    assert one("Canary Test Results") == {(("passed", "false"),): 1.0, (("passed", "true"),): 1.0}
    assert one("Incident Detection Rate") == {(("status", "detected"),): 1.0, (("status", "resolved"),): 1.0}
    assert one("Analysis Method Distribution") == {(("method", "llm"),): 1.0}  # run-2 has no analysis_completed
    # Why the counter panels do not use increase(): every CTA counter series here came into being
    # at its final value, so increase() sees no change at all.
    wait_until(lambda: time.time() > at + 3, 5, "a few more scrapes")
    [naive] = prometheus.query("sum(increase(cta_canary_tests_total[5m]))")
    assert float(naive["value"][1]) == 0


def test_control_api_metrics(daemon):
    content_type, body = get(f"http://127.0.0.1:{daemon.control}/metrics")[1:]
    assert content_type == CONTENT_TYPE
    page = Page(body)
    assert page.problems == []
    assert page.value("tracetail_up") == 1
    assert page.value("tracetail_lines_total") >= daemon.lines > 0
    assert page.value("tracetail_spans_total") > 0
    assert page.value("tracetail_sink_records_total", sink="prometheus", outcome="delivered") > 0
    assert page.value("tracetail_sink_healthy", sink="prometheus") == 1
    assert page.cta() == Page(scrape(daemon.port)[1]).cta(), "the same cta_* series as the sink's page"


def test_every_series_the_grafana_dashboard_queries_is_on_the_page(daemon):
    page = daemon.page
    problems = []
    names_seen = set()
    for expr in grafana_exprs():
        names = set(re.findall(r"\b(?:cta|tracetail)_[a-z0-9_]+", expr))
        assert names, f"no series in {expr!r}"
        names_seen |= names
        for name in sorted(names):
            if name not in page.names():
                problems.append(f"{name} is not on the page (in {expr})")
                continue
            if page.family(name) != name and not re.search(r"_(bucket|sum|count)$", name):
                problems.append(f"{name} is not a family of its own")
            labels = page.labels_of(name)
            for m in re.finditer(re.escape(name) + r"\{([^}]*)\}", expr):
                for key in re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", m.group(1)):
                    if key not in labels:
                        problems.append(f"{name} has no label {key} (in {expr})")
        label_sets = [page.labels_of(n) for n in names if n in page.names()]
        shared = set.intersection(*label_sets) if label_sets else set()
        for group in re.findall(r"\bby\s*\(([^)]*)\)", expr) + re.findall(r"label_values\([^,]*,\s*([a-z_]+)\)", expr):
            for key in (k.strip() for k in group.split(",") if k.strip()):
                if key not in shared:
                    problems.append(f"not every series of {expr} has label {key}")
    assert problems == [], "\n".join(problems)
    assert {"cta_incidents_detected_total", "cta_rollbacks_count_total", "cta_workflow_duration_bucket"} <= names_seen


def test_replay_ignores_the_prometheus_sink(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(f'sinks:\n  - {{ type: prometheus, listen: "127.0.0.1:{free_port()}" }}\n')
    r = subprocess.run(
        [BIN, "replay", str(REPO / "samples"), "--config", str(config), "--output", "jsonl"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd="/",
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "prometheus" in r.stderr.lower(), r.stderr[-3000:]
    assert any(json.loads(l)["kind"] == "metric" for l in r.stdout.splitlines())


def test_sigterm_stops_the_daemon_cleanly(daemon):
    assert daemon.stop() == 0, daemon.stderr.read_text()[-3000:]
    log = daemon.stderr.read_text()
    assert "stopped" in log
    bad = [l for l in log.splitlines() if re.match(r"\S+ (warning|error|critical) ", l)]
    assert bad == [], "\n".join(bad)
