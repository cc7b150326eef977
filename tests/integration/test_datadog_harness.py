"""The Datadog stand-ins of datadog_harness.py, tested on their own before they judge TraceTail:
the DogStatsD grammar accepts ANCHORS 3.1's examples and rejects what breaks it, the real
ddapm-test-agent round-trips a hand-built v0.4 trace and reports a wrong trace count, and the fake
HTTP API validates, authenticates, gunzips and answers as scripted."""
import gzip
import json
import os
import socket
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from datadog_harness import (
    DogStatsDError,
    DogStatsDListener,
    Event,
    FakeDatadogAPI,
    Metric,
    ServiceCheck,
    TestAgent,
    parse_datagram,
    parse_message,
)

# ---------------------------------------------------------------------------------------------
# DogStatsD grammar
# ---------------------------------------------------------------------------------------------

ANCHOR_EXAMPLES = [
    "openstack.request.errors:1|c|#service:nova-api,phase:after_fix,env:lab",
    "openstack.request.duration:0.2477829|d|#service:nova-api,route:get_/servers/detail",
    "openstack.error_rate:0.125|g|T1717000000|#service:nova-compute,phase:before_fix",
    "_e{26,32}:remediation applied: fix-1|restarted nova-compute on node-3|t:info|k:fix-1|#phase:after_fix",
    "_sc|openstack.tailer.healthy|0|#host:node-3|m:all files tailed",
]


def parse(text):
    return parse_message(text.encode() if isinstance(text, str) else text)


def test_anchor_examples_parse_to_what_they_say():
    count, dist, gauge, event, check = [parse(m) for m in ANCHOR_EXAMPLES]
    assert isinstance(count, Metric) and count.type == "c" and count.name == "openstack.request.errors"
    assert count.values == [1.0] and count.sample_rate is None and count.timestamp is None
    assert count.tags == ["service:nova-api", "phase:after_fix", "env:lab"]
    assert dist.type == "d" and dist.value == pytest.approx(0.2477829)
    assert dist.tag_dict == {"service": "nova-api", "route": "get_/servers/detail"}
    assert gauge.type == "g" and gauge.timestamp == 1717000000 and gauge.value == 0.125
    assert isinstance(event, Event)
    assert event.title == "remediation applied: fix-1" and event.text == "restarted nova-compute on node-3"
    assert (event.alert_type, event.aggregation_key, event.tags) == ("info", "fix-1", ["phase:after_fix"])
    assert isinstance(check, ServiceCheck)
    assert (check.name, check.status, check.tags, check.message) == (
        "openstack.tailer.healthy",
        0,
        ["host:node-3"],
        "all files tailed",
    )


@pytest.mark.parametrize(
    "message",
    [
        "cta.request.latency:1:2.5:3|d|#service:nova-api",  # value packing (v1.1)
        "cta.canary.tests:1|c|@0.5|#passed:true",
        "cta.canary.tests:1|c|#passed:true|@0.5",  # fields in any order
        "a.b:-1.5e3|h|@1",
        "a.b:.5|ms|@0",
        "a.b:7|g|#url:http://x:8080/y",  # ':' inside a tag value
        "users.uniques:user-42|s",
        "a:1|c|c:ci-0123|card:low|e:it-false,cn-x",
        "a:1|g|T1|#bare_tag,k:v",
        "_e{6,4}:h\u00e9llo|text",  # lengths are UTF-8 bytes: "héllo" is 6
        "_e{5,0}:title||d:1717000000|h:node-3|p:low|s:tracetail|t:error",  # empty text is allowed
        "_e{5,11}:title|line\\nline2",  # a newline is sent as the two characters \n
        "_e{5,5}:ti|le|te|xt",  # '|' inside is delimited by the byte lengths
        "_sc|tracetail.up|3|d:1717000000|h:node-3|m:msg|#a:b",
    ],
)
def test_valid_messages_parse(message):
    parse(message)


def test_event_text_newlines_and_byte_lengths():
    e = parse("_e{6,11}:h\u00e9llo|line\\nline2")
    assert (e.title, e.text) == ("h\u00e9llo", "line\nline2")


@pytest.mark.parametrize(
    "message, reason",
    [
        ("_e{5,4}:h\u00e9llo|text", "title"),  # 5 is the character count, not the byte count
        ("_e{6,3}:h\u00e9llo|text", "text"),  # text one byte longer than it says
        ("_e{6,5}:h\u00e9llo|text", "shorter"),
        ("_e{0,4}:|text", "empty event title"),
        ("_e{x,4}:abc|text", "header"),
        ("_e{1,1}:a|b|p:urgent", "priority"),
        ("_e{1,1}:a|b|t:fatal", "alert type"),
        ("_e{1,1}:a|b|d:yesterday", "integer"),
        ("_e{1,1}:a|b|z:what", "unknown event field"),
        ("_e{1,1}:a|b|#env:lab|x", "unknown event field"),  # '|' inside a tag
        ("cta.error_rate:0.1|g|#env:la|b", "unknown metric field"),  # '|' inside a tag
        ("cta.error_rate:nan|g", "not a decimal"),
        ("cta.error_rate:NaN|g", "not a decimal"),
        ("cta.error_rate:inf|g", "not a decimal"),
        ("cta.error_rate:1e999|g", "not finite"),
        ("cta.error_rate: 1|g", "not a decimal"),
        ("cta.error_rate:|g", "not a decimal"),
        ("cta.error_rate:0x10|g", "not a decimal"),
        ("cta.error_rate:1|x", "unknown metric type"),
        ("cta.error_rate:1|C", "unknown metric type"),
        ("cta.error_rate:1|", "unknown metric type"),
        ("cta.error_rate:1", "no '|type'"),
        ("cta.error_rate|g", "no ':'"),
        (":1|c", "metric name"),
        ("cta-error-rate:1|c", "metric name"),
        ("cta.erreur_r\u00e9elle:1|c", "metric name"),
        ("cta.request.latency:1|d|T1717000000", "'|T' timestamp on a 'd'"),
        ("cta.request.latency:1|h|T1717000000", "'|T' timestamp on a 'h'"),
        ("cta.error_rate:1|g|T0", "> 0"),
        ("cta.error_rate:1|g|T-5", "integer"),
        ("cta.error_rate:1|g|T1.5", "integer"),
        ("cta.error_rate:1|g|@0.5", "sample rate on a 'g'"),
        ("a:1|c|@1.5", "outside 0..1"),
        ("a:1|c|@abc", "not a decimal"),
        ("a:1|c|@0.5|@0.5", "twice"),
        ("a:1|c|#", "empty tag section"),
        ("a:1|c|#a,,b", "empty tag"),
        ("a:1|c|#:v", "empty key"),
        ("a:1|c|#a\tb", "control character"),
        ("a:1|c||#a:b", "empty field"),
        ("a:1|c|x:y", "unknown metric field"),
        ("u:|s", "empty set value"),
        ("_sc|tracetail.up|4", "status"),
        ("_sc|tracetail.up", "needs"),
        ("_sc||0", "service check name"),
        ("_sc|tracetail.up|0|x:y", "unknown service check field"),
        (b"a:1|c|#env:\xff", "UTF-8"),
        (b"_e{1,2}:a|\xff\xfe", "UTF-8"),
    ],
)
def test_malformed_messages_are_rejected(message, reason):
    with pytest.raises(DogStatsDError) as e:
        parse(message)
    assert reason in str(e.value)


def test_datagram_rules():
    messages, errors = parse_datagram(b"a:1|c\nb:2|g\n")  # a trailing LF is allowed
    assert [m.name for m in messages] == ["a", "b"] and errors == []
    messages, errors = parse_datagram(b"a:1|c\n\nb:2|g")  # an empty line inside is not
    assert len(messages) == 2 and [e.reason for e in errors] == ["empty message"]
    messages, errors = parse_datagram(b"a:1|c\n", max_bytes=4)
    assert messages == [] and "exceeds 4" in errors[0].reason
    messages, errors = parse_datagram(b"a:1|c|q:1", allow_unknown_fields=True)  # the Agent ignores them
    assert len(messages) == 1 and errors == []


def send_udp(port, datagram):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(datagram, ("127.0.0.1", port))


def test_listener_collects_udp_and_uds_and_records_errors_with_their_datagram():
    sock_dir = tempfile.mkdtemp(prefix="dsd-", dir="/tmp")  # short: AF_UNIX paths are <= 107 bytes
    path = os.path.join(sock_dir, "dsd.sock")
    try:
        with DogStatsDListener(uds_path=path) as listener:
            assert listener.port
            good = ("\n".join(ANCHOR_EXAMPLES) + "\n").encode()
            send_udp(listener.port, good)
            bad = b"cta.requests:3|g|#service:nova-api\ncta.error_rate:nan|g|#service:nova-api"
            send_udp(listener.port, bad)
            send_udp(listener.port, b"x" * 9000)  # more than the Agent's 8192-byte buffer
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as u:
                u.sendto(b"cta.request.latency:12.5:13|d|#service:glance-api", path)
            listener.wait_for_datagrams(4, timeout=10)
            assert {t for t, _ in listener.datagrams} == {"udp", "uds"}
            assert len(listener.metrics) == 3 + 1 + 1
            assert len(listener.events) == 1 and len(listener.service_checks) == 1
            assert listener.metrics_named("cta.request.latency")[0].values == [12.5, 13.0]
            errors = listener.errors
            assert len(errors) == 2
            nan = next(e for e in errors if b"nan" in e.message)
            assert nan.datagram == bad and nan.transport == "udp" and "not a decimal" in nan.reason
            assert any("exceeds 8192" in e.reason for e in errors)
            with pytest.raises(AssertionError, match="DogStatsD grammar errors"):
                listener.assert_no_errors()
        assert not os.path.exists(path)
    finally:
        os.rmdir(sock_dir)


def test_listener_wait_is_bounded():
    with DogStatsDListener() as listener:
        t = time.monotonic()
        with pytest.raises(AssertionError, match="timed out"):
            listener.wait_for_metric("never.sent", timeout=0.3)
        assert time.monotonic() - t < 2


# ---------------------------------------------------------------------------------------------
# ddapm-test-agent
# ---------------------------------------------------------------------------------------------

TRACE_ID = 0xFEDCBA9876543210  # above 2^63: must survive as an unsigned 64-bit integer
ROOT_ID = 0x8000000000000001
CHILD_ID = 0x0000000000000042


def hand_built_trace(now_ns):
    common = {"trace_id": TRACE_ID, "service": "nova-api", "type": "web", "error": 0}
    root = dict(
        common,
        span_id=ROOT_ID,
        parent_id=0,
        name="openstack.request",
        resource="GET /v2.1/servers/detail",
        start=now_ns,
        duration=247_782_900,
        meta={"_dd.p.tid": "0123456789abcdef", "env": "lab", "span.kind": "server", "request_id": "req-1"},
        metrics={"_sampling_priority_v1": 1, "_dd.top_level": 1},
    )
    child = dict(
        common,
        span_id=CHILD_ID,
        parent_id=ROOT_ID,
        name="log_event",
        resource="nova.osapi_compute.wsgi.server",
        start=now_ns + 1000,
        duration=1000,
        error=1,
        meta={"_dd.p.tid": "0123456789abcdef", "error.message": "boom"},
        metrics={},
    )
    return [[root, child]]


@pytest.fixture(scope="module")
def test_agent():
    with TestAgent() as agent:
        yield agent


def test_test_agent_round_trips_a_msgpack_v04_trace(test_agent):
    token = "harness-roundtrip"
    test_agent.start_session(token)
    status, body = test_agent.send_traces(hand_built_trace(time.time_ns()), token=token)
    assert status == 200, body
    assert "rate_by_service" in json.loads(body)
    traces = test_agent.wait_for_traces(1, token=token, timeout=10)
    assert len(traces) == 1
    spans = {s["span_id"]: s for s in traces[0]}
    assert set(spans) == {ROOT_ID, CHILD_ID}
    assert all(s["trace_id"] == TRACE_ID for s in spans.values())
    assert spans[ROOT_ID]["parent_id"] == 0 and spans[CHILD_ID]["parent_id"] == ROOT_ID
    assert spans[ROOT_ID]["meta"]["_dd.p.tid"] == "0123456789abcdef"
    assert spans[CHILD_ID]["error"] == 1 and spans[ROOT_ID]["duration"] == 247_782_900
    assert test_agent.check_failures(token, return_all=False) == ""
    assert any(t["trace_id"] == TRACE_ID for trace in test_agent.all_traces() for t in trace)


def test_test_agent_reports_a_wrong_trace_count(test_agent):
    token = "harness-bad-count"
    test_agent.start_session(token)
    status, body = test_agent.send_traces(hand_built_trace(time.time_ns()), trace_count=2, token=token)
    assert status == 400, body
    failures = test_agent.check_failures(token, return_all=False)
    assert "X-Datadog-Trace-Count value (2) does not match actual number of traces (1)" in failures
    test_agent.clear(token)
    assert test_agent.check_failures(token, return_all=False) == ""


def test_test_agent_requires_the_tracer_version_header(test_agent):
    import msgpack

    token = "harness-no-version"
    test_agent.start_session(token)
    body = msgpack.packb(hand_built_trace(time.time_ns()))
    req = urllib.request.Request(
        test_agent.url + "/v0.4/traces",
        data=body,
        method="PUT",
        headers={
            "Content-Type": "application/msgpack",
            "X-Datadog-Trace-Count": "1",
            "Datadog-Meta-Lang": "python",
            "X-Datadog-Test-Session-Token": token,
        },
    )
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 400
    assert "Datadog-Meta-Tracer-Version not found" in test_agent.check_failures(token, return_all=False)
    summary = test_agent.check_summary(token)
    assert summary["meta_tracer_version_header"]["Failed_Checks"] >= 1


# ---------------------------------------------------------------------------------------------
# Fake Datadog HTTP API
# ---------------------------------------------------------------------------------------------

KEY = "0123456789abcdef0123456789abcdef"
NOW = 1_795_773_930  # seconds

VALID = {
    FakeDatadogAPI.SERIES: {
        "series": [
            {
                "metric": "cta.error_rate",
                "type": 3,
                "interval": 10,
                "unit": "fraction",
                "points": [{"timestamp": NOW, "value": 0.125}],
                "resources": [{"name": "node-3", "type": "host"}],
                "tags": ["service:nova-api", "phase:after_fix", "run_id:run-1"],
            },
            {"metric": "cta.incidents.detected", "type": 1, "interval": 10, "points": [{"timestamp": NOW, "value": 1}]},
        ]
    },
    FakeDatadogAPI.DISTRIBUTIONS: {
        "series": [
            {
                "metric": "cta.request.latency",
                "points": [[NOW, [210.0, 250.5, 1900]]],
                "tags": ["service:nova-api", "phase:before_fix"],
                "type": "distribution",
            }
        ]
    },
    FakeDatadogAPI.EVENTS: {
        "title": "incident_detected",
        "text": "nova-api: error rate 15.15% above 10%",
        "date_happened": NOW,
        "priority": "normal",
        "alert_type": "error",
        "aggregation_key": "run-1",
        "source_type_name": "tracetail",
        "tags": ["service:nova-api", "source:tracetail"],
    },
}

INVALID = {
    FakeDatadogAPI.SERIES: [
        ({"series": [{"metric": "a", "type": 7, "points": [{"timestamp": NOW, "value": 1}]}]}, "not one of"),
        ({"series": [{"type": 3, "points": [{"timestamp": NOW, "value": 1}]}]}, "metric"),
        ({"series": [{"metric": "a", "points": [{"timestamp": NOW, "value": "1"}]}]}, "value"),
        ({"series": [{"metric": "a", "points": [{"timestamp": NOW, "value": 1}], "tag": ["x"]}]}, "unknown field"),
        ({"series": [{"metric": "a", "points": [{"timestamp": NOW * 10**9, "value": 1}]}]}, "not in seconds"),
        ({"metric": "a"}, "series"),
    ],
    FakeDatadogAPI.DISTRIBUTIONS: [
        ({"series": [{"metric": "a", "points": [[NOW, "x"]]}]}, "points"),
        ({"series": [{"metric": "a", "points": [[NOW, [1.0]]], "type": "gauge"}]}, "not one of"),
        ({"series": [{"points": [[NOW, [1.0]]]}]}, "metric"),
        ({"series": [{"metric": "a", "points": [[NOW * 1000, [1.0]]]}]}, "not in seconds"),
    ],
    FakeDatadogAPI.EVENTS: [
        ({"title": "t", "text": "x", "alert_type": "fatal"}, "not one of"),
        ({"text": "x"}, "title"),
        ({"title": "t", "text": "x", "date_happened": "yesterday"}, "date_happened"),
        ({"title": "t", "text": "x", "priority": "urgent"}, "not one of"),
    ],
}


def post(api, path, payload, key=KEY, compress=False, timeout=5.0, headers=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    h = {"Content-Type": "application/json"}
    if key is not None:
        h["DD-API-KEY"] = key
    if compress:
        body = gzip.compress(body)
        h["Content-Encoding"] = "gzip"
    h.update(headers or {})
    req = urllib.request.Request(api.url + path, data=body, method="POST", headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


@pytest.fixture
def api():
    with FakeDatadogAPI(api_key=KEY) as fake:
        yield fake


@pytest.mark.parametrize("path", sorted(VALID))
@pytest.mark.parametrize("compress", [False, True], ids=["identity", "gzip"])
def test_fake_api_accepts_and_records_valid_payloads(api, path, compress):
    status, _, body = post(api, path, VALID[path], compress=compress)
    assert status == 202, body
    assert api.accepted(path) == [VALID[path]]
    assert api.requests[0].header("Content-Encoding") == ("gzip" if compress else None)


@pytest.mark.parametrize("path", sorted(INVALID))
@pytest.mark.parametrize("compress", [False, True], ids=["identity", "gzip"])
def test_fake_api_rejects_invalid_payloads_with_a_reason(api, path, compress):
    for payload, reason in INVALID[path]:
        status, _, body = post(api, path, payload, compress=compress)
        assert status == 400, (payload, body)
        assert reason in body["errors"][0], (payload, body)
    assert api.accepted() == []
    assert len(api.requests) == len(INVALID[path])


def test_fake_api_helpers_flatten_what_was_accepted(api):
    for path, payload in VALID.items():
        assert post(api, path, payload)[0] == 202
    assert [s["metric"] for s in api.series()] == ["cta.error_rate", "cta.incidents.detected"]
    assert api.distribution_points()[0]["points"][0][1] == [210.0, 250.5, 1900]
    assert api.events()[0]["title"] == "incident_detected"


def test_fake_api_checks_key_encoding_and_json(api):
    path = FakeDatadogAPI.SERIES
    assert post(api, path, VALID[path], key=None)[0] == 403
    assert post(api, path, VALID[path], key="wrong")[0] == 403
    status, _, body = post(api, path, None, raw=b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"})
    assert status == 400 and "decompress" in body["errors"][0]
    assert post(api, path, None, raw=b"{}", headers={"Content-Encoding": "br"})[0] == 415
    assert post(api, path, None, raw=b'{"series": [', compress=True)[0] == 400
    nan = b'{"series":[{"metric":"a","points":[{"timestamp":%d,"value":NaN}]}]}' % NOW
    status, _, body = post(api, path, None, raw=nan)
    assert status == 400 and "NaN" in body["errors"][0]
    assert post(api, path, VALID[path], headers={"Content-Type": "text/plain"})[0] == 415
    assert post(api, "/api/v1/series", VALID[path])[0] == 404
    assert api.accepted() == [] and len(api.requests) == 8


def test_fake_api_reads_chunked_bodies_and_keeps_the_connection(api):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=5)
    try:
        for path in sorted(VALID):
            body = gzip.compress(json.dumps(VALID[path]).encode())
            pieces = iter([body[:10], body[10:]])
            headers = {"Content-Type": "application/json", "Content-Encoding": "gzip", "DD-API-KEY": KEY}
            conn.request("POST", path, body=pieces, headers=headers, encode_chunked=True)
            r = conn.getresponse()
            assert r.status == 202, r.read()
            r.read()
    finally:
        conn.close()
    assert [r.header("Transfer-Encoding") for r in api.requests] == ["chunked"] * 3
    assert len(api.accepted()) == 3


def test_fake_api_scripted_answers_then_back_to_validating(api):
    path = FakeDatadogAPI.SERIES
    api.script(429, headers={"Retry-After": "1"})
    api.script(503, count=2)
    api.script(400, body={"errors": ["Payload too large"]}, path=FakeDatadogAPI.EVENTS)
    status, headers, _ = post(api, path, VALID[path])
    assert status == 429 and headers["Retry-After"] == "1"
    assert post(api, path, VALID[path])[0] == 503
    assert post(api, path, VALID[path])[0] == 503
    assert post(api, path, VALID[path])[0] == 202
    # The events answer waits for a request to its path; other paths are validated meanwhile.
    assert post(api, FakeDatadogAPI.DISTRIBUTIONS, VALID[FakeDatadogAPI.DISTRIBUTIONS])[0] == 202
    status, _, body = post(api, FakeDatadogAPI.EVENTS, VALID[FakeDatadogAPI.EVENTS])
    assert status == 400 and body == {"errors": ["Payload too large"]}
    assert post(api, FakeDatadogAPI.EVENTS, VALID[FakeDatadogAPI.EVENTS])[0] == 202
    assert [r.status for r in api.requests] == [429, 503, 503, 202, 202, 400, 202]
    assert [r.reason for r in api.requests].count("scripted") == 4
    assert len(api.accepted()) == 3


def test_fake_api_slow_answers(api):
    path = FakeDatadogAPI.SERIES
    api.script(202, delay=1.5)
    t = time.monotonic()
    with pytest.raises((socket.timeout, TimeoutError, urllib.error.URLError)):
        post(api, path, VALID[path], timeout=0.3)
    assert time.monotonic() - t < 1.4
    api.delay = 0.4
    t = time.monotonic()
    assert post(api, path, VALID[path], timeout=5)[0] == 202
    assert time.monotonic() - t >= 0.4
    api.wait_for_requests(2, timeout=5)


def test_conftest_fixtures_start_the_three_peers(dogstatsd, dd_test_agent, fake_datadog_api):
    send_udp(dogstatsd.port, b"cta.requests:1|g")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as u:
        u.sendto(b"cta.requests:2|g", dogstatsd.uds_path)
    dogstatsd.wait_for(lambda l: len(l.metrics_named("cta.requests")) == 2, timeout=10)
    assert dd_test_agent.info()["endpoints"]
    status, _, _ = post(fake_datadog_api, FakeDatadogAPI.EVENTS, VALID[FakeDatadogAPI.EVENTS], key=fake_datadog_api.api_key)
    assert status == 202
