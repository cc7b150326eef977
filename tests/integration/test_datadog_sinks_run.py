"""`tracetail run` with the Datadog sinks: records reach the peers while it runs, a clean stop
leaves nothing behind, an outage or a slow API never holds the tailer back, and the API key never
shows in logs or status.

Every daemon also has a `jsonl` sink: its file is the exact set of records the daemon emitted,
which is what must have reached the peers (open spans stay in the checkpoint at shutdown).
"""
import json
import shutil
import subprocess
import time

from conftest import BIN, request_id, wsgi_line
from datadog_harness import free_port, wait_until
from datadog_sink_checks import (
    SAMPLES,
    configured_daemon,  # noqa: F401 (fixture)
    constants,
    event_problems,
    kinds,
    metric_problems,
    span_problems,
    wait_for_spans,
)

ENV = "itest-run"


def append(path, first, count):
    with open(path, "a") as f:
        for n in range(first, first + count):
            f.write(wsgi_line(n))


def ids_of(d):
    return set(d.ids())


def test_run_sends_what_it_emits_to_the_agent_and_stops_clean(configured_daemon, dd_test_agent, dogstatsd):
    d = configured_daemon(
        f"""  - type: datadog_agent
    host: 127.0.0.1
    trace_port: {dd_test_agent.port}
    dogstatsd_port: {dogstatsd.port}
    env: {ENV}
  - {{ type: jsonl, path: "{{out}}" }}"""
    )
    lines = 0
    for log in sorted(SAMPLES.glob("*.log")):
        shutil.copy(log, d.logdir / log.name)
        lines += sum(1 for _ in open(log, "rb"))
    d.start()
    # While it runs, spans and metrics are already at the peers.
    wait_until(lambda: len(dd_test_agent.all_traces()) > 0, 30, "spans at the agent while running", interval=0.2)
    dogstatsd.wait_for(lambda l: len(l.metrics) > 0, 30, "metrics at DogStatsD while running")
    assert d.proc.poll() is None

    # Quiet: every line read, the jsonl no longer growing, the queues empty.
    d.wait_for(lambda: d.status()["pipeline"]["lines_processed"] >= lines, 60, "lines never all processed")
    last = [-1, time.monotonic()]

    def settled():
        n = len(d.records())
        if n != last[0]:
            last[:] = [n, time.monotonic()]
        return time.monotonic() - last[1] > 1.5

    d.wait_for(settled, 60, "the jsonl output never settled")
    by = kinds(d.records())
    status = d.status()
    traces, dsd = d.sink("datadog_agent.traces"), d.sink("datadog_agent.dogstatsd")
    assert traces is not None and dsd is not None, status["sinks"]
    assert traces["target"] == f"{dd_test_agent.url}/v0.4/traces"
    assert traces["delivery"]["accepted"] == len(by["span"]), traces
    assert dsd["delivery"]["accepted"] == len(by["metric"]) + len(by["event"]), dsd
    d.wait_for(
        lambda: d.sink("datadog_agent.traces")["delivery"]["delivered"] == len(by["span"])
        and d.sink("datadog_agent.dogstatsd")["delivery"]["delivered"] == len(by["metric"]) + len(by["event"]),
        15,
        "queued records were never delivered",
    )
    for row in (d.sink("datadog_agent.traces"), d.sink("datadog_agent.dogstatsd")):
        assert row["healthy"] is True, row
        assert row["delivery"]["dropped_queue_full"] == row["delivery"]["dropped_undeliverable"] == 0, row

    assert d.stop() == 0
    by = kinds(d.records())
    assert len(by["span"]) > 1000 and len(by["metric"]) > 1000
    agent_spans = wait_for_spans(dd_test_agent, len(by["span"]))
    assert span_problems(by["span"], agent_spans, env=ENV) == []
    assert dd_test_agent.check_failures() == ""
    dogstatsd.wait_for(lambda l: len(l.messages) >= len(by["metric"]) + len(by["event"]), 10, "every metric and event")
    dogstatsd.assert_no_errors()
    assert metric_problems(by["metric"], dogstatsd.metrics, constants(ENV)) == []
    assert event_problems(by["event"], dogstatsd.events, constants(ENV)) == []


def test_run_keeps_tailing_while_the_agent_is_down(configured_daemon, dogstatsd):
    closed = free_port()  # nothing listens here
    d = configured_daemon(
        f"""  - type: datadog_agent
    host: 127.0.0.1
    trace_port: {closed}
    dogstatsd_port: {dogstatsd.port}
    max_attempts: 2
    timeout: 1s
    flush_timeout: 1s
  - {{ type: jsonl, path: "{{out}}" }}"""
    )
    log = d.logdir / "nova-api.log"
    append(log, 0, 50)
    d.start()
    d.wait_for(lambda: ids_of(d) >= {request_id(n) for n in range(50)}, 30, "first spans never reached the jsonl")

    def down():
        row = d.sink("datadog_agent.traces")
        return row and not row["healthy"] and row["delivery"]["retries"] >= 1 and row["delivery"]["dropped_undeliverable"] >= 1

    d.wait_for(down, 20, "the trace sink never showed the outage in /status")
    row = d.sink("datadog_agent.traces")
    assert row["target"] == f"http://127.0.0.1:{closed}/v0.4/traces"
    assert row["delivery"]["delivered"] == 0 and row["last_error"], row
    assert row["delivery"].get("last_error_at"), row
    enabled = json.loads(d.raw("/v1/enabled"))
    assert enabled["enabled"] is True and enabled["healthy"] is False, enabled

    # Still tailing: more lines reach the jsonl sink, twice over.
    for first in (50, 100):
        before = len(d.records())
        append(log, first, 50)
        d.wait_for(
            lambda: ids_of(d) >= {request_id(n) for n in range(first, first + 50)},
            15,
            f"lines {first}.. never reached the jsonl while the agent was down",
        )
        assert len(d.records()) > before
    # Metrics still flow to DogStatsD, which is up.
    dogstatsd.wait_for(lambda l: len(l.metrics) > 0, 10, "metrics at DogStatsD")
    started = time.monotonic()
    assert d.stop(timeout=30) == 0
    assert time.monotonic() - started < 10, "a stop with the agent down is bounded by flush_timeout"


def test_run_tails_at_full_speed_while_the_api_is_slow(configured_daemon, fake_datadog_api):
    api = fake_datadog_api
    api.delay = 3.0  # every answer takes 3 s
    d = configured_daemon(
        f"""  - type: datadog_api
    endpoint: {api.url}
    api_key: {api.api_key}
    flush_timeout: 1s
  - {{ type: jsonl, path: "{{out}}" }}"""
    )
    log = d.logdir / "nova-api.log"
    log.touch()
    d.start()
    latencies = []
    for first in (0, 100, 200):
        append(log, first, 100)
        t0 = time.monotonic()
        d.wait_for(
            lambda: ids_of(d) >= {request_id(n) for n in range(first, first + 100)},
            20,
            f"lines {first}.. never reached the jsonl",
        )
        latencies.append(time.monotonic() - t0)
        time.sleep(0.5)
    # The API was being talked to (and slowly) meanwhile.
    assert len(api.requests) >= 1
    # idle_timeout + allowed_lateness (2 s) is the floor; the slow API must add nothing to it.
    assert max(latencies) < 5, f"tailing slowed down by a slow API: {latencies}"
    started = time.monotonic()
    code = d.stop(timeout=60)
    stopping = time.monotonic() - started
    assert code == 0
    # flush_timeout (1 s) plus the one answer in flight (3 s), with slack: not every queued payload.
    assert stopping < 8, f"a stop with a slow API took {stopping:.1f} s"


def test_api_key_never_shows_in_logs_or_status(configured_daemon, fake_datadog_api):
    api = fake_datadog_api
    api.script(503, path=api.DISTRIBUTIONS)  # a retry, logged
    api.script(400, path=api.DISTRIBUTIONS, body={"errors": ["scripted refusal"]})  # a drop, logged
    d = configured_daemon(
        f"""  - type: datadog_api
    endpoint: {api.url}
    api_key: {api.api_key}
    flush_interval: 50ms
  - {{ type: jsonl, path: "{{out}}" }}""",
        log_level="trace",
    )
    append(d.logdir / "nova-api.log", 0, 40)
    d.start()
    d.wait_for(lambda: len(d.ids()) >= 40, 30, "spans never came out")
    api.wait_for(lambda a: len([q for q in a.requests if q.path == a.DISTRIBUTIONS]) >= 2, 20, "2 distribution requests")
    append(d.logdir / "nova-api.log", 40, 40)
    api.wait_for(lambda a: a.distribution_points(), 20, "an accepted distribution request")
    d.wait_for(lambda: (d.sink("datadog_api") or {}).get("delivery", {}).get("retries", 0) >= 1, 10, "a retry in /status")
    assert all(q.header("DD-API-KEY") == api.api_key for q in api.requests)
    texts = {
        "/status": d.raw("/status"),
        "/v1/enabled": d.raw("/v1/enabled"),
        "tracetail status": subprocess.run(
            [BIN, "status", "--url", d.url], capture_output=True, text=True, timeout=10
        ).stdout,
    }
    assert json.loads(texts["/status"])["configured"]["datadog_api_key"] == "present"
    assert d.stop() == 0
    texts["stderr (trace)"] = d.stderr.read_text()
    texts["stdout"] = (d.workdir / "stdout.log").read_text()
    texts["checkpoint"] = "".join(p.read_text(errors="replace") for p in (d.workdir / "state").glob("*"))
    assert len(texts["stderr (trace)"].splitlines()) > 10, "trace logging was on"
    leaks = [where for where, text in texts.items() if api.api_key in text]
    assert leaks == [], f"the API key shows in {leaks}"
