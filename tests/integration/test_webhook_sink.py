"""The `webhook` sink, from `tracetail replay`, into a local HTTP receiver.

README "Prometheus and webhooks": one POST (Content-Type application/json) per
`incident_detected`, `incident_resolved`, `fix_promoted` and `fix_rollback` event, as a Slack
incoming-webhook body, a PagerDuty Events API v2 event (an incident triggers and its resolution
resolves one `dedup_key`) or the plain jsonl event record; 408/429/5xx retried (Retry-After
honoured), other 4xx dropped and reported (exit 1); the URL shown only as scheme and host.

The replay reads `samples/` plus a second CTA run that fails its canary and is rolled back, so
every notable event occurs. Its `--output jsonl` events are what the receiver must get.
"""
import collections
import datetime
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import BIN, REPO
from datadog_harness import free_port, wait_until

NOTABLE = ("incident_detected", "incident_resolved", "fix_promoted", "fix_rollback")
SECRET_PATH = "/hook/T0PSECRET-path-B8x2/services"
SECRET_QUERY = "token=s3cr3t-Query-7f4e"
ROUTING_KEY = "R0UTING-key-0123456789abcdef"

# A second CTA run after the samples end (10:20): a failed canary and a rollback.
ROLLBACK_RUN = [
    {"timestamp": "2026-11-27T10:25:00.000Z", "type": "analysis_started", "run_id": "run-2", "service": "nova-api"},
    {"timestamp": "2026-11-27T10:25:05.000Z", "type": "patch_applied", "run_id": "run-2", "adapter": "oslo_config"},
    {"timestamp": "2026-11-27T10:26:05.000Z", "type": "canary_test", "run_id": "run-2", "passed": False},
    {"timestamp": "2026-11-27T10:26:10.000Z", "type": "fix_rollback", "run_id": "run-2", "error_rate": 0.2, "latency_p95": 900},
]

SLACK_COLOURS = {"incident_detected": "danger", "incident_resolved": "good", "fix_promoted": "good", "fix_rollback": "warning"}
PAGERDUTY_SEVERITIES = {"incident_detected": "error", "incident_resolved": "info", "fix_promoted": "info", "fix_rollback": "warning"}
SUMMARY = re.compile(
    r"sink webhook → (?P<target>\S+): (?P<delivered>\d+) delivered in (?P<payloads>\d+) payloads?, "
    r"(?P<retries>\d+) retr(?:y|ies), (?P<dropped>\d+) dropped"
)


class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers from a script
    (`answers`: (status, headers) for the next requests, in order; 200 once it is empty)."""

    def __init__(self):
        self.requests = []
        self.answers = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status, headers = receiver.answers.pop(0) if receiver.answers else (200, {})
                    receiver.requests.append(
                        {
                            "method": "POST",
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                            "status": status,
                            "time": time.monotonic(),
                        }
                    )
                reply = b"ok" if status < 300 else b'{"error":"scripted"}'
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}{SECRET_PATH}?{SECRET_QUERY}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def script(self, *answers):
        with self.lock:
            self.answers.extend(answers)

    def bodies(self, status=None):
        with self.lock:
            return [json.loads(q["body"]) for q in self.requests if status is None or q["status"] == status]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


@pytest.fixture(scope="module")
def rollback_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("cta-run-2") / "cta-run-2.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in ROLLBACK_RUN))
    return path


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "PAGERDUTY_ROUTING_KEY"}
    env.update(extra)
    return env


def replay(tmp_path, inputs, sink, env=None, timeout=120):
    """`tracetail replay INPUTS --config (webhook sink) --output jsonl`: (process, seconds, events)."""
    if not os.access(BIN, os.X_OK):
        pytest.fail(f"no tracetail binary at {BIN}: build it (swift build) or set TRACETAIL_BIN")
    config = tmp_path / "webhook.yaml"
    config.write_text("sinks:\n  - " + json.dumps(sink) + "\n")  # JSON is YAML
    started = time.monotonic()
    r = subprocess.run(
        [BIN, "replay", *map(str, inputs), "--config", str(config), "--output", "jsonl", "--no-progress"],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or clean_env(),
        cwd="/",
    )
    elapsed = time.monotonic() - started
    events = [e for e in map(json.loads, r.stdout.splitlines()) if e["kind"] == "event" and e["name"] in NOTABLE]
    return r, elapsed, events


def summary(stderr):
    [m] = SUMMARY.finditer(stderr)
    d = m.groupdict()
    return {k: (v if k == "target" else int(v)) for k, v in d.items()}


def freeze(value):
    return json.dumps(value, sort_keys=True)


def assert_no_secret(receiver, *texts):
    for text in texts:
        assert SECRET_PATH not in text and "T0PSECRET" not in text, text[-2000:]
        assert SECRET_QUERY not in text and "s3cr3t" not in text, text[-2000:]
        assert ROUTING_KEY not in text, text[-2000:]
    assert f"http://127.0.0.1:{receiver.port}/…" in texts[0], texts[0][-2000:]


def assert_posted_as_json(receiver):
    with receiver.lock:
        requests = list(receiver.requests)
    assert requests
    for q in requests:
        assert q["method"] == "POST"
        assert q["path"] == f"{SECRET_PATH}?{SECRET_QUERY}", "the URL is used whole"
        assert q["headers"]["content-type"].split(";")[0].strip() == "application/json", q["headers"]


def test_json_bodies_are_the_event_records_each_once(tmp_path, receiver, rollback_run):
    r, _, events = replay(tmp_path, [REPO / "samples", rollback_run], {"type": "webhook", "url": receiver.url, "format": "json"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert {e["name"] for e in events} == set(NOTABLE), "the replay has every notable event"
    assert_posted_as_json(receiver)
    got = collections.Counter(freeze(b) for b in receiver.bodies())
    want = collections.Counter(freeze(e) for e in events)
    assert got == want
    for body in receiver.bodies():
        assert set(body) >= {"kind", "name", "timestamp_ns", "tags", "text"} and body["kind"] == "event"
    s = summary(r.stderr)
    assert s["delivered"] == len(events) and s["dropped"] == 0 and s["retries"] == 0, s
    assert_no_secret(receiver, r.stderr, r.stdout)


def test_slack_bodies(tmp_path, receiver, rollback_run):
    r, _, events = replay(tmp_path, [REPO / "samples", rollback_run], {"type": "webhook", "url": receiver.url, "format": "slack"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert_posted_as_json(receiver)
    bodies = receiver.bodies()
    assert len(bodies) == len(events)

    def expected(e):
        tags = e["tags"]
        service = f" {tags['service']}" if "service" in tags else ""
        return {
            "text": f"TraceTail: {e['name']}{service} (run {tags['run_id']})",
            "attachments": [
                {
                    "color": SLACK_COLOURS[e["name"]],
                    "text": e["text"],
                    "ts": e["timestamp_ns"] // 1_000_000_000,
                    "fields": sorted(
                        ({"title": k, "value": v, "short": True} for k, v in tags.items()), key=lambda f: f["title"]
                    ),
                }
            ],
        }

    for b in bodies:
        b["attachments"][0]["fields"].sort(key=lambda f: f["title"])
    assert collections.Counter(map(freeze, bodies)) == collections.Counter(freeze(expected(e)) for e in events)
    assert {b["attachments"][0]["color"] for b in bodies} == {"danger", "good", "warning"}
    assert_no_secret(receiver, r.stderr, r.stdout)


def iso_of(timestamp_ns):
    t = datetime.datetime.fromtimestamp(timestamp_ns // 1_000_000_000, datetime.timezone.utc)
    return t.replace(microsecond=(timestamp_ns % 1_000_000_000) // 1000)


def test_pagerduty_events_trigger_and_resolve_one_dedup_key(tmp_path, receiver, rollback_run):
    sink = {"type": "webhook", "url": receiver.url, "format": "pagerduty", "routing_key": ROUTING_KEY}
    r, _, events = replay(tmp_path, [REPO / "samples", rollback_run], sink)
    assert r.returncode == 0, r.stderr[-3000:]
    assert_posted_as_json(receiver)
    bodies = receiver.bodies()
    assert len(bodies) == len(events)
    for b in bodies:
        assert b["routing_key"] == ROUTING_KEY
        assert set(b) <= {"routing_key", "event_action", "dedup_key", "payload", "client", "client_url", "links", "images"}
        p = b["payload"]
        assert set(p) >= {"summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"}
        assert p["severity"] in ("critical", "error", "warning", "info")
        assert isinstance(p["summary"], str) and 0 < len(p["summary"]) <= 1024
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", p["timestamp"]), p["timestamp"]
        assert isinstance(b["dedup_key"], str) and 0 < len(b["dedup_key"]) <= 255
    # Each event becomes one PagerDuty event with its severity, time and tags.
    unmatched = list(bodies)
    for e in events:
        p_want = {
            "severity": PAGERDUTY_SEVERITIES[e["name"]],
            "class": e["name"],
            "custom_details": e["tags"],
        }
        match = [
            b
            for b in unmatched
            if all(b["payload"][k] == v for k, v in p_want.items())
            and datetime.datetime.fromisoformat(b["payload"]["timestamp"].replace("Z", "+00:00")) == iso_of(e["timestamp_ns"])
            and e["text"] in b["payload"]["summary"]
        ]
        assert len(match) == 1, (e, unmatched)
        b = match[0]
        unmatched.remove(b)
        assert b["event_action"] == ("resolve" if e["name"] == "incident_resolved" else "trigger"), (e, b)
        if "service" in e["tags"]:
            assert b["payload"]["source"] == e["tags"]["service"]
        if e["name"].startswith("incident_"):
            assert b["dedup_key"] == f"tracetail/{e['tags']['service']}/{e['tags']['incident_type']}"
    assert unmatched == []
    # TraceTail's own incident: the trigger and then the resolve of one dedup key.
    ours = [b for b in bodies if b["payload"]["custom_details"].get("source") == "tracetail"]
    assert [b["event_action"] for b in ours] == ["trigger", "resolve"]
    assert ours[0]["dedup_key"] == ours[1]["dedup_key"] == "tracetail/nova-api/error_rate"
    assert_no_secret(receiver, r.stderr, r.stdout)


def test_pagerduty_routing_key_from_the_environment(tmp_path, receiver):
    sink = {"type": "webhook", "url": receiver.url, "format": "pagerduty"}
    r, _, events = replay(tmp_path, [REPO / "samples"], sink, env=clean_env(PAGERDUTY_ROUTING_KEY=ROUTING_KEY))
    assert r.returncode == 0, r.stderr[-3000:]
    assert events and [b["routing_key"] for b in receiver.bodies()] == [ROUTING_KEY] * len(events)
    assert_no_secret(receiver, r.stderr, r.stdout)


def test_pagerduty_without_a_routing_key_is_refused(tmp_path, receiver):
    sink = {"type": "webhook", "url": receiver.url, "format": "pagerduty"}
    r, _, _ = replay(tmp_path, [REPO / "samples"], sink)
    assert r.returncode == 2, (r.returncode, r.stderr[-3000:])
    assert "routing_key" in r.stderr and "PAGERDUTY_ROUTING_KEY" in r.stderr, r.stderr[-3000:]
    assert receiver.bodies() == []
    assert SECRET_PATH not in r.stderr and "s3cr3t" not in r.stderr


def test_503_then_200_is_retried_after_retry_after_and_delivered_once(tmp_path, receiver):
    receiver.script((503, {"Retry-After": "1"}))
    r, _, events = replay(tmp_path, [REPO / "samples"], {"type": "webhook", "url": receiver.url, "format": "json"})
    assert r.returncode == 0, r.stderr[-3000:]
    with receiver.lock:
        requests = list(receiver.requests)
    assert requests[0]["status"] == 503
    refused = json.loads(requests[0]["body"])
    # The refused body comes again, no sooner than Retry-After says.
    again = [q for q in requests[1:] if json.loads(q["body"]) == refused]
    assert len(again) == 1 and again[0]["status"] == 200
    assert again[0]["time"] - requests[0]["time"] >= 0.9, again[0]["time"] - requests[0]["time"]
    delivered = collections.Counter(freeze(b) for b in receiver.bodies(status=200))
    assert delivered == collections.Counter(freeze(e) for e in events), "each event delivered exactly once"
    s = summary(r.stderr)
    assert s["delivered"] == len(events) and s["retries"] >= 1 and s["dropped"] == 0, s
    assert_no_secret(receiver, r.stderr, r.stdout)


@pytest.mark.parametrize("status", [429, 500, 408])
def test_other_retryable_statuses_are_retried(tmp_path, receiver, status):
    receiver.script((status, {}), (status, {}))
    r, elapsed, events = replay(tmp_path, [REPO / "samples"], {"type": "webhook", "url": receiver.url, "format": "json"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert [q["status"] for q in receiver.requests[:2]] == [status, status]
    delivered = collections.Counter(freeze(b) for b in receiver.bodies(status=200))
    assert delivered == collections.Counter(freeze(e) for e in events)
    assert summary(r.stderr)["retries"] >= 2
    assert elapsed < 60


def test_400_is_dropped_once_and_reported(tmp_path, receiver):
    receiver.script(*[(400, {})] * 50)
    r, elapsed, events = replay(tmp_path, [REPO / "samples"], {"type": "webhook", "url": receiver.url, "format": "json"})
    assert r.returncode == 1, (r.returncode, r.stderr[-3000:])
    assert events
    bodies = receiver.bodies()
    # Each event tried once, never again.
    assert collections.Counter(map(freeze, bodies)) == collections.Counter(freeze(e) for e in events)
    s = summary(r.stderr)
    assert s["dropped"] == len(events) and s["delivered"] == 0 and s["retries"] == 0, s
    assert "dropped" in r.stderr
    assert elapsed < 30
    assert_no_secret(receiver, r.stderr, r.stdout)


def test_a_receiver_that_is_down_is_reported_without_the_url(tmp_path):
    closed = free_port()
    url = f"http://127.0.0.1:{closed}{SECRET_PATH}?{SECRET_QUERY}"
    sink = {"type": "webhook", "url": url, "format": "slack", "max_attempts": 2, "flush_timeout": "3s"}
    r, elapsed, events = replay(tmp_path, [REPO / "samples"], sink)
    assert r.returncode == 1, (r.returncode, r.stderr[-3000:])
    s = summary(r.stderr)
    assert s["target"] == f"http://127.0.0.1:{closed}/…" and s["dropped"] == len(events) > 0, s
    assert SECRET_PATH not in r.stderr and "T0PSECRET" not in r.stderr and "s3cr3t" not in r.stderr, r.stderr[-3000:]
    assert elapsed < 30


def test_run_posts_the_same_bodies_as_replay(tmp_path, receiver):
    """`tracetail run` following a copy of the samples from the beginning sends what replay sends."""
    # What replay sends (to a port where nobody listens; only its --output events are used).
    nobody = {"type": "webhook", "url": f"http://127.0.0.1:{free_port()}/", "format": "json", "max_attempts": 1, "flush_timeout": "1s"}
    _, _, events = replay(tmp_path, [REPO / "samples"], nobody)
    assert events
    logs = tmp_path / "logs"
    logs.mkdir()
    for p in list((REPO / "samples").glob("*.log")) + list((REPO / "samples").glob("*.jsonl")):
        shutil.copy(p, logs / p.name)
    control = free_port()
    config = tmp_path / "run.yaml"
    config.write_text(
        f"""sources:
  - {{ path: "{logs}/*.log", start_at: beginning }}
  - {{ path: "{logs}/*.jsonl", format: cta_events, start_at: beginning }}
state_dir: {tmp_path}/state
sinks:
  - {json.dumps({"type": "webhook", "url": receiver.url, "format": "json"})}
control: {{ listen: "127.0.0.1:{control}" }}
"""
    )
    stderr = tmp_path / "run.stderr"
    proc = subprocess.Popen(
        [BIN, "run", "--config", str(config), "--log-level", "trace"],
        cwd="/",
        stdout=subprocess.DEVNULL,
        stderr=open(stderr, "wb"),
        env=clean_env(),
    )
    try:
        wait_until(
            lambda: len(receiver.bodies()) >= len(events) or proc.poll() is not None, 60, "the run's webhooks", interval=0.1
        )
        time.sleep(1)  # anything sent twice would arrive by now
        with urllib.request.urlopen(f"http://127.0.0.1:{control}/status", timeout=5) as s:
            status = s.read().decode()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, stderr.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert collections.Counter(freeze(b) for b in receiver.bodies()) == collections.Counter(freeze(e) for e in events)
    [sink] = [x for x in json.loads(status)["sinks"] if x["type"] == "webhook"]
    assert sink["target"] == f"http://127.0.0.1:{receiver.port}/…"
    assert sink["delivery"]["delivered"] == len(events) and sink["delivery"]["dropped_undeliverable"] == 0
    log = stderr.read_text()  # at trace level
    for text in (log, status, json.dumps(json.loads(status))):
        assert "T0PSECRET" not in text and "s3cr3t" not in text, text[-2000:]
