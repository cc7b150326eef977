"""The otlp_http sink against Datadog's ddapm-test-agent OTLP/HTTP receiver, and scale-out:
two tracetail processes on two halves of a cross-service log set (as two hosts would) give the
backend the same connected trees as one process on all of it."""

import base64
import json
import shutil
import subprocess

from conftest import BIN, REPO

SAMPLES = REPO / "samples"


def otlp_config(path, agent, host):
    # One TraceTail per host: a host without a request's HTTP line never claims its entry span.
    path.write_text(
        f"""correlation: {{ entry_needs_request_line: true }}
sinks:
  - type: otlp_http
    endpoint: http://127.0.0.1:{agent.otlp_http_port}
    host_name: {host}
    environment: test
"""
    )
    return path


def replay(paths, config, out):
    r = subprocess.run(
        [BIN, "replay", *map(str, paths), "--config", str(config), "--output", "jsonl", "--out", str(out), "--no-progress"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return [json.loads(line) for line in out.read_text().splitlines()]


def bodies(agent, path):
    out = []
    for request in agent.requests():
        if request.get("url", "").endswith(path):
            out.append(json.loads(base64.b64decode(request["body"])))
    return out


def otlp_spans(agent):
    spans = []
    for body in bodies(agent, "/v1/traces"):
        for rs in body["resourceSpans"]:
            attrs = {a["key"]: a["value"] for a in rs["resource"]["attributes"]}
            for ss in rs["scopeSpans"]:
                for s in ss["spans"]:
                    spans.append((attrs, s))
    return spans


def test_every_span_and_metric_arrives_as_otlp(tmp_path, dd_test_agent):
    config = otlp_config(tmp_path / "otlp.yaml", dd_test_agent, "host-a")
    records = replay([SAMPLES], config, tmp_path / "out.jsonl")
    expected = [r for r in records if r["kind"] == "span"]
    got = otlp_spans(dd_test_agent)
    assert len(got) == len(expected)
    by_id = {}
    for attrs, s in got:
        assert s["spanId"] not in by_id or by_id[s["spanId"]][1]["traceId"] != s["traceId"], "span twice"
        by_id[(s["traceId"], s["spanId"])] = (attrs, s)
        assert attrs["host.name"] == {"stringValue": "host-a"}
        assert attrs["deployment.environment"] == {"stringValue": "test"}
    for span in expected:
        attrs, s = by_id[(span["trace_id"], span["span_id"])]
        assert attrs["service.name"] == {"stringValue": span["service"]}
        assert s.get("parentSpanId", "") == (span["parent_id"] or "")
        assert int(s["startTimeUnixNano"]) == span["start_ns"]
        assert int(s["endTimeUnixNano"]) == span["start_ns"] + span["duration_ns"]
        assert (s.get("status", {}).get("code") == 2) == span["error"]
        assert s["kind"] == (2 if "http.method" in span["attributes"] or "http.status_code" in span["attributes"] else 1)
    names = set()
    for body in bodies(dd_test_agent, "/v1/metrics"):
        for rm in body["resourceMetrics"]:
            for sm in rm["scopeMetrics"]:
                for m in sm["metrics"]:
                    names.add(m["name"])
                    for dp in m.get("histogram", {}).get("dataPoints", []):
                        counts = [int(c) for c in dp["bucketCounts"]]
                        assert len(counts) == len(dp["explicitBounds"]) + 1
                        assert sum(counts) == int(dp["count"])
    assert {r["name"] for r in records if r["kind"] == "metric"} <= names
    logs = [lr for b in bodies(dd_test_agent, "/v1/logs") for rl in b["resourceLogs"] for sl in rl["scopeLogs"] for lr in sl["logRecords"]]
    assert len(logs) == sum(1 for r in records if r["kind"] == "event")


def test_two_hosts_give_the_trees_one_host_gives(tmp_path, dd_test_agent):
    # Host A runs the API tier, host B the compute tier: a server boot's request crosses both.
    host_a = tmp_path / "a"
    host_b = tmp_path / "b"
    host_a.mkdir()
    host_b.mkdir()
    for name in ["nova-api.log", "glance-api.log", "neutron-server.log", "cta-agent.jsonl"]:
        shutil.copy(SAMPLES / name, host_a / name)
    for name in ["nova-compute.log", "nova-conductor.log", "nova-scheduler.log"]:
        shutil.copy(SAMPLES / name, host_b / name)
    (tmp_path / "none.yaml").write_text("correlation: { entry_needs_request_line: true }\nsinks: []\n")
    one = {
        (r["trace_id"], r["span_id"], r["parent_id"])
        for r in replay([SAMPLES], tmp_path / "none.yaml", tmp_path / "one.jsonl")
        if r["kind"] == "span"
    }
    # Two processes, each with its own config and nothing shared, sending to one backend.
    procs = [
        subprocess.Popen(
            [BIN, "replay", str(d), "--config", str(otlp_config(tmp_path / f"{d.name}.yaml", dd_test_agent, d.name)),
             "--output", "none", "--no-progress"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for d in (host_a, host_b)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
    got = otlp_spans(dd_test_agent)
    spans = {(s["traceId"], s["spanId"], s.get("parentSpanId") or None) for _, s in got}
    hosts = {(s["traceId"], s["spanId"]): a["host.name"]["stringValue"] for a, s in got}
    assert len(spans) == len(got), "no span id is used twice across hosts"
    # Every parent the two hosts name exists in the backend, except for requests no service
    # logged an HTTP line for (periodic tasks, RPC-only work): those have no root on any host,
    # exactly as with one process.
    def dangling(edges):
        ids = {(t, s) for t, s, _ in edges}
        return {(t, s, p) for t, s, p in edges if p and (t, p) not in ids}

    assert dangling(spans) == dangling(one)
    assert len(dangling(spans)) < len(spans) // 50
    # Children on host B hang under parents on host A.
    cross = [(t, s) for t, s, p in spans if p and hosts[(t, s)] == "b" and hosts.get((t, p)) == "a"]
    assert len(cross) > 10
    # The same edges one process finds on all the files.
    assert spans == one
