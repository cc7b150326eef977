"""`tracetail run` as a user runs it: through restarts, kill -9, logrotate and the control API."""
import collections
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import BIN, request_id, wsgi_line


def append(path, first, count):
    with open(path, "a") as f:
        for n in range(first, first + count):
            f.write(wsgi_line(n))


def expected(first, count):
    return {request_id(n) for n in range(first, first + count)}


def test_clean_restart_loses_nothing_and_repeats_nothing(daemon_factory):
    d = daemon_factory()
    log = d.logdir / "nova-api.log"
    append(log, 0, 500)
    d.start()
    d.wait_for(lambda: len(d.ids()) >= 500, 30, "first 500 spans never came out")
    append(log, 500, 300)  # some of these are read, some wait for the restart
    assert d.stop() == 0
    append(log, 800, 200)  # written while stopped
    d.start()
    d.wait_for(lambda: len(set(d.ids())) >= 1000, 30, "spans after the restart never came out")
    time.sleep(1.5)  # anything repeated would show up by now
    assert d.stop() == 0
    ids = d.ids()
    duplicates = [i for i, c in collections.Counter(ids).items() if c > 1]
    assert duplicates == []
    assert set(ids) == expected(0, 1000)


def test_kill_9_repeats_at_most_the_last_checkpoint_interval(daemon_factory):
    d = daemon_factory(checkpoint_interval="300ms")
    log = d.logdir / "nova-api.log"
    d.start()
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set() and n < 3000:
            append(log, n, 50)
            n += 50
            time.sleep(0.05)
        return n

    t = threading.Thread(target=writer)
    t.start()
    # Spans close after idle_timeout + allowed_lateness (2 s): let some reach the output first.
    d.wait_for(lambda: len(d.ids()) > 200, 30, "no spans before the kill")
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait()
    d.proc = None
    before = collections.Counter(d.ids())
    time.sleep(0.5)
    d.start()
    t.join(timeout=60)
    written = sum(1 for _ in open(log))
    d.wait_for(lambda: set(d.ids()) >= expected(0, written), 60, "not every written request came out")
    assert d.stop() == 0
    spans = d.request_spans()
    ids = collections.Counter(s["attributes"]["request_id"] for s in spans)
    assert set(ids) == expected(0, written), "nothing lost"
    repeated = [i for i, c in ids.items() if c > 1]
    # Only what was written out after the last checkpoint can repeat: at 1,000 lines/s and a
    # 300 ms interval that is a few hundred lines, never the whole file.
    assert len(repeated) <= 600, len(repeated)
    assert all(c <= 2 for c in ids.values())
    # A repeat is the same span: same ids, so a backend dedupes it.
    by_id = collections.defaultdict(set)
    for s in spans:
        by_id[s["attributes"]["request_id"]].add((s["trace_id"], s["span_id"], s["start_ns"], s["duration_ns"]))
    assert all(len(v) == 1 for v in by_id.values())
    assert sum(before.values()) > 0


def logrotate(d, mode):
    conf = d.workdir / f"logrotate-{mode}.conf"
    conf.write_text(
        f"""{d.logdir}/nova-api.log {{
    rotate 20
    {mode}
    missingok
    nocompress
}}
"""
    )
    subprocess.run(
        ["logrotate", "-f", "-s", str(d.workdir / "logrotate.state"), str(conf)], check=True, capture_output=True
    )


def test_logrotate_create_and_copytruncate_under_load(daemon_factory):
    d = daemon_factory()
    log = d.logdir / "nova-api.log"
    log.touch()
    d.start()
    total = 6000
    done = threading.Event()

    def writer():
        # A few thousand lines/s, reopening per burst as an O_APPEND writer does after rotation.
        for n in range(0, total, 100):
            append(log, n, 100)
            time.sleep(0.03)
        done.set()

    t = threading.Thread(target=writer)
    t.start()
    modes = ["create", "copytruncate", "create", "copytruncate"]
    for mode in modes:
        time.sleep(0.4)
        logrotate(d, mode)
    t.join(timeout=60)
    assert done.is_set()
    d.wait_for(lambda: d.status()["pipeline"]["lines_processed"] >= total - 1000 and len(d.ids()) > 0, 30, "stalled")
    time.sleep(3)
    status = d.status()
    assert d.stop() == 0
    ids = collections.Counter(d.ids())
    assert [i for i, c in ids.items() if c > 1] == [], "never a duplicate"
    missing = expected(0, total) - set(ids)
    # Rename rotation loses nothing; copytruncate can lose what was appended between the last
    # read and the truncation (documented). Every missing line must be in a rotated copy.
    rotated = "".join(p.read_text() for p in d.logdir.glob("nova-api.log.*"))
    # What the writer appends between logrotate's copy and its truncation is in no file at all
    # (logrotate's own copytruncate window): at most one writer burst (100 lines) per
    # copytruncate rotation may be missing from the copies too.
    nowhere = [i for i in missing if i not in rotated]
    assert len(nowhere) <= 100 * modes.count("copytruncate"), nowhere[:5]
    assert len(missing) < total * 0.2, len(missing)
    assert status["tailer"]["rotations"] + status["tailer"]["truncations"] >= 2


def test_rotations_and_compression_while_stopped_lose_nothing(daemon_factory):
    """logrotate with `compress` (no delaycompress) runs twice while the daemon is down: the
    checkpointed file is now gzip data under another name (its inode gone), and a whole
    generation was written and rotated without the daemon ever seeing it."""
    d = daemon_factory()
    log = d.logdir / "nova-api.log"
    append(log, 0, 300)
    d.start()
    d.wait_for(lambda: len(d.ids()) >= 300, 30, "first 300 spans never came out")
    assert d.stop() == 0
    conf = d.workdir / "logrotate-compress.conf"
    conf.write_text(f"{d.logdir}/nova-api.log {{\n    rotate 5\n    compress\n    create\n}}\n")
    rotate = ["logrotate", "-f", "-s", str(d.workdir / "logrotate.state"), str(conf)]
    append(log, 300, 100)  # after the checkpoint, before the first rotation
    subprocess.run(rotate, check=True, capture_output=True)
    append(log, 400, 100)  # a generation the daemon never sees live
    subprocess.run(rotate, check=True, capture_output=True)
    append(log, 500, 100)  # the live file
    assert sorted(p.name for p in d.logdir.iterdir()) == ["nova-api.log", "nova-api.log.1.gz", "nova-api.log.2.gz"]
    d.start()
    d.wait_for(lambda: len(set(d.ids())) >= 600, 30, "spans of the rotated generations never came out")
    time.sleep(1.5)
    assert d.stop() == 0
    ids = d.ids()
    assert [i for i, c in collections.Counter(ids).items() if c > 1] == []
    assert set(ids) == expected(0, 600)


def post(port, path, body):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_control_api_rejects_bad_requests_and_applies_good_ones(daemon_factory):
    d = daemon_factory()
    append(d.logdir / "nova-api.log", 0, 20)
    d.start()
    d.wait_for(lambda: len(d.ids()) >= 20, 30, "spans never came out")
    for body, needle in [
        ("{not json", "not JSON"),
        ('{"phase":"sideways","run_id":"r"}', "unknown phase"),
        ('{"phase":"after_fix"}', "run_id"),
    ]:
        code, text = post(d.port, "/v1/phase", body)
        assert code == 400 and needle in text, (code, text)
    for body, needle in [
        ('{"type":"no_such_type","run_id":"r"}', "unknown event type"),
        ('{"type":"patch_applied"}', "run_id"),
        ("[]", "JSON object"),
    ]:
        code, text = post(d.port, "/v1/events", body)
        assert code == 400 and needle in text, (code, text)
    time.sleep(0.5)
    assert not any(r["kind"] == "event" for r in d.records()), "a bad request changed nothing"
    # Good requests, through the CLI clients.
    url = f"http://127.0.0.1:{d.port}"
    r = subprocess.run([BIN, "phase", "after_fix", "--run-id", "run-9", "--url", url], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run(
        [BIN, "event", "canary_test", "--run-id", "run-9", "passed=true", "--url", url], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    r = subprocess.run([BIN, "event", "nope", "--run-id", "run-9", "--url", url], capture_output=True, text=True)
    assert r.returncode == 2 and "unknown event type" in r.stderr
    d.wait_for(
        lambda: any(r["kind"] == "event" and r["name"] == "phase_changed" for r in d.records()),
        20,
        "phase change never reached the output",
    )
    d.wait_for(
        lambda: any(r["kind"] == "event" and r["name"] == "canary_test" for r in d.records()),
        20,
        "CTA event never reached the output",
    )
    # Status tells the whole state.
    r = subprocess.run([BIN, "status", "--url", url], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    status = json.loads(r.stdout)
    [f] = status["files"]
    assert f["report"]["path"].endswith("nova-api.log")
    assert f["report"]["offset"] == os.path.getsize(d.logdir / "nova-api.log")
    assert status["pipeline"]["lines_processed"] == 20
    assert status["checkpoint"]["writes"] >= 1
    assert status["configured"]["datadog_api_key"] in ("present", "absent")
    assert d.stop() == 0


def test_status_without_a_daemon_prints_the_local_configuration(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text('sinks:\n  - { type: datadog_api }\ncontrol: { listen: "127.0.0.1:9" }\n')
    env = dict(os.environ, DATADOG_API_KEY="secret-value", DATADOG_SITE="datadoghq.eu")
    r = subprocess.run([BIN, "status", "--config", str(config)], capture_output=True, text=True, env=env, cwd="/")
    assert r.returncode == 0, r.stderr
    assert "not running" in r.stdout
    assert "datadog api key: present" in r.stdout
    assert "datadoghq.eu" in r.stdout
    assert "secret-value" not in r.stdout + r.stderr


def test_non_loopback_control_address_needs_a_token(daemon_factory):
    d = daemon_factory()
    text = d.config.read_text().replace("127.0.0.1:%d" % d.port, "0.0.0.0:%d" % d.port)
    d.config.write_text(text)
    r = subprocess.run([BIN, "run", "--config", str(d.config)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "control.token" in r.stderr
def test_run_and_replay_give_the_same_spans(daemon_factory, tmp_path):
    d = daemon_factory()
    r = subprocess.run(
        [BIN, "simulate", "--out", str(d.logdir), "--duration", "3m", "--seed", "7"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    for p in d.logdir.glob("*.jsonl"):
        p.unlink()  # the CTA file's events would be the same; keep the comparison to log lines
    d.config.write_text(d.config.read_text().replace("    service: nova-api\n", ""))
    replay = subprocess.run(
        [BIN, "replay", str(d.logdir), "--output", "jsonl", "--config", str(d.config)],
        capture_output=True,
        text=True,
    )
    assert replay.returncode == 0, replay.stderr
    replayed = [json.loads(l) for l in replay.stdout.splitlines()]
    want = sorted((s["trace_id"], s["span_id"], s["start_ns"], s["duration_ns"]) for s in replayed if s["kind"] == "span")
    d.start()
    d.wait_for(lambda: len([r for r in d.records() if r["kind"] == "span"]) >= len(want), 60, "run fell short")
    time.sleep(1)
    assert d.stop() == 0
    got = sorted((s["trace_id"], s["span_id"], s["start_ns"], s["duration_ns"]) for s in d.records() if s["kind"] == "span")
    assert got == want


def test_sighup_reloads_the_config_and_keeps_the_old_one_when_invalid(daemon_factory):
    d = daemon_factory()
    log = d.logdir / "nova-api.log"
    append(log, 0, 50)
    other = d.workdir / "more"
    other.mkdir()
    append(other / "nova-api.log", 1000, 20)  # not followed yet
    d.start()
    d.wait_for(lambda: len(d.ids()) >= 50, 30, "first spans never came out")
    fd_dir = f"/proc/{d.proc.pid}/fd"
    good = d.config.read_text().replace(
        "state_dir:", f"  - path: {other}/*.log\n    service: nova-api\n    start_at: beginning\nstate_dir:"
    )
    d.config.write_text(good)
    append(log, 50, 30)
    d.proc.send_signal(signal.SIGHUP)
    append(log, 80, 20)
    d.wait_for(lambda: set(d.ids()) >= expected(0, 100) | expected(1000, 20), 30, "the new source was not followed")
    assert d.status()["config_errors"] == []
    # Reloads must not leak descriptors: five more leave the count where it was.
    fds = len(os.listdir(fd_dir))
    for _ in range(5):
        d.proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
    time.sleep(0.5)
    assert len(os.listdir(fd_dir)) <= fds + 1, "a reload must not leak descriptors"
    # A broken config is refused; the old one keeps running.
    d.config.write_text(good.replace("idle_timeout: 1s", "idle_timeout: soon"))
    d.proc.send_signal(signal.SIGHUP)
    d.wait_for(lambda: d.status()["config_errors"] != [], 20, "the bad config was not reported")
    assert "idle_timeout" in d.status()["config_errors"][0]
    append(log, 100, 10)
    d.wait_for(lambda: set(d.ids()) >= expected(100, 10), 30, "stopped following after a bad reload")
    assert d.stop() == 0
    ids = collections.Counter(d.ids())
    assert [i for i, c in ids.items() if c > 1] == []


def test_unusable_state_dir_refuses_to_start(daemon_factory):
    d = daemon_factory()
    blocker = d.workdir / "not-a-dir"
    blocker.write_text("a file where the state directory should be\n")
    d.config.write_text(d.config.read_text().replace(f"state_dir: {d.workdir}/state", f"state_dir: {blocker}/state"))
    r = subprocess.run([BIN, "run", "--config", str(d.config)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "state_dir" in r.stderr and str(blocker) in r.stderr
