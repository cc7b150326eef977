"""`tracetail replay` into the Datadog sinks, checked by Datadog's own peers.

* `datadog_agent` → ddapm-test-agent (spans) and a strict DogStatsD listener (metrics, events),
  over UDP and over the Unix socket: every jsonl record of the same replay arrives exactly once,
  unchanged, and everything the dashboard queries is there.
* `datadog_api` → FakeDatadogAPI, which accepts only bodies the datadog-api-client models take:
  every gauge, count, distribution value and event of the jsonl arrives; the API key is never
  printed.
"""
import collections

import pytest

from datadog_sink_checks import (
    SAMPLES,
    api_metrics,
    expected_api_metrics,
    clean_env,
    constants,
    dashboard_metric_names,
    event_problems,
    extra_cta_events,
    kinds,
    metric_problems,
    replay,
    span_problems,
    summaries,
    wait_for_spans,
)

ENV, VERSION = "itest", "9.9.9"


def agent_config(tmp_path, agent, listener, transport):
    socket_line = f"    dogstatsd_socket: {listener.uds_path}\n" if transport == "uds" else ""
    config = tmp_path / "datadog.yaml"
    config.write_text(
        f"""sinks:
  - type: datadog_agent
    host: 127.0.0.1
    trace_port: {agent.port}
    dogstatsd_port: {listener.port}
{socket_line}    env: {ENV}
    version: "{VERSION}"
"""
    )
    return config


@pytest.mark.parametrize("transport", ["udp", "uds"])
def test_replay_reaches_the_trace_agent_and_dogstatsd_unchanged(tmp_path, dd_test_agent, dogstatsd, transport):
    config = agent_config(tmp_path, dd_test_agent, dogstatsd, transport)
    extra = extra_cta_events(tmp_path / "cta-extra.jsonl")
    r, elapsed, records = replay([SAMPLES, extra], config, tmp_path / "spans.jsonl")
    assert r.returncode == 0, r.stderr[-3000:]
    by = kinds(records)
    spans, metrics, events = by["span"], by["metric"], by["event"]
    assert len(spans) > 3000 and len(metrics) > 8000 and len(events) > 10

    # The per-sink summary: everything delivered, nothing dropped.
    sums = summaries(r.stderr)
    assert set(sums) == {"datadog_agent.traces", "datadog_agent.dogstatsd"}, r.stderr[-2000:]
    assert sums["datadog_agent.traces"]["target"] == f"{dd_test_agent.url}/v0.4/traces"
    assert sums["datadog_agent.traces"]["delivered"] == len(spans)
    assert sums["datadog_agent.dogstatsd"]["delivered"] == len(metrics) + len(events)
    assert all(s["dropped"] == 0 for s in sums.values()), sums
    if transport == "uds":
        assert dogstatsd.uds_path in sums["datadog_agent.dogstatsd"]["target"]

    # Spans: each exactly once, same ids (low 64 bits + _dd.p.tid), parent, fields.
    agent_spans = wait_for_spans(dd_test_agent, len(spans))
    assert span_problems(spans, agent_spans, env=ENV, version=VERSION) == []
    assert dd_test_agent.check_failures() == ""

    # DogStatsD: strict grammar, sizes, transport; metrics and events unchanged.
    dogstatsd.wait_for(lambda l: len(l.messages) >= len(metrics) + len(events), 15, "every metric and event")
    dogstatsd.assert_no_errors()
    transports = collections.Counter(t for t, _ in dogstatsd.datagrams)
    assert set(transports) == {transport}, f"dogstatsd_socket must win over UDP: {transports}"
    limit = 1432 if transport == "udp" else 8192
    assert max(len(d) for _, d in dogstatsd.datagrams) <= limit
    const = constants(ENV, VERSION)
    assert metric_problems(metrics, dogstatsd.metrics, const) == []
    assert event_problems(events, dogstatsd.events, const) == []
    assert any(len(e.raw.encode()) != len(e.raw) for e in dogstatsd.events), "a multi-byte event was sent"

    # Everything the dashboard and monitors query is there.
    missing = dashboard_metric_names() - {m.name for m in dogstatsd.metrics}
    assert not missing, f"dashboard metrics that never arrived: {sorted(missing)}"


# ---------------------------------------------------------------------------------------------
# datadog_api
# ---------------------------------------------------------------------------------------------

def test_replay_reaches_the_datadog_api_valid_and_complete(tmp_path, fake_datadog_api):
    api = fake_datadog_api
    config = tmp_path / "api.yaml"
    config.write_text(
        f"""sinks:
  - type: datadog_api
    endpoint: {api.url}
    hostname: itest-host
    env: {ENV}
    version: "{VERSION}"
"""
    )
    extra = extra_cta_events(tmp_path / "cta-extra.jsonl", unicode_event=False)
    env = clean_env(DATADOG_API_KEY=api.api_key)
    r, _, records = replay([SAMPLES, extra], config, tmp_path / "api.jsonl", env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    by = kinds(records)
    metrics, events = by["metric"], by["event"]

    rejected = [(q.path, q.status, q.reason[:300]) for q in api.requests if not 200 <= q.status < 300]
    assert rejected == [], rejected
    assert {q.path for q in api.requests} == {api.SERIES, api.DISTRIBUTIONS, api.EVENTS}
    for q in api.requests:
        assert q.header("Content-Encoding") == "gzip" and q.header("DD-API-KEY") == api.api_key

    sums = summaries(r.stderr)
    assert list(sums) == ["datadog_api"], r.stderr[-2000:]
    assert sums["datadog_api"]["delivered"] == len(metrics) + len(events)
    assert sums["datadog_api"]["dropped"] == 0
    assert sums["datadog_api"]["payloads"] == len(api.requests)

    const = constants(ENV, VERSION)
    want = expected_api_metrics(metrics, const)
    got = api_metrics(api)
    assert want - got == collections.Counter(), f"missing: {list(want - got)[:3]}"
    assert got - want == collections.Counter(), f"unexpected: {list(got - want)[:3]}"
    for s in api.series():
        assert s.get("resources") == [{"name": "itest-host", "type": "host"}], s.get("resources")

    got_events = collections.Counter(
        (e["title"], e["text"], e["date_happened"], tuple(sorted(e.get("tags", []))), e.get("host")) for e in api.events()
    )
    want_events = collections.Counter(
        (
            "TraceTail: " + r["name"] + (" " + r["tags"]["service"] if r["tags"].get("service") else ""),
            r["text"],
            r["timestamp_ns"] // 10**9,
            tuple(sorted([f"{k}:{v}" for k, v in r["tags"].items()] + const)),
            "itest-host",
        )
        for r in events
    )
    assert got_events == want_events, (list(want_events - got_events)[:2], list(got_events - want_events)[:2])

    # The key went in the header only.
    assert api.api_key not in r.stdout + r.stderr
