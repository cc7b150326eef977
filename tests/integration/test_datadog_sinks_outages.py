"""`tracetail replay` against Datadog peers that fail: a trace agent that is down, an API that
answers 429 (with Retry-After) and 503 before accepting, and one that refuses a payload with 400.

README "Exporting to Datadog": 408/429/5xx and transport errors are retried with jittered
exponential backoff (Retry-After honoured) up to `max_attempts`; any other 4xx is dropped at once
and counted; the end of a replay drains the sinks, retries bounded by `flush_timeout`; one stderr
line per sink; exit 1 when a sink dropped records.
"""
import collections
import gzip

from datadog_harness import free_port
from datadog_sink_checks import (
    SAMPLES,
    api_metrics,
    clean_env,
    constants,
    expected_api_metrics,
    kinds,
    metric_problems,
    replay,
    summaries,
)


def test_replay_with_the_agent_down_ends_in_time_and_reports_the_drops(tmp_path, dogstatsd):
    closed = free_port()  # nothing listens here
    config = tmp_path / "down.yaml"
    config.write_text(
        f"""sinks:
  - type: datadog_agent
    host: 127.0.0.1
    trace_port: {closed}
    dogstatsd_port: {dogstatsd.port}
    max_attempts: 2
    flush_timeout: 2s
"""
    )
    r, elapsed, records = replay([SAMPLES], config, tmp_path / "out.jsonl", timeout=120)
    by = kinds(records)
    assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
    sums = summaries(r.stderr)
    traces = sums.get("datadog_agent.traces")
    assert traces is not None, r.stderr[-2000:]
    assert traces["target"] == f"http://127.0.0.1:{closed}/v0.4/traces"
    assert traces["delivered"] == 0 and traces["dropped"] == len(by["span"]), traces
    assert sums["datadog_agent.dogstatsd"]["dropped"] == 0, "DogStatsD was up"
    dogstatsd.wait_for(lambda l: len(l.metrics) >= len(by["metric"]), 10, "every metric")
    assert metric_problems(by["metric"], dogstatsd.metrics) == []
    # Reading takes under a second; the drain may wait flush_timeout (2 s), not more.
    assert elapsed < 6, f"replay with the agent down took {elapsed:.1f} s (flush_timeout 2s, max_attempts 2)"


def api_config(tmp_path, api, **keys):
    config = tmp_path / "api.yaml"
    extra = "".join(f"    {k}: {v}\n" for k, v in keys.items())
    config.write_text(f"sinks:\n  - type: datadog_api\n    endpoint: {api.url}\n{extra}")
    return config


def body_of(request):
    return gzip.decompress(request.raw) if request.header("Content-Encoding") == "gzip" else request.raw


def test_api_429_then_503_are_retried_after_retry_after_and_delivered(tmp_path, fake_datadog_api):
    api = fake_datadog_api
    api.script(429, headers={"Retry-After": "1"}, path=api.SERIES)
    api.script(503, path=api.SERIES)
    config = api_config(tmp_path, api)
    r, elapsed, records = replay(
        [SAMPLES / "nova-api.log"], config, tmp_path / "out.jsonl", env=clean_env(DATADOG_API_KEY=api.api_key)
    )
    assert r.returncode == 0, r.stderr[-2000:]
    by = kinds(records)
    sums = summaries(r.stderr)["datadog_api"]
    assert sums["dropped"] == 0 and sums["delivered"] == len(by["metric"]) + len(by["event"]), sums
    assert sums["retries"] >= 2, sums

    series = [q for q in api.requests if q.path == api.SERIES]
    assert [q.status for q in series[:2]] == [429, 503], [(q.status, q.reason) for q in series]
    first = series[0]
    again = [q for q in series[1:] if body_of(q) == body_of(first)]
    assert again, "the payload refused with 429 was never sent again"
    waited = again[0].time - first.time
    assert waited >= 0.95, f"Retry-After: 1 not honoured: sent again after {waited:.2f} s"
    assert any(200 <= q.status < 300 for q in again), [(q.status, q.reason) for q in again]
    assert elapsed >= 1.0

    got, want = api_metrics(api), expected_api_metrics(by["metric"], [])
    assert got == want, (list(want - got)[:3], list(got - want)[:3])


def test_api_400_drops_the_payload_at_once_and_counts_it(tmp_path, fake_datadog_api):
    api = fake_datadog_api
    api.script(400, path=api.EVENTS, body={"errors": ["scripted: refused"]})
    config = api_config(tmp_path, api)
    r, elapsed, records = replay([SAMPLES], config, tmp_path / "out.jsonl", env=clean_env(DATADOG_API_KEY=api.api_key))
    assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
    by = kinds(records)
    sums = summaries(r.stderr)["datadog_api"]
    assert sums["dropped"] == 1, sums  # one event per request
    assert sums["retries"] == 0, sums
    assert sums["delivered"] == len(by["metric"]) + len(by["event"]) - 1, sums

    events = [q for q in api.requests if q.path == api.EVENTS]
    refused = [q for q in events if q.status == 400]
    assert len(refused) == 1, [(q.status, q.reason) for q in events]
    same = [q for q in api.requests if body_of(q) == body_of(refused[0])]
    assert len(same) == 1, "a payload refused with 400 must not be sent again"
    assert len(api.events()) == len(by["event"]) - 1
    assert collections.Counter(q.status for q in api.requests if q.path != api.EVENTS) == collections.Counter(
        {202: len([q for q in api.requests if q.path != api.EVENTS])}
    )
    assert api_metrics(api) == expected_api_metrics(by["metric"], constants())
