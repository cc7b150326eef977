"""Process-level tests of `tracetail run`: real files, real logrotate, real signals.

The binary is the debug build the README's test command makes (`swift build`); set
TRACETAIL_BIN to test another one. Every daemon listens on 127.0.0.1 only and every test
bounds its run time.
"""
import json
import os
import pathlib
import signal
import socket
import subprocess
import time
import uuid

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("TRACETAIL_BIN", str(REPO / ".build" / "debug" / "tracetail"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_id(n):
    """A deterministic req-UUID carrying the sequence number n (last 12 hex digits)."""
    return "req-%s" % uuid.UUID("00000000-0000-4000-8000-%012x" % n)


def wsgi_line(n, t=None):
    """One nova-api request line (a one-line request span) for sequence number n."""
    t = time.time() if t is None else t
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + ".%03d" % int((t % 1) * 1000)
    return (
        '%s 2931 INFO nova.osapi_compute.wsgi.server [%s 113d3a99c3da401fbd62cc2caa5b96d2 '
        '54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 "GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail '
        'HTTP/1.1" status: 200 len: 1893 time: 0.2477829\n' % (stamp, request_id(n))
    )


class Daemon:
    """A `tracetail run` process with its own config, state dir and jsonl output."""

    def __init__(self, workdir, logdir, checkpoint_interval="200ms", extra=""):
        self.workdir = pathlib.Path(workdir)
        self.logdir = pathlib.Path(logdir)
        self.port = free_port()
        self.out = self.workdir / "out.jsonl"
        self.config = self.workdir / "tracetail.yaml"
        self.config.write_text(
            f"""sources:
  - path: {self.logdir}/*.log
    service: nova-api
    start_at: beginning
state_dir: {self.workdir}/state
checkpoint_interval: {checkpoint_interval}
poll_interval: 50ms
rotate_wait: 2s
correlation: {{ idle_timeout: 1s, allowed_lateness: 1s }}
sinks:
  - {{ type: jsonl, path: "{self.out}" }}
control: {{ listen: "127.0.0.1:{self.port}" }}
{extra}"""
        )
        self.proc = None
        self.stderr = self.workdir / "stderr.log"

    def start(self):
        self.proc = subprocess.Popen(
            [BIN, "run", "--config", str(self.config), "--log-level", "debug"],
            cwd="/",
            stdout=subprocess.DEVNULL,
            stderr=open(self.stderr, "ab"),
        )
        self.wait_for(lambda: self.status() is not None, 30, "control API never answered")
        return self

    def status(self):
        import urllib.request

        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=2) as r:
                return json.load(r)
        except Exception:
            return None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self.proc = None
        return code

    def wait_for(self, predicate, timeout, message):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"tracetail exited {self.proc.returncode}: {self.stderr.read_text()[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(message + "\n" + self.stderr.read_text()[-3000:])

    def records(self):
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]

    def request_spans(self):
        return [
            r
            for r in self.records()
            if r["kind"] == "span" and r["name"] == "openstack.request" and "request_id" in r["attributes"]
        ]

    def ids(self):
        return [r["attributes"]["request_id"] for r in self.request_spans()]


@pytest.fixture
def daemon_factory(tmp_path):
    made = []

    def make(**kwargs):
        logdir = tmp_path / "logs"
        logdir.mkdir(exist_ok=True)
        d = Daemon(tmp_path, logdir, **kwargs)
        made.append(d)
        return d

    yield make
    for d in made:
        if d.proc is not None:
            d.proc.kill()
            d.proc.wait()


# Datadog peers (tests/integration/datadog_harness.py) for tests of the Datadog sinks.
@pytest.fixture
def dogstatsd():
    """A DogStatsDListener on 127.0.0.1 UDP (`.port`) and a Unix datagram socket (`.uds_path`)."""
    import shutil
    import tempfile

    from datadog_harness import DogStatsDListener

    sock_dir = tempfile.mkdtemp(prefix="dsd-", dir="/tmp")  # AF_UNIX paths must stay short
    try:
        with DogStatsDListener(uds_path=os.path.join(sock_dir, "dsd.sock")) as listener:
            yield listener
    finally:
        shutil.rmtree(sock_dir, ignore_errors=True)


@pytest.fixture
def dd_test_agent():
    """Datadog's ddapm-test-agent on free loopback ports (`.url`, `.port`, `.otlp_http_port`)."""
    from datadog_harness import TestAgent

    with TestAgent() as agent:
        yield agent


@pytest.fixture
def fake_datadog_api():
    """A FakeDatadogAPI on 127.0.0.1 (`.url`, `.api_key`)."""
    from datadog_harness import FakeDatadogAPI

    with FakeDatadogAPI() as api:
        yield api
