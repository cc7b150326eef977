"""`tracetail run` reading a real systemd journal through `journalctl`.

Journal files are made by Debian's systemd-journal-remote from journal export text (fields as
`KEY=value` lines, a blank line between entries; a value with a newline as `KEY\\n`, its 64-bit
little-endian length, the bytes, `\\n`) and put into a directory the daemon reads with
`journald: {directory: …}`. More files appear while it runs and while it is stopped; a clean
restart resumes at the checkpoint's cursor, losing and repeating nothing.
"""
import collections
import os
import pathlib
import shutil
import struct
import subprocess
import time
import uuid

import pytest

from conftest import Daemon, request_id

JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"

pytestmark = pytest.mark.skipif(
    not (os.access(JOURNAL_REMOTE, os.X_OK) and shutil.which("journalctl")),
    reason="needs systemd-journal-remote and journalctl (scripts/install-deps.sh --with-daemon-tests)",
)

BOOT_ID = uuid.UUID("0123456789abcdef0123456789abcdef").hex
INSTANCE = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"


def export_entry(fields):
    """One entry of the journal export format."""
    out = b""
    for key, value in fields:
        value = value.encode() if isinstance(value, str) else value
        if b"\n" in value:
            out += key.encode() + b"\n" + struct.pack("<Q", len(value)) + value + b"\n"
        else:
            out += key.encode() + b"=" + value + b"\n"
    return out + b"\n"


def oslo_time(t):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + ".%03d" % int(round((t % 1) * 1000) % 1000)


class Journal:
    """Writes entries as journal files into `directory`, one file per `write` (made beside it,
    then moved in, so journalctl never sees a half-written file)."""

    def __init__(self, directory, scratch):
        self.directory = pathlib.Path(directory)
        self.scratch = pathlib.Path(scratch)
        self.files = 0
        self.monotonic = 1_000_000
        # What each request's span must look like: service, start (ns).
        self.expected = {}

    def entries(self, first, count):
        """Entries for requests first…first+count-1, in three spellings of nova-compute, and
        entries of other units that the source must skip."""
        data = b""
        base = time.time()
        for n in range(first, first + count):
            t = base + (n - first) * 0.01
            kind = n % 4
            rid = request_id(n)
            fields = [("_HOSTNAME", "cmp-0"), ("_PID", str(15000 + kind))]
            if kind == 0:
                # devstack: the unit names the service; the message has no time of its own.
                fields += [("_SYSTEMD_UNIT", "devstack@n-cpu.service"), ("SYSLOG_IDENTIFIER", "nova-compute")]
                message = f"INFO nova.compute.manager [None {rid} tempest-p tempest-u] [instance: {INSTANCE}] Took 1.20 seconds to spawn"
                start = int(round(t * 1e6)) * 1000
            elif kind == 1:
                # kolla: the container names the service; the message is a whole oslo line whose
                # time (here 0.25 s before the journal's) is the one used.
                inner = t - 0.25
                fields += [("_SYSTEMD_UNIT", "docker.service"), ("CONTAINER_NAME", "nova_compute"),
                           ("SYSLOG_IDENTIFIER", "6f1e2d3c4b5a")]
                message = f"{oslo_time(inner)} 7 INFO nova.compute.manager [None {rid} u p - default default] Instance spawned"
                start = int(round(inner * 1000)) * 1_000_000
            elif kind == 2:
                # A plain unit, a multi-line message (two oslo lines of one request).
                inner = t - 0.1
                fields += [("_SYSTEMD_UNIT", "nova-compute.service"), ("SYSLOG_IDENTIFIER", "nova-compute")]
                message = (
                    f"{oslo_time(inner)} 7 ERROR nova.compute.manager [None {rid} u p - default default] Instance failed to spawn\n"
                    f"{oslo_time(inner)} 7 ERROR nova.compute.manager [None {rid} u p - default default] Traceback (most recent call last):"
                )
                start = int(round(inner * 1000)) * 1_000_000
            else:
                # Not the source's: sshd.
                fields += [("_SYSTEMD_UNIT", "sshd.service"), ("SYSLOG_IDENTIFIER", "sshd")]
                message = f"Accepted publickey for stack {rid}"
                start = None
            fields += [("MESSAGE", message)]
            self.monotonic += 10_000
            head = [
                ("__REALTIME_TIMESTAMP", str(int(round(t * 1e6)))),
                ("__MONOTONIC_TIMESTAMP", str(self.monotonic)),
                ("_BOOT_ID", BOOT_ID),
            ]
            data += export_entry(head + fields)
            if start is not None:
                self.expected[rid] = start
        return data

    def write(self, first, count):
        self.files += 1
        name = f"part{self.files}.journal"
        made = self.scratch / name
        subprocess.run(
            [JOURNAL_REMOTE, f"--output={made}", "-"],
            input=self.entries(first, count),
            check=True,
            timeout=30,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.rename(made, self.directory / name)


@pytest.fixture
def journald_daemon(tmp_path):
    journal_dir = tmp_path / "journal"
    journal_dir.mkdir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    logdir = tmp_path / "logs"
    logdir.mkdir()
    d = Daemon(tmp_path, logdir)
    d.config.write_text(
        f"""sources:
  - journald: {{ units: ["nova-*", "devstack@n-*", "nova_*"], directory: "{journal_dir}" }}
    start_at: beginning
state_dir: {tmp_path}/state
checkpoint_interval: 200ms
poll_interval: 50ms
correlation: {{ idle_timeout: 1s, allowed_lateness: 1s }}
sinks:
  - {{ type: jsonl, path: "{d.out}" }}
control: {{ listen: "127.0.0.1:{d.port}" }}
"""
    )
    yield d, Journal(journal_dir, scratch)
    if d.proc is not None:
        d.proc.kill()
        d.proc.wait()


def test_journal_entries_become_spans_and_a_restart_resumes_at_the_cursor(journald_daemon):
    d, journal = journald_daemon
    journal.write(0, 40)  # 30 nova-compute requests, 10 sshd entries
    d.start()
    d.wait_for(lambda: len(d.ids()) >= 30, 30, "spans of the first journal file never came out")

    spans = {s["attributes"]["request_id"]: s for s in d.request_spans()}
    assert set(spans) == set(journal.expected)
    for rid, start in journal.expected.items():
        span = spans[rid]
        assert span["service"] == "nova-compute", span
        # Journal times are microseconds, oslo times milliseconds: both exact.
        assert span["start_ns"] == start, (rid, span["start_ns"], start)
    assert spans[request_id(2)]["error"] is True

    status = d.status()
    (source,) = status["journald"]
    assert source["units"] == ["nova-*", "devstack@n-*", "nova_*"]
    assert source["running"] is True
    assert source["cursor_present"] is True
    assert source["entries_read"] == 40
    assert source["entries_skipped"] == 10
    assert source["restarts"] == 0
    assert any(s.startswith("journald:nova-*") for s in status["configured"]["sources"])

    journal.write(40, 40)  # while running: journalctl follows the directory
    d.wait_for(lambda: len(d.ids()) >= 45, 30, "entries of a journal file added later never came out")
    assert d.stop() == 0
    journal.write(80, 40)  # while stopped
    d.start()
    d.wait_for(lambda: len(set(d.ids())) >= 90, 30, "entries after the restart never came out")
    time.sleep(1.5)  # anything repeated would show up by now
    assert d.stop() == 0

    ids = d.ids()
    duplicates = [i for i, c in collections.Counter(ids).items() if c > 1]
    assert duplicates == []
    assert set(ids) == set(journal.expected)
    assert len(journal.expected) == 90
    starts = {s["attributes"]["request_id"]: s["start_ns"] for s in d.request_spans()}
    assert starts == journal.expected


def test_a_missing_journal_directory_is_retried_not_fatal(journald_daemon):
    d, journal = journald_daemon
    shutil.rmtree(journal.directory)
    d.start()
    # journalctl exits (no such directory) and is restarted with backoff; the daemon keeps running.
    d.wait_for(
        lambda: (d.status() or {}).get("journald", [{}])[0].get("restarts", 0) >= 1,
        30,
        "journalctl was not restarted",
    )
    source = d.status()["journald"][0]
    assert source["last_error"], source
    journal.directory.mkdir()
    journal.write(0, 8)
    d.wait_for(lambda: len(d.ids()) >= 6, 30, "entries never came out once the directory existed")
    assert d.stop() == 0
