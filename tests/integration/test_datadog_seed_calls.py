"""The seed's calls (README "The seed's calls, for the CTA agent"): `POST /v1/send/{call}`,
`tracetail send CALL ...` (through a daemon, or `--direct` with no daemon), `GET /v1/enabled` and
`tracetail enabled`. Each call must put exactly the seed's metric names and tag sets on the wire
(plus the sink's `env:` constant), and a bad argument must be refused naming the call and the key.
"""
import json
import math
import subprocess
import time

import pytest

from conftest import BIN
from datadog_harness import free_port, wait_until
from datadog_sink_checks import configured_daemon, http, need_binary  # noqa: F401 (fixture)

ENV = "itest-seed"


def m(name, letter, value, **tags):
    return (name, letter, float(value), tags)


def calls(run):
    """(API call name, JSON body, CLI arguments, expected metrics) per seed call, for run id `run`."""
    before, after = {"error_rate": 0.3, "latency_p95": 900}, {"error_rate": 0.01, "latency_ms": 200}
    svc = "cta-agent"
    return [
        (
            "error_rate",
            {"phase": "before_fix", "error_rate": 0.25, "run_id": run},
            ["send_error_rate_metric", "phase=before_fix", "error_rate=0.25", f"run_id={run}"],
            [m("cta.error_rate", "g", 0.25, phase="before_fix", service=svc, run_id=run)],
        ),
        (
            "send_latency_metric",
            {"phase": "after_fix", "latency_ms": 180, "run_id": run, "service": "nova-api"},
            ["latency", "phase=after_fix", "latency_ms=180", f"run_id={run}", "service=nova-api"],
            [m("cta.latency_ms", "g", 180, phase="after_fix", service="nova-api", run_id=run)],
        ),
        (
            "mttr",
            {"mttr_seconds": 372, "run_id": run, "method": "llm"},
            ["send_mttr_metric", "mttr_seconds=372", f"run_id={run}", "method=llm"],
            [m("cta.mttr_seconds", "g", 372, service=svc, method="llm", run_id=run)],
        ),
        (
            "incident",
            {"event_type": "error_rate_spike", "status": "detected", "run_id": run, "confidence": 0.9123},
            ["incident", "event_type=error_rate_spike", "status=detected", f"run_id={run}", "confidence=0.9123"],
            [m("cta.incidents.detected", "c", 1, incident_type="error_rate_spike", status="detected", run_id=run, confidence="0.91")],
        ),
        (
            "send_canary_metric",
            {"passed": True, "error_rate": 0.01, "latency_p95": 220, "run_id": run},
            ["canary", "passed=true", "error_rate=0.01", "latency_p95=220", f"run_id={run}"],
            [
                m("cta.canary.tests", "c", 1, passed="true", run_id=run),
                m("cta.canary.error_rate", "g", 0.01, passed="true", run_id=run),
                m("cta.canary.latency_p95", "g", 220, passed="true", run_id=run),
            ],
        ),
        (
            "comparison",
            {"before_metrics": before, "after_metrics": after, "run_id": run},
            [
                "send_before_after_comparison",
                "before_metrics.error_rate=0.3",
                "before_metrics.latency_p95=900",
                "after_metrics.error_rate=0.01",
                "after_metrics.latency_ms=200",
                f"run_id={run}",
            ],
            [
                m("cta.error_rate", "g", 0.3, phase="before_fix", service=svc, run_id=run),
                m("cta.error_rate", "g", 0.01, phase="after_fix", service=svc, run_id=run),
                m("cta.latency_ms", "g", 900, phase="before_fix", service=svc, run_id=run),
                m("cta.latency_ms", "g", 200, phase="after_fix", service=svc, run_id=run),
                m("cta.improvement.error_rate", "g", 0.3 - 0.01, service=svc, run_id=run),
                m("cta.improvement.error_rate_pct", "g", (0.3 - 0.01) / 0.3 * 100, service=svc, run_id=run),
                m("cta.improvement.latency_ms", "g", 700, service=svc, run_id=run),
                m("cta.improvement.latency_ms_pct", "g", 700 / 900 * 100, service=svc, run_id=run),
            ],
        ),
    ]


def event_span_body(trace_id, span_id, line_id):
    return {
        "event_data": {
            "LineId": line_id,
            "Level": "INFO",
            "Component": "nova.compute.manager",
            "latency_ms": 250,
            "status": 200,
            "trace_id": trace_id,
            "span_id": span_id,
        },
        "span_type": "log_event",
    }


def metric_mismatch(got, want):
    """'' when `got` (listener metrics) are exactly `want` (names, types, tags in wire order,
    values), else why not."""
    const = [f"env:{ENV}"]

    def wire_tags(tags):
        return tuple(sorted(f"{k}:{v}" for k, v in tags.items())) + tuple(const)

    left = [(n, t, v, wire_tags(tags)) for n, t, v, tags in want]
    rest = list(got)
    for name, letter, value, tags in left:
        match = [
            g for g in rest if (g.name, g.type, tuple(g.tags)) == (name, letter, tags) and math.isclose(g.value, value, rel_tol=1e-9)
        ]
        if not match:
            return f"missing {name}|{letter} {value} {tags}; got {[g.raw for g in got]}"
        rest.remove(match[0])
    if rest:
        return f"unexpected {[g.raw for g in rest]}"
    now = time.time()
    for g in got:
        if g.type in ("g", "c") and (g.timestamp is None or abs(g.timestamp - now) > 120):
            return f"{g.raw}: |T must be the send time in seconds"
    return ""


def new_metrics(listener, before, n):
    listener.wait_for(lambda l: len(l.metrics) >= before + n, 10, f"{n} metrics")
    time.sleep(0.3)  # anything extra would be here by now
    return listener.metrics[before:]


def check_span(agent, trace_id, span_id, line_id):
    def find():
        return [s for t in agent.all_traces() for s in t if s["span_id"] == span_id]

    [span] = wait_until(find, 10, f"event span {span_id}", interval=0.2)
    meta, metrics = span.get("meta", {}), span.get("metrics", {})
    tags = {**meta, **{k: v for k, v in metrics.items()}}
    assert span["trace_id"] == trace_id and span.get("parent_id", 0) == 0, span
    assert "_dd.p.tid" not in meta, "a 64-bit trace id has no high half"
    assert span["service"] == "cta-agent" and span["name"] == "log_event", span
    assert meta.get("env") == ENV, meta
    expected = {"event_id": line_id, "level": "INFO", "component": "nova.compute.manager", "latency_ms": 250, "status": 200, "span_type": "log_event"}
    for key, value in expected.items():
        got = tags.get(key)
        assert got is not None and (str(got) == str(value) or (isinstance(got, float) and got == value)), (key, got, span)
    assert agent.check_failures() == ""


@pytest.fixture
def seed_daemon(configured_daemon, dd_test_agent, dogstatsd):
    d = configured_daemon(
        f"""  - type: datadog_agent
    host: 127.0.0.1
    trace_port: {dd_test_agent.port}
    dogstatsd_port: {dogstatsd.port}
    env: {ENV}
    flush_interval: 50ms"""
    )
    return d.start()


def test_each_seed_call_over_the_control_api(seed_daemon, dd_test_agent, dogstatsd):
    d = seed_daemon
    for call, body, _, want in calls("api-7"):
        before = len(dogstatsd.metrics)
        status, text = http("POST", f"{d.url}/v1/send/{call}", body)
        assert status in (200, 202), (call, status, text)
        got = new_metrics(dogstatsd, before, len(want))
        assert metric_mismatch(got, want) == "", call
    status, text = http("POST", f"{d.url}/v1/send/event_span", event_span_body(1234567890, 1234567891, 1001))
    assert status in (200, 202), (status, text)
    check_span(dd_test_agent, 1234567890, 1234567891, 1001)
    dogstatsd.assert_no_errors()

    enabled = json.loads(d.raw("/v1/enabled"))
    assert enabled["enabled"] is True and enabled["healthy"] is True, enabled
    assert {"datadog_agent.traces", "datadog_agent.dogstatsd"} <= set(enabled["sinks"]), enabled


def test_each_seed_call_through_tracetail_send(seed_daemon, dd_test_agent, dogstatsd):
    d = seed_daemon
    for call, _, args, want in calls("cli-7"):
        before = len(dogstatsd.metrics)
        r = subprocess.run([BIN, "send", *args, "--url", d.url], capture_output=True, text=True, timeout=20)
        assert r.returncode == 0, (args, r.stderr)
        got = new_metrics(dogstatsd, before, len(want))
        assert metric_mismatch(got, want) == "", args
    body = json.dumps(event_span_body(987654321, 987654322, 2002))
    r = subprocess.run([BIN, "send", "create_event_span", "--json", body, "--url", d.url], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    check_span(dd_test_agent, 987654321, 987654322, 2002)
    r = subprocess.run([BIN, "enabled", "--url", d.url], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, (r.stdout, r.stderr)
    dogstatsd.assert_no_errors()


BAD = [
    # (call, JSON body, CLI args, words the message must name)
    ("latency", {"phase": "after_fix", "run_id": "r"}, ["latency", "phase=after_fix", "run_id=r"], ["latency", "latency_ms"]),
    ("mttr", {"mttr_seconds": "soon", "run_id": "r"}, ["mttr", "mttr_seconds=soon", "run_id=r"], ["mttr", "mttr_seconds"]),
    ("canary", {"passed": True, "error_rate": 0.1}, ["canary", "passed=true", "error_rate=0.1"], ["canary", "run_id"]),
    (
        "comparison",
        {"before_metrics": "high", "after_metrics": {"error_rate": 0.1, "latency_ms": 5}, "run_id": "r"},
        ["comparison", "before_metrics=high", "after_metrics.error_rate=0.1", "after_metrics.latency_ms=5", "run_id=r"],
        ["comparison", "before_metrics"],
    ),
    ("no_such_call", {"run_id": "r"}, ["no_such_call", "run_id=r"], ["no_such_call"]),
]


def test_bad_seed_calls_are_refused_naming_the_call_and_key(seed_daemon, dogstatsd):
    d = seed_daemon
    for call, body, args, words in BAD:
        status, text = http("POST", f"{d.url}/v1/send/{call}", body)
        assert status == 400 and all(w in text for w in words), (call, body, status, text)
        r = subprocess.run([BIN, "send", *args, "--url", d.url], capture_output=True, text=True, timeout=20)
        assert r.returncode == 2 and all(w in r.stderr for w in words), (args, r.returncode, r.stderr)
    status, text = http("POST", f"{d.url}/v1/send/error_rate", b"{not json")
    assert status == 400, (status, text)
    time.sleep(0.5)
    assert dogstatsd.metrics == [], "a refused call sends nothing"


def test_enabled_is_false_without_a_network_sink(configured_daemon):
    d = configured_daemon('  - { type: jsonl, path: "{out}" }').start()
    status, text = http("GET", f"{d.url}/v1/enabled")
    assert status == 200 and json.loads(text)["enabled"] is False, text
    r = subprocess.run([BIN, "enabled", "--url", d.url], capture_output=True, text=True, timeout=20)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert d.stop() == 0


def test_send_direct_needs_no_daemon(tmp_path, dd_test_agent, dogstatsd):
    need_binary()
    config = tmp_path / "direct.yaml"
    config.write_text(
        f"""sinks:
  - type: datadog_agent
    host: 127.0.0.1
    trace_port: {dd_test_agent.port}
    dogstatsd_port: {dogstatsd.port}
    env: {ENV}
control: {{ listen: "127.0.0.1:{free_port()}" }}
"""
    )
    _, _, args, want = calls("direct-7")[5]  # comparison: eight metrics from one call
    r = subprocess.run([BIN, "send", *args, "--direct", "--config", str(config)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    got = new_metrics(dogstatsd, 0, len(want))
    assert metric_mismatch(got, want) == ""
    body = json.dumps(event_span_body(55555, 55556, 3003))
    r = subprocess.run(
        [BIN, "send", "event_span", "--json", body, "--direct", "--config", str(config)], capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 0, r.stderr
    check_span(dd_test_agent, 55555, 55556, 3003)
    dogstatsd.assert_no_errors()
