#!/usr/bin/env python3
"""Benchmark of `tracetail run` following live files (issue: the daemon's costs).

Starts the daemon on 10 files in a temporary directory, writes --rate lines/s in total for
--seconds (one-line nova-api request spans, each with a unique request id and the time it was
written), and reports, side by side:

* line-to-span latency p50/p99: from the write to the span's appearance in the jsonl sink (a
  span is emitted once idle for idle_timeout + allowed_lateness, so that is its floor);
* line-to-pipeline latency p50/p99: from the write until /status counts the line as processed;
* CPU seconds per 10 k lines/s of load, and the idle daemon's CPU over --idle seconds;
* peak RSS.

Usage: scripts/bench-run.py [--bin .build/release/tracetail] [--rate 20000] [--seconds 10]
Loopback only; bounded in time. Numbers go to the README's benchmark section, never to tests.
"""
import argparse
import json
import os
import pathlib
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def line(n, t):
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + ".%03d" % int((t % 1) * 1000)
    rid = "req-00000000-0000-4000-8000-%012x" % n
    return (
        f'{stamp} 2931 INFO nova.osapi_compute.wsgi.server [{rid} u p - - -] 10.1.1.1 '
        f'"GET /v2/p/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.0012000\n'
    )


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid):
    for row in open(f"/proc/{pid}/status"):
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return 0.0


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(REPO / ".build" / "release" / "tracetail"))
    ap.add_argument("--rate", type=int, default=20000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--idle", type=float, default=10)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--settle", type=float, default=8, help="seconds between the load and the idle measurement")
    args = ap.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="tracetail-bench-run-"))
    logs = work / "logs"
    logs.mkdir()
    port = free_port()
    out = work / "out.jsonl"
    config = work / "tracetail.yaml"
    config.write_text(
        f"""sources:
  - {{ path: "{logs}/*.log", service: nova-api, start_at: beginning }}
state_dir: {work}/state
checkpoint_interval: 1s
correlation: {{ idle_timeout: 2s, allowed_lateness: 1s }}
sinks:
  - {{ type: jsonl, path: "{out}" }}
control: {{ listen: "127.0.0.1:{port}" }}
"""
    )
    files = [open(logs / f"svc-{i}.log", "a") for i in range(args.files)]
    daemon = subprocess.Popen([args.bin, "run", "--config", str(config)], cwd="/", stderr=subprocess.DEVNULL)

    def status():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2) as r:
                return json.load(r)
        except Exception:
            return None

    deadline = time.time() + 30
    while status() is None:
        if time.time() > deadline:
            raise SystemExit("daemon did not start")
        time.sleep(0.05)

    written = {}  # sequence -> write time
    batch_times = []  # (count written so far, time)
    total = int(args.rate * args.seconds)
    done = threading.Event()

    def writer():
        n = 0
        start = time.time()
        while n < total:
            due = int((time.time() - start) * args.rate)
            due = min(due, total)
            while n < due:
                t = time.time()
                files[n % len(files)].write(line(n, t))
                written[n] = t
                n += 1
            for f in files:
                f.flush()
            batch_times.append((n, time.time()))
            time.sleep(0.005)
        done.set()

    seen = {}
    processed_at = []  # (lines processed, time)

    def reader():
        offset = 0
        while not (done.is_set() and len(seen) >= total) and time.time() < deadline_read[0]:
            if out.exists():
                with open(out) as f:
                    f.seek(offset)
                    chunk = f.read()
                    cut = chunk.rfind("\n") + 1
                    offset += len(chunk[:cut].encode())
                now = time.time()
                for row in chunk[:cut].splitlines():
                    if '"kind":"span"' in row:
                        rid = json.loads(row)["attributes"].get("request_id", "")
                        if rid:
                            seen.setdefault(int(rid[-12:], 16), now)
            s = status()
            if s:
                processed_at.append((s["pipeline"]["lines_processed"], time.time()))
            time.sleep(0.02)

    deadline_read = [time.time() + args.seconds + 60]
    cpu0 = cpu_seconds(daemon.pid)
    t0 = time.time()
    tw = threading.Thread(target=writer)
    tr = threading.Thread(target=reader)
    tw.start()
    tr.start()
    tw.join()
    tr.join()
    busy_cpu = cpu_seconds(daemon.pid) - cpu0
    busy_wall = time.time() - t0

    # Let the last spans close and the last checkpoints be written, then measure a quiet daemon.
    time.sleep(args.settle)
    idle0 = cpu_seconds(daemon.pid)
    time.sleep(args.idle)
    idle_cpu = cpu_seconds(daemon.pid) - idle0
    rss = peak_rss_mib(daemon.pid)
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=30)

    span_latency = [(seen[n] - written[n]) * 1000 for n in seen if n in written]
    # When /status first counted line n as processed.
    pipeline_latency = []
    j = 0
    for count, at in processed_at:
        while j < count and j in written:
            pipeline_latency.append((at - written[j]) * 1000)
            j += 1
    load = total / args.seconds
    print(f"tracetail run: {args.files} files, {total} lines at {load:.0f} lines/s over {args.seconds:.0f} s")
    print(f"  spans seen                 {len(seen)} of {total}")
    print(f"  line -> span  p50 / p99    {percentile(span_latency, 50):8.1f} / {percentile(span_latency, 99):8.1f} ms"
          "   (floor: idle_timeout 2 s + allowed_lateness 1 s)")
    print(f"  line -> pipeline p50 / p99 {percentile(pipeline_latency, 50):8.1f} / {percentile(pipeline_latency, 99):8.1f} ms"
          "   (/status refreshes every 100 ms)")
    print(f"  CPU per 10 k lines/s       {busy_cpu / busy_wall / (load / 10000):8.3f} cores")
    print(f"  idle CPU over {args.idle:.0f} s        {idle_cpu / args.idle * 100:8.2f} % of a core")
    print(f"  peak RSS                   {rss:8.1f} MiB")


if __name__ == "__main__":
    main()
