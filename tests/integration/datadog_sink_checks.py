"""Shared pieces of the Datadog sink tests (test_datadog_sinks*.py, test_datadog_seed_calls.py):
what a TraceTail jsonl record must look like once a Datadog peer has it, a `tracetail replay`
runner, the parser of the per-sink stderr summary, and a daemon with a config of the test's own.

Conversions follow the README's "Exporting to Datadog":

* a span keeps its ids: trace_id = low 64 bits of the 128-bit id, `meta._dd.p.tid` = the high
  64 bits as 16 hex digits when they are not zero, span_id/parent_id unsigned (0 for a root);
* a metric keeps name, value and type (gauge `g`, count `c`, distribution `d`); its tags are the
  record's `key:value`, sorted, then the `env:`/`version:` constants; gauges and counts carry
  `|T<seconds>` (the record's timestamp), distributions never do;
* an event is titled `TraceTail: <name>[ <service>]`, its text is the record's (`|` sent as `¦`),
  its tags sanitised like every DogStatsD tag (`|`, `,`, `#` and newlines become `_`).
"""
import collections
import json
import os
import pathlib
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import BIN, REPO, Daemon

SAMPLES = REPO / "samples"
TYPE_LETTER = {"gauge": "g", "count": "c", "distribution": "d"}
SUMMARY = re.compile(
    r"^tracetail: sink (?P<sink>\S+) \u2192 (?P<target>\S+): (?P<delivered>\d+) delivered in "
    r"(?P<payloads>\d+) payloads, (?P<retries>\d+) retries, (?P<dropped>\d+) dropped",
    re.M,
)


def need_binary():
    if not os.access(BIN, os.X_OK):
        pytest.fail(f"no tracetail binary at {BIN}: build it (swift build) or set TRACETAIL_BIN")


def clean_env(**extra):
    """The test's environment without Datadog variables (they would fill unset sink keys)."""
    env = {k: v for k, v in os.environ.items() if not (k.startswith("DD_") or k.startswith("DATADOG_"))}
    env.update(extra)
    return env


def replay(paths, config, out, env=None, timeout=120):
    """`tracetail replay PATHS --config CONFIG --output jsonl --out OUT`: (process, seconds, records)."""
    need_binary()
    started = time.monotonic()
    r = subprocess.run(
        [BIN, "replay", *map(str, paths), "--config", str(config), "--output", "jsonl", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else clean_env(),
    )
    elapsed = time.monotonic() - started
    return r, elapsed, read_jsonl(out)


def read_jsonl(path):
    path = pathlib.Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def summaries(stderr):
    """{sink: {target, delivered, payloads, retries, dropped}} from replay's stderr lines."""
    out = {}
    for m in SUMMARY.finditer(stderr):
        d = m.groupdict()
        sink = d.pop("sink")
        out[sink] = {k: (v if k == "target" else int(v)) for k, v in d.items()}
    return out


def kinds(records):
    by = collections.defaultdict(list)
    for r in records:
        by[r["kind"]].append(r)
    return by


# ---------------------------------------------------------------------------------------------
# Spans
# ---------------------------------------------------------------------------------------------


def expected_span(r):
    """The identity and shape a jsonl span must have in the trace agent."""
    trace_id = r["trace_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", trace_id), trace_id
    assert re.fullmatch(r"[0-9a-f]{16}", r["span_id"]), r["span_id"]
    high = trace_id[:16]
    parent = r.get("parent_id")
    return (
        int(trace_id[16:], 16),
        None if int(high, 16) == 0 else high,
        int(r["span_id"], 16),
        int(parent, 16) if parent else 0,
        r["service"],
        r["resource"],
        r["start_ns"],
        r["duration_ns"],
        1 if r["error"] else 0,
    )


def agent_span(s):
    return (
        s["trace_id"],
        (s.get("meta") or {}).get("_dd.p.tid"),
        s["span_id"],
        s.get("parent_id") or 0,
        s["service"],
        s["resource"],
        s["start"],
        s["duration"],
        s.get("error", 0),
    )


def span_problems(expected_records, agent_spans, env=None, version=None):
    """Each expected span exactly once in the agent, with the same ids and fields."""
    want = collections.Counter(expected_span(r) for r in expected_records)
    got = collections.Counter(agent_span(s) for s in agent_spans)
    problems = []
    missing = want - got
    extra = got - want
    if missing:
        problems.append(f"{sum(missing.values())} spans missing or different, e.g. {list(missing)[:3]}")
    if extra:
        problems.append(f"{sum(extra.values())} spans unexpected or repeated, e.g. {list(extra)[:3]}")
    ids = collections.Counter((s["trace_id"], (s.get("meta") or {}).get("_dd.p.tid"), s["span_id"]) for s in agent_spans)
    repeated = [k for k, c in ids.items() if c > 1]
    if repeated:
        problems.append(f"{len(repeated)} span ids arrived more than once, e.g. {repeated[:3]}")
    for s in agent_spans:
        meta = s.get("meta") or {}
        if env is not None and meta.get("env") != env:
            problems.append(f"span {s['span_id']} has meta.env {meta.get('env')!r}, not {env!r}")
            break
        if version is not None and meta.get("version") != version:
            problems.append(f"span {s['span_id']} has meta.version {meta.get('version')!r}, not {version!r}")
            break
    return problems


# ---------------------------------------------------------------------------------------------
# Metrics and events over DogStatsD
# ---------------------------------------------------------------------------------------------


def dsd_tag(text):
    for ch in "|,#\r\n":
        text = text.replace(ch, "_")
    return text


def constants(env=None, version=None):
    return ([f"env:{env}"] if env else []) + ([f"version:{version}"] if version else [])


def expected_dsd_metric(r, const=()):
    letter = TYPE_LETTER[r["type"]]
    tags = tuple(sorted(f"{k}:{v}" for k, v in r["tags"].items())) + tuple(const)
    ts = r["timestamp_ns"] // 1_000_000_000 if letter in ("g", "c") else None
    return (r["name"], letter, float(r["value"]), tags, ts)


def dsd_metric(m):
    return (m.name, m.type, m.value, tuple(m.tags), m.timestamp)


def metric_problems(expected_records, got_metrics, const=()):
    want = collections.Counter(expected_dsd_metric(r, const) for r in expected_records)
    got = collections.Counter(dsd_metric(m) for m in got_metrics)
    problems = []
    missing, extra = want - got, got - want
    if missing:
        problems.append(f"{sum(missing.values())} metrics missing or different, e.g. {list(missing)[:3]}")
    if extra:
        problems.append(f"{sum(extra.values())} metrics unexpected or repeated, e.g. {list(extra)[:3]}")
    return problems


def event_title(r):
    service = r["tags"].get("service")
    return f"TraceTail: {r['name']}" + (f" {service}" if service else "")


def expected_dsd_event(r, const=()):
    text = r["text"].replace("\r\n", "\n").replace("\r", "\n").replace("|", "\u00a6")
    tags = tuple(f"{dsd_tag(k)}:{dsd_tag(v)}" for k, v in sorted(r["tags"].items())) + tuple(const)
    return (event_title(r), text, r["timestamp_ns"] // 1_000_000_000, tags)


def dsd_event(e):
    return (e.title, e.text, e.timestamp, tuple(e.tags))


def event_problems(expected_records, got_events, const=()):
    want = collections.Counter(expected_dsd_event(r, const) for r in expected_records)
    got = collections.Counter(dsd_event(e) for e in got_events)
    problems = []
    missing, extra = want - got, got - want
    if missing:
        problems.append(f"events missing or different: {list(missing)[:3]}; got e.g. {list(extra)[:3]}")
    elif extra:
        problems.append(f"events unexpected or repeated: {list(extra)[:3]}")
    for e in got_events:
        header = re.match(rb"_e\{(\d+),(\d+)\}:", e.raw.encode())
        title_bytes = e.title.replace("\n", "\\n").encode()
        text_bytes = e.text.replace("\n", "\\n").encode()
        if not header or (int(header[1]), int(header[2])) != (len(title_bytes), len(text_bytes)):
            problems.append(f"event lengths are not UTF-8 byte counts: {e.raw[:120]!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# The dashboard's metrics
# ---------------------------------------------------------------------------------------------


def dashboard_metric_names():
    """Every metric the shipped dashboard and monitors query (test_dashboards' query reader)."""
    from test_dashboards import DASHBOARD, MONITORS, MONITOR_QUERY, metric_terms, walk

    names = set()
    dashboard = json.loads(DASHBOARD.read_text())
    for _, node in walk(dashboard):
        if node.get("data_source") == "metrics" and isinstance(node.get("query"), str):
            names.update(t["metric"] for t in metric_terms(node["query"]))
    for monitor in json.loads(MONITORS.read_text()):
        m = MONITOR_QUERY.fullmatch(monitor["query"].strip())
        if m:
            names.update(t["metric"] for t in metric_terms(m["expr"]))
    return {n for n in names if n.startswith("cta.")}


def extra_cta_events(path, unicode_event=True):
    """test_dashboards' extra CTA events (so every dashboard metric is emitted) plus, with
    `unicode_event`, one whose summary needs multi-byte UTF-8 and DogStatsD escaping."""
    from test_dashboards import EXTRA_CTA_EVENTS

    events = list(EXTRA_CTA_EVENTS)
    if unicode_event:
        events.append(
            {
                "timestamp": "2026-11-27T10:16:00.000Z",
                "type": "analysis_completed",
                "run_id": "run-2",
                "method": "llm",
                "cause": "db_pool",
                "confidence": 0.5,
                "summary": "Zeit\u00fcberschreitung \u2014 \u8d85\u65f6 \u2713 | a,b #c\nnext line",
            }
        )
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events))
    return path


# ---------------------------------------------------------------------------------------------
# A daemon with the test's own config
# ---------------------------------------------------------------------------------------------


class ConfiguredDaemon(Daemon):
    """conftest's Daemon (start/stop/status/wait_for/records), with `sinks` and the rest of the
    config given by the test. `{out}` in `sinks` is the jsonl path records() reads."""

    def __init__(self, workdir, logdir, sinks, extra="", log_level="debug", env=None):
        super().__init__(workdir, logdir)
        self.log_level = log_level
        self.env = env if env is not None else clean_env()
        self.config.write_text(
            f"""sources:
  - path: {self.logdir}/*.log
    start_at: beginning
state_dir: {self.workdir}/state
checkpoint_interval: 200ms
poll_interval: 50ms
rotate_wait: 2s
correlation: {{ idle_timeout: 1s, allowed_lateness: 1s }}
sinks:
{sinks.replace("{out}", str(self.out))}
control: {{ listen: "127.0.0.1:{self.port}" }}
{extra}"""
        )

    def start(self):
        need_binary()
        self.proc = subprocess.Popen(
            [BIN, "run", "--config", str(self.config), "--log-level", self.log_level],
            cwd="/",
            stdout=open(self.workdir / "stdout.log", "ab"),
            stderr=open(self.stderr, "ab"),
            env=self.env,
        )
        self.wait_for(lambda: self.status() is not None, 30, "control API never answered")
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def sink(self, sink_type):
        rows = [s for s in (self.status() or {}).get("sinks", []) if s["type"] == sink_type]
        return rows[0] if rows else None

    def raw(self, path):
        with urllib.request.urlopen(self.url + path, timeout=5) as r:
            return r.read().decode()


@pytest.fixture
def configured_daemon(tmp_path):
    """make(sinks, extra="", log_level="debug", env=None) -> ConfiguredDaemon (not started)."""
    made = []

    def make(sinks, **kwargs):
        workdir = tmp_path / f"daemon{len(made)}"
        logdir = workdir / "logs"
        logdir.mkdir(parents=True)
        d = ConfiguredDaemon(workdir, logdir, sinks, **kwargs)
        made.append(d)
        return d

    yield make
    for d in made:
        if d.proc is not None:
            d.proc.kill()
            d.proc.wait()


def http(method, url, body=None, timeout=5):
    """(status, text); HTTP errors are answers."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for_spans(agent, n, timeout=15):
    """Every span the test agent has (all sessions), once it has at least n."""
    from datadog_harness import wait_until

    def enough():
        spans = [s for t in agent.all_traces() for s in t]
        return spans if len(spans) >= n else None

    return wait_until(enough, timeout, f"{n} spans at the test agent", interval=0.2)


# ---------------------------------------------------------------------------------------------
# datadog_api payloads
# ---------------------------------------------------------------------------------------------

SERIES_TYPE = {1: "count", 3: "gauge"}


def api_metrics(api):
    """(name, type, value, sorted tags, seconds) of every accepted series and distribution point."""
    out = collections.Counter()
    for s in api.series():
        for p in s["points"]:
            out[(s["metric"], SERIES_TYPE.get(s.get("type")), float(p["value"]), tuple(sorted(s.get("tags", []))), p["timestamp"])] += 1
    for s in api.distribution_points():
        for ts, values in s["points"]:
            for v in values:
                out[(s["metric"], "distribution", float(v), tuple(sorted(s.get("tags", []))), ts)] += 1
    return out


def expected_api_metrics(records, const):
    return collections.Counter(
        (r["name"], r["type"], float(r["value"]), tuple(sorted([f"{k}:{v}" for k, v in r["tags"].items()] + const)), r["timestamp_ns"] // 10**9)
        for r in records
    )
