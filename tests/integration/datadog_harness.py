"""Local stand-ins for the three Datadog peers TraceTail talks to, for process tests.

* `DogStatsDListener` - a UDP (and optionally Unix datagram) socket on 127.0.0.1 that keeps
  every datagram and parses it with a strict DogStatsD grammar (ANCHORS 3.1). Anything the
  grammar does not allow is recorded in `errors` together with its datagram, never dropped.
* `TestAgent` - Datadog's own `ddapm-test-agent` (PyPI) as a subprocess on free loopback
  ports: the trace intake `PUT /v0.4/traces` with its header and payload checks (ANCHORS 3.2).
* `FakeDatadogAPI` - an HTTP server for `POST /api/v2/series`, `/api/v1/distribution_points`
  and `/api/v1/events` (ANCHORS 3.3) that checks the `DD-API-KEY` header, gunzips, and
  validates every body with the models of `datadog-api-client`, strictly (`validate_model`).
  It can be scripted to answer the next requests with given statuses (429, 503, ...) or slowly.

Every wait here is bounded; every socket is on 127.0.0.1 (or a Unix path); nothing reaches the
internet.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gzip
import http.server
import json
import math
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate: Callable[[], Any], timeout: float, message: str = "condition", interval: float = 0.02):
    """Polls `predicate` until it returns something truthy (returned) or `timeout` s pass (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# DogStatsD: a strict parser of ANCHORS 3.1
# ---------------------------------------------------------------------------------------------

METRIC_TYPES = ("c", "g", "ms", "h", "s", "d")
SAMPLED_TYPES = ("c", "h", "d", "ms")  # `@rate` is allowed on these only
TIMESTAMPED_TYPES = ("c", "g")  # `|T` only on counts and gauges (ANCHORS 3.1: never h/d with |T)
EVENT_PRIORITIES = ("normal", "low")
EVENT_ALERT_TYPES = ("error", "warning", "info", "success")
SERVICE_CHECK_STATUSES = (0, 1, 2, 3)

_NAME = re.compile(r"[A-Za-z0-9_.]+")
# A finite decimal number, nothing else: no whitespace, `nan`, `inf`, `0x..`, `1_000`.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_UNSIGNED = re.compile(r"[0-9]+")
_EVENT_HEADER = re.compile(rb"_e\{([0-9]+),([0-9]+)\}:")


class DogStatsDError(ValueError):
    """A message that the grammar of ANCHORS 3.1 does not allow."""


@dataclasses.dataclass
class Metric:
    name: str
    type: str
    values: List[Union[float, str]]  # floats; one string for a set (`s`)
    sample_rate: Optional[float] = None
    tags: List[str] = dataclasses.field(default_factory=list)
    timestamp: Optional[int] = None  # `|T` unix seconds
    container_id: Optional[str] = None  # `|c:`
    external_data: Optional[str] = None  # `|e:`
    cardinality: Optional[str] = None  # `|card:`
    raw: str = ""

    kind = "metric"

    @property
    def value(self):
        assert len(self.values) == 1, f"{self.name} packs {len(self.values)} values"
        return self.values[0]

    @property
    def tag_dict(self) -> Dict[str, Optional[str]]:
        return tag_dict(self.tags)


@dataclasses.dataclass
class Event:
    title: str
    text: str  # with the wire's two-character `\n` turned into newlines, as the Agent does
    timestamp: Optional[int] = None  # d:
    hostname: Optional[str] = None  # h:
    aggregation_key: Optional[str] = None  # k:
    priority: Optional[str] = None  # p:
    source_type: Optional[str] = None  # s:
    alert_type: Optional[str] = None  # t:
    tags: List[str] = dataclasses.field(default_factory=list)
    raw: str = ""

    kind = "event"

    @property
    def tag_dict(self) -> Dict[str, Optional[str]]:
        return tag_dict(self.tags)


@dataclasses.dataclass
class ServiceCheck:
    name: str
    status: int
    timestamp: Optional[int] = None  # d:
    hostname: Optional[str] = None  # h:
    message: Optional[str] = None  # m:
    tags: List[str] = dataclasses.field(default_factory=list)
    raw: str = ""

    kind = "service_check"

    @property
    def tag_dict(self) -> Dict[str, Optional[str]]:
        return tag_dict(self.tags)


Message = Union[Metric, Event, ServiceCheck]


def tag_dict(tags: Sequence[str]) -> Dict[str, Optional[str]]:
    """`["a:b:c", "d"]` -> `{"a": "b:c", "d": None}` (only the first `:` splits)."""
    out: Dict[str, Optional[str]] = {}
    for tag in tags:
        key, sep, value = tag.partition(":")
        out[key] = value if sep else None
    return out


def _finite(text: str, what: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise DogStatsDError(f"{what} {text!r} is not a decimal number")
    value = float(text)
    if not math.isfinite(value):
        raise DogStatsDError(f"{what} {text!r} is not finite")
    return value


def _positive_seconds(text: str, what: str) -> int:
    if not _UNSIGNED.fullmatch(text):
        raise DogStatsDError(f"{what} {text!r} is not an integer of unix seconds")
    value = int(text)
    if value <= 0:
        raise DogStatsDError(f"{what} must be > 0, got {value}")
    return value


def _parse_tags(text: str) -> List[str]:
    """The part after `#`: tags separated by `,`; each `key[:value]` with a non-empty key."""
    if text == "":
        raise DogStatsDError("empty tag section '#'")
    tags = text.split(",")
    for tag in tags:
        if tag == "":
            raise DogStatsDError(f"empty tag in {text!r}")
        key = tag.partition(":")[0]
        if key == "":
            raise DogStatsDError(f"tag {tag!r} has an empty key")
        # `|`, `,` and newline cannot be inside (they split); anything else that is a control
        # character is a bug in the sender.
        if any(ord(ch) < 0x20 or ch == "\x7f" for ch in tag):
            raise DogStatsDError(f"tag {tag!r} has a control character")
    return tags


def _check_name(name: str, what: str):
    if not _NAME.fullmatch(name):
        raise DogStatsDError(f"{what} {name!r} must be non-empty ASCII letters, digits, '_' and '.'")


def _nonempty(value: str, what: str) -> str:
    if value == "":
        raise DogStatsDError(f"empty {what}")
    return value


def parse_metric(message: str, allow_unknown_fields: bool = False) -> Metric:
    fields = message.split("|")
    name, sep, values_text = fields[0].partition(":")
    if not sep:
        raise DogStatsDError(f"no ':' between name and value in {fields[0]!r}")
    _check_name(name, "metric name")
    if len(fields) < 2:
        raise DogStatsDError("no '|type'")
    mtype = fields[1]
    if mtype not in METRIC_TYPES:
        raise DogStatsDError(f"unknown metric type {mtype!r} (want one of {', '.join(METRIC_TYPES)})")
    if mtype == "s":
        # A set counts distinct strings; no value packing (ANCHORS 3.1).
        values: List[Union[float, str]] = [_nonempty(values_text, "set value")]
    else:
        values = [_finite(v, "value") for v in values_text.split(":")]
    metric = Metric(name=name, type=mtype, values=values, raw=message)
    seen = set()
    for field in fields[2:]:
        if field == "":
            raise DogStatsDError("empty field between '|'")
        if field.startswith("@"):
            key = "@"
        elif field.startswith("#"):
            key = "#"
        elif field.startswith("card:"):
            key = "card:"
        elif field.startswith("c:") or field.startswith("e:"):
            key = field[:2]
        elif field.startswith("T"):
            key = "T"
        else:
            if allow_unknown_fields:
                continue
            raise DogStatsDError(f"unknown metric field {field!r}")
        if key in seen:
            raise DogStatsDError(f"field {key!r} given twice")
        seen.add(key)
        body = field[len(key) :]
        if key == "@":
            if mtype not in SAMPLED_TYPES:
                raise DogStatsDError(f"sample rate on a {mtype!r} metric (only {', '.join(SAMPLED_TYPES)})")
            rate = _finite(body, "sample rate")
            if not 0 <= rate <= 1:
                raise DogStatsDError(f"sample rate {rate} outside 0..1")
            metric.sample_rate = rate
        elif key == "#":
            metric.tags = _parse_tags(body)
        elif key == "T":
            if mtype not in TIMESTAMPED_TYPES:
                raise DogStatsDError(f"'|T' timestamp on a {mtype!r} metric (only counts and gauges)")
            metric.timestamp = _positive_seconds(body, "timestamp")
        elif key == "c:":
            metric.container_id = _nonempty(body, "container field 'c:'")
        elif key == "e:":
            metric.external_data = _nonempty(body, "external data field 'e:'")
        elif key == "card:":
            metric.cardinality = _nonempty(body, "cardinality field 'card:'")
    return metric


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DogStatsDError(f"{what} is not valid UTF-8: {e}") from None


def parse_event(message: bytes, allow_unknown_fields: bool = False) -> Event:
    """`_e{title-bytes,text-bytes}:title|text|fields`; the lengths are UTF-8 byte counts."""
    header = _EVENT_HEADER.match(message)
    if not header:
        raise DogStatsDError("event header must be '_e{<title bytes>,<text bytes>}:'")
    title_len, text_len = int(header.group(1)), int(header.group(2))
    body = message[header.end() :]
    if title_len == 0:
        raise DogStatsDError("empty event title")
    if len(body) < title_len + 1 + text_len:
        raise DogStatsDError(
            f"event is {len(body)} bytes after its header, shorter than title {title_len} + '|' + text {text_len}"
        )
    title_b = body[:title_len]
    if body[title_len : title_len + 1] != b"|":
        raise DogStatsDError(f"byte {title_len} after the header is not the '|' ending the title (wrong title length?)")
    text_b = body[title_len + 1 : title_len + 1 + text_len]
    rest = body[title_len + 1 + text_len :]
    if rest and not rest.startswith(b"|"):
        raise DogStatsDError("the event text does not end where its byte length says (wrong text length?)")
    title = _utf8(title_b, "event title")
    text = _utf8(text_b, "event text")
    event = Event(title=title.replace("\\n", "\n"), text=text.replace("\\n", "\n"), raw=_utf8(message, "event"))
    seen = set()
    for field in _utf8(rest, "event fields").split("|")[1:]:
        if field == "":
            raise DogStatsDError("empty event field between '|'")
        key = "#" if field.startswith("#") else field[:2]
        if key not in ("#", "d:", "h:", "k:", "p:", "s:", "t:"):
            if allow_unknown_fields:
                continue
            raise DogStatsDError(f"unknown event field {field!r}")
        if key in seen:
            raise DogStatsDError(f"event field {key!r} given twice")
        seen.add(key)
        value = field[len(key) :]
        if key == "#":
            event.tags = _parse_tags(value)
        elif key == "d:":
            event.timestamp = _positive_seconds(value, "event date 'd:'")
        elif key == "h:":
            event.hostname = _nonempty(value, "event hostname 'h:'")
        elif key == "k:":
            event.aggregation_key = _nonempty(value, "event aggregation key 'k:'")
        elif key == "p:":
            if value not in EVENT_PRIORITIES:
                raise DogStatsDError(f"event priority {value!r} not one of {EVENT_PRIORITIES}")
            event.priority = value
        elif key == "s:":
            event.source_type = _nonempty(value, "event source type 's:'")
        elif key == "t:":
            if value not in EVENT_ALERT_TYPES:
                raise DogStatsDError(f"event alert type {value!r} not one of {EVENT_ALERT_TYPES}")
            event.alert_type = value
    return event


def parse_service_check(message: str, allow_unknown_fields: bool = False) -> ServiceCheck:
    """`_sc|name|status|fields` with status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."""
    fields = message.split("|")
    if len(fields) < 3:
        raise DogStatsDError("service check needs '_sc|<name>|<status>'")
    name = fields[1]
    _check_name(name, "service check name")
    if fields[2] not in ("0", "1", "2", "3"):
        raise DogStatsDError(f"service check status {fields[2]!r} not one of 0 1 2 3")
    check = ServiceCheck(name=name, status=int(fields[2]), raw=message)
    seen = set()
    for field in fields[3:]:
        if field == "":
            raise DogStatsDError("empty service check field between '|'")
        key = "#" if field.startswith("#") else field[:2]
        if key not in ("#", "d:", "h:", "m:"):
            if allow_unknown_fields:
                continue
            raise DogStatsDError(f"unknown service check field {field!r}")
        if key in seen:
            raise DogStatsDError(f"service check field {key!r} given twice")
        seen.add(key)
        value = field[len(key) :]
        if key == "#":
            check.tags = _parse_tags(value)
        elif key == "d:":
            check.timestamp = _positive_seconds(value, "service check date 'd:'")
        elif key == "h:":
            check.hostname = _nonempty(value, "service check hostname 'h:'")
        elif key == "m:":
            check.message = value.replace("\\n", "\n")
    return check


def parse_message(message: bytes, allow_unknown_fields: bool = False) -> Message:
    """One DogStatsD message (no newline). Raises DogStatsDError when the grammar is broken."""
    if message == b"":
        raise DogStatsDError("empty message")
    if message.startswith(b"_e{"):
        return parse_event(message, allow_unknown_fields)
    text = _utf8(message, "message")
    if text.startswith("_sc|"):
        return parse_service_check(text, allow_unknown_fields)
    return parse_metric(text, allow_unknown_fields)


@dataclasses.dataclass
class ParseError:
    datagram: bytes
    message: bytes  # the offending message (the whole datagram for datagram-level errors)
    reason: str
    transport: str = ""

    def __str__(self):
        return f"{self.reason}: {self.message!r} (in datagram {self.datagram[:200]!r})"


def parse_datagram(
    datagram: bytes, allow_unknown_fields: bool = False, max_bytes: Optional[int] = None
) -> Tuple[List[Message], List[ParseError]]:
    """`packet = message *( LF message ) [ LF ]`: messages, and the errors of those that break
    the grammar (an empty line inside the packet is one). A datagram over `max_bytes` (the Agent
    reads `dogstatsd_buffer_size` = 8192) is an error as a whole: the Agent would cut it."""
    if max_bytes is not None and len(datagram) > max_bytes:
        return [], [ParseError(datagram, datagram, f"datagram of {len(datagram)} bytes exceeds {max_bytes}")]
    body = datagram[:-1] if datagram.endswith(b"\n") else datagram
    messages: List[Message] = []
    errors: List[ParseError] = []
    for line in body.split(b"\n"):
        try:
            messages.append(parse_message(line, allow_unknown_fields))
        except DogStatsDError as e:
            errors.append(ParseError(datagram, line, str(e)))
    return messages, errors


class DogStatsDListener:
    """Collects DogStatsD datagrams on 127.0.0.1 UDP (ephemeral port) and, with `uds_path`, on a
    Unix datagram socket. Use as a context manager; `port`/`uds_path` tell where to send.

    Read what arrived: `datagrams` [(transport, bytes)], `messages`, `metrics`, `events`,
    `service_checks`, `errors` (ParseError with the datagram); `metrics_named(name)`,
    `wait_for(predicate, timeout)`, `wait_for_metric(name, timeout)`. `assert_no_errors()`.
    """

    def __init__(
        self,
        uds_path: Optional[str] = None,
        udp: bool = True,
        max_datagram_bytes: Optional[int] = 8192,
        allow_unknown_fields: bool = False,
        rcvbuf: int = 4 << 20,
    ):
        self.uds_path = uds_path
        self.udp = udp
        self.max_datagram_bytes = max_datagram_bytes
        self.allow_unknown_fields = allow_unknown_fields
        self.rcvbuf = rcvbuf
        self.port: Optional[int] = None
        self.datagrams: List[Tuple[str, bytes]] = []
        self.messages: List[Message] = []
        self.errors: List[ParseError] = []
        self._lock = threading.Lock()
        self._sockets: List[Tuple[str, socket.socket]] = []
        self._stop_r, self._stop_w = None, None
        self._thread: Optional[threading.Thread] = None

    @property
    def address(self) -> Tuple[str, int]:
        return ("127.0.0.1", self.port)

    def start(self) -> "DogStatsDListener":
        if self.udp:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            with contextlib.suppress(OSError):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
            self._sockets.append(("udp", s))
        if self.uds_path:
            if os.path.exists(self.uds_path):
                os.unlink(self.uds_path)
            u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            with contextlib.suppress(OSError):
                u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
            u.bind(self.uds_path)
            self._sockets.append(("uds", u))
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="dogstatsd-listener", daemon=True)
        self._thread.start()
        return self

    def _run(self):
        fds = {s.fileno(): (transport, s) for transport, s in self._sockets}
        while True:
            ready, _, _ = select.select(list(fds) + [self._stop_r], [], [], 1.0)
            if self._stop_r in ready:
                # Drain what is already queued before leaving.
                for transport, s in self._sockets:
                    s.setblocking(False)
                    while True:
                        try:
                            self._receive(transport, s.recv(65536))
                        except (BlockingIOError, OSError):
                            break
                return
            for fd in ready:
                transport, s = fds[fd]
                self._receive(transport, s.recv(65536))

    def _receive(self, transport: str, datagram: bytes):
        messages, errors = parse_datagram(datagram, self.allow_unknown_fields, self.max_datagram_bytes)
        for e in errors:
            e.transport = transport
        with self._lock:
            self.datagrams.append((transport, datagram))
            self.messages.extend(messages)
            self.errors.extend(errors)

    def stop(self):
        if self._thread is not None:
            os.write(self._stop_w, b"x")
            self._thread.join(timeout=5)
            self._thread = None
        for _, s in self._sockets:
            s.close()
        self._sockets = []
        for fd in (self._stop_r, self._stop_w):
            if fd is not None:
                os.close(fd)
        self._stop_r = self._stop_w = None
        if self.uds_path and os.path.exists(self.uds_path):
            os.unlink(self.uds_path)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # What arrived (copies, safe while the thread runs).
    def snapshot(self) -> Tuple[List[Message], List[ParseError]]:
        with self._lock:
            return list(self.messages), list(self.errors)

    @property
    def metrics(self) -> List[Metric]:
        return [m for m in self.snapshot()[0] if isinstance(m, Metric)]

    @property
    def events(self) -> List[Event]:
        return [m for m in self.snapshot()[0] if isinstance(m, Event)]

    @property
    def service_checks(self) -> List[ServiceCheck]:
        return [m for m in self.snapshot()[0] if isinstance(m, ServiceCheck)]

    def metrics_named(self, name: str) -> List[Metric]:
        return [m for m in self.metrics if m.name == name]

    def wait_for(self, predicate: Callable[["DogStatsDListener"], Any], timeout: float = 10, message="datagrams"):
        return wait_until(lambda: predicate(self), timeout, message)

    def wait_for_datagrams(self, n: int, timeout: float = 10):
        return self.wait_for(lambda l: len(l.datagrams) >= n, timeout, f"{n} datagrams")

    def wait_for_metric(self, name: str, timeout: float = 10) -> List[Metric]:
        return self.wait_for(lambda l: l.metrics_named(name), timeout, f"metric {name}")

    def assert_no_errors(self):
        errors = self.snapshot()[1]
        assert not errors, "DogStatsD grammar errors:\n" + "\n".join(str(e) for e in errors[:20])


# ---------------------------------------------------------------------------------------------
# ddapm-test-agent
# ---------------------------------------------------------------------------------------------


def _http(method: str, url: str, body: Optional[bytes] = None, headers=None, timeout: float = 5.0):
    """(status, headers, body bytes); HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers or {}), e.read()


class TestAgent:
    """Datadog's `ddapm-test-agent` on free 127.0.0.1 ports (trace port, OTLP HTTP and gRPC), with
    the v0.4 header checks on (`trace_count_header`, `meta_tracer_version_header`,
    `trace_content_length`) and failures pooled, so they can be read back. Nothing is forwarded
    anywhere (no agent URL, no API key, LLM Obs forwarding off).

        with TestAgent() as agent:
            agent.start_session("t1")
            ... point the sink at agent.url (host 127.0.0.1, agent.port) ...
            traces = agent.wait_for_traces(1, token="t1")
            assert agent.check_failures() == ""
    """

    __test__ = False  # not a pytest class
    DEFAULT_CHECKS = ("trace_count_header", "meta_tracer_version_header", "trace_content_length")

    def __init__(
        self,
        workdir: Optional[str] = None,
        enabled_checks: Sequence[str] = DEFAULT_CHECKS,
        startup_timeout: float = 20.0,
        extra_args: Sequence[str] = (),
    ):
        self.enabled_checks = list(enabled_checks)
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args)
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="ddapm-test-agent-")
        self.port = free_port()
        self.otlp_http_port = free_port()
        self.otlp_grpc_port = free_port()
        while len({self.port, self.otlp_http_port, self.otlp_grpc_port}) < 3:
            self.otlp_grpc_port = free_port()
        self.proc: Optional[subprocess.Popen] = None
        self.log_path = os.path.join(self.workdir, "test-agent.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def otlp_http_url(self) -> str:
        return f"http://127.0.0.1:{self.otlp_http_port}"

    def command(self) -> List[str]:
        # The interpreter running the tests has the package (the console script may be another's).
        prefix = [sys.executable, "-c", "from ddapm_test_agent.agent import main; main()"]
        return prefix + [
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--otlp-http-port", str(self.otlp_http_port),
            "--otlp-grpc-port", str(self.otlp_grpc_port),
            "--snapshot-dir", os.path.join(self.workdir, "snapshots"),
            "--vcr-cassettes-directory", os.path.join(self.workdir, "vcr-cassettes"),
            "--disable-llmobs-data-forwarding",
            "--log-level", "INFO",
        ] + self.extra_args  # fmt: skip

    def environment(self) -> Dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            # Nothing that would make it forward to a real agent or check a key over the network.
            if not (k.startswith("DD_") or k.startswith("DATADOG_") or k in ("PORT", "HOST", "ENABLED_CHECKS"))
        }
        # `--enabled-checks` and `--pool-trace-check-failures` are typed List[str] / bool in this
        # version's argparse, which breaks on the command line; its environment variables work.
        env["ENABLED_CHECKS"] = ",".join(self.enabled_checks)
        env["DD_POOL_TRACE_CHECK_FAILURES"] = "1"
        env["DISABLE_LLMOBS_DATA_FORWARDING"] = "true"
        return env

    def start(self) -> "TestAgent":
        os.makedirs(os.path.join(self.workdir, "snapshots"), exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"ddapm-test-agent exited {self.proc.returncode}:\n{self.log()[-3000:]}")
            try:
                status, _, _ = _http("GET", self.url + "/info", timeout=1)
                if status == 200:
                    return self
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() >= deadline:
                self.stop()
                raise AssertionError(f"ddapm-test-agent did not answer /info in {self.startup_timeout} s")
            time.sleep(0.1)

    def stop(self, timeout: float = 10):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # -- the agent's test API ------------------------------------------------------------------
    def _get(self, path: str, token: Optional[str] = None, query: str = ""):
        params = []
        if token is not None:
            params.append("test_session_token=" + urllib.request.quote(token))
        if query:
            params.append(query)
        url = self.url + path + ("?" + "&".join(params) if params else "")
        return _http("GET", url, timeout=5)

    def info(self) -> dict:
        status, _, body = self._get("/info")
        assert status == 200, (status, body)
        return json.loads(body)

    def start_session(self, token: Optional[str] = None):
        """`/test/session/start`: traces sent after this with the token (or with none) belong to it."""
        status, _, body = self._get("/test/session/start", token)
        assert status == 200, (status, body)

    def traces(self, token: Optional[str] = None) -> List[List[dict]]:
        """`/test/session/traces`: the session's traces, spans grouped by trace_id (ids as ints)."""
        status, _, body = self._get("/test/session/traces", token)
        assert status == 200, (status, body)
        return json.loads(body)

    def all_traces(self) -> List[List[dict]]:
        """`/test/traces`: every trace received, whatever the session."""
        status, _, body = self._get("/test/traces")
        assert status == 200, (status, body)
        return json.loads(body)

    def spans(self, token: Optional[str] = None) -> List[dict]:
        return [span for trace in self.traces(token) for span in trace]

    def wait_for_traces(self, n: int, token: Optional[str] = None, timeout: float = 10) -> List[List[dict]]:
        return wait_until(lambda: (lambda t: t if len(t) >= n else None)(self.traces(token)), timeout, f"{n} traces")

    def requests(self, token: Optional[str] = None) -> List[dict]:
        """`/test/session/requests`: every request of the session (headers, body base64)."""
        status, _, body = self._get("/test/session/requests", token)
        assert status == 200, (status, body)
        return json.loads(body)

    def clear(self, token: Optional[str] = None):
        """`/test/session/clear` and `/test/trace_check/clear`: forget the session's requests and
        check failures (all of them with no token)."""
        status, _, body = self._get("/test/session/clear", token)
        assert status == 200, (status, body)
        status, _, body = self._get("/test/trace_check/clear", token, "" if token else "clear_all=true")
        assert status == 200, (status, body)

    def check_failures(self, token: Optional[str] = None, return_all: bool = True) -> str:
        """`/test/trace_check/failures`: "" when no check failed, else the agent's report (text).
        With `return_all` (default) failures of every session, else only of `token`'s."""
        status, _, body = self._get("/test/trace_check/failures", token, "return_all=true" if return_all else "")
        if status == 200:
            return ""
        assert status == 400, (status, body)
        return body.decode("utf-8", "replace")

    def check_summary(self, token: Optional[str] = None) -> dict:
        """`/test/trace_check/summary`: per check, passed/failed/skipped counts."""
        status, _, body = self._get("/test/trace_check/summary", token, "return_all=true")
        assert status == 200, (status, body)
        return json.loads(body)

    def send_traces(
        self,
        traces: List[List[dict]],
        trace_count: Optional[Union[int, str]] = None,
        token: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        method: str = "PUT",
    ):
        """PUT a msgpack v0.4 body with the headers a tracer sends (`trace_count` overrides
        X-Datadog-Trace-Count). Returns (status, body)."""
        import msgpack

        body = msgpack.packb(traces)
        h = {
            "Content-Type": "application/msgpack",
            "X-Datadog-Trace-Count": str(len(traces) if trace_count is None else trace_count),
            "Datadog-Meta-Tracer-Version": "0.0.1",
            "Datadog-Meta-Lang": "python",
            "Datadog-Meta-Lang-Version": "%d.%d" % sys.version_info[:2],
        }
        if token is not None:
            h["X-Datadog-Test-Session-Token"] = token
        h.update(headers or {})
        status, _, answer = _http(method, self.url + "/v0.4/traces", body, h, timeout=10)
        return status, answer


# ---------------------------------------------------------------------------------------------
# datadog-api-client models, used strictly
# ---------------------------------------------------------------------------------------------


class ModelValidationError(ValueError):
    pass


_API_CLIENT = None


def _api_client():
    global _API_CLIENT
    if _API_CLIENT is None:
        from datadog_api_client import ApiClient, Configuration

        _API_CLIENT = ApiClient(Configuration())
    return _API_CLIENT


def model_problems(
    obj, path="$", allow_unknown_fields=False, expected=None, allow_deprecated=True
) -> List[str]:
    """What the client's lenient deserialisation let through: parts that matched no schema
    (`UnparsedObject`, an enum value not allowed, a oneOf that matched none or several) and, unless
    `allow_unknown_fields`, keys the model does not know (the client keeps them as additional
    properties; a typo such as `"metrc"` would otherwise pass); unless `allow_deprecated`, fields
    the API marks **Deprecated**."""
    kw = dict(allow_unknown_fields=allow_unknown_fields, allow_deprecated=allow_deprecated)
    from datadog_api_client.model_utils import ModelComposed, ModelNormal, ModelSimple, UnparsedObject

    problems: List[str] = []
    if isinstance(obj, UnparsedObject):
        keys = sorted(obj._data_store) if isinstance(obj._data_store, dict) else obj._data_store
        why = ""
        if isinstance(expected, type) and issubclass(expected, ModelNormal) and isinstance(obj._data_store, dict):
            try:
                validate_model(obj._data_store, expected, allow_unknown_fields)
            except ModelValidationError as e:
                why = f": {e}"
        problems.append(f"{path}: matches no schema (keys {keys}){why}")
    elif isinstance(obj, ModelSimple):
        if obj._unparsed:
            problems.append(f"{path}: {obj.value!r} is not one of {sorted(map(str, obj.allowed_values))}")
    elif isinstance(obj, ModelComposed):
        instances = obj._composed_instances
        if not instances or any(isinstance(i, UnparsedObject) for i in instances):
            raw = instances[0]._data_store if instances and isinstance(instances[0], UnparsedObject) else None
            problems.append(f"{path}: matches none (or several) of the {type(obj).__name__} schemas"
                            + _explain_one_of(type(obj), raw))
        for inst in instances:
            if not isinstance(inst, UnparsedObject):
                problems += model_problems(inst, path, **kw)
    elif isinstance(obj, ModelNormal):
        known = set(type(obj).attribute_map)
        deprecated = set() if allow_deprecated else _deprecated_fields(type(obj))
        for key, value in obj._data_store.items():
            name = type(obj).attribute_map.get(key, key)
            if key not in known and not allow_unknown_fields:
                problems.append(f"{path}.{name}: unknown field of {type(obj).__name__}")
            if key in deprecated:
                problems.append(f"{path}.{name}: deprecated field of {type(obj).__name__}")
            problems += model_problems(value, f"{path}.{name}", expected=_expected(obj, key), **kw)
        if obj._unparsed and not problems:
            problems.append(f"{path}: {type(obj).__name__} did not parse")
    elif isinstance(obj, list):
        inner = expected[0] if isinstance(expected, list) and expected else None
        for i, item in enumerate(obj):
            problems += model_problems(item, f"{path}[{i}]", expected=inner, **kw)
    elif isinstance(obj, dict):
        for key, item in obj.items():
            problems += model_problems(item, f"{path}.{key}", **kw)
    return problems


_DEPRECATED: Dict[type, frozenset] = {}


def _deprecated_fields(cls) -> frozenset:
    """The fields a generated model's docstring marks `**Deprecated**` (the API spec's flag)."""
    if cls not in _DEPRECATED:
        doc = cls.__init__.__doc__ or ""
        params = re.findall(r":param (\w+):(.*?)(?=\n\s*:param |\Z)", doc, re.S)
        _DEPRECATED[cls] = frozenset(name for name, text in params if "**Deprecated**" in text)
    return _DEPRECATED[cls]


def _expected(model, key):
    """The declared type of a model's field: a class, or [class] for a list of them."""
    try:
        types = type(model).openapi_types.get(key)
    except Exception:
        return None
    return types[0] if types and len(types) == 1 else None


def _explain_one_of(composed_class, raw) -> str:
    """Why `raw` fits none of the oneOf schemas: the errors against the schemas whose `type`
    enum allows raw's `type` (the discriminator of widget definitions, queries, ...)."""
    if not isinstance(raw, dict):
        return ""
    candidates = []
    for cls in composed_class._composed_schemas.get("oneOf", ()):
        try:
            type_enum = cls.openapi_types["type"][0]
            allowed = {str(v) for v in getattr(type_enum, "allowed_values", ())}
        except (AttributeError, KeyError, TypeError, IndexError):
            continue
        if "type" in raw and str(raw["type"]) in allowed:
            candidates.append(cls)
    if not candidates:
        return f" (no schema has type {raw.get('type')!r})" if "type" in raw else ""
    reasons = []
    for cls in candidates[:3]:
        try:
            validate_model(raw, cls)
        except ModelValidationError as e:
            reasons.append(str(e))
    return (" (" + "; ".join(reasons) + ")") if reasons else " (it matches several schemas)"


def validate_model(data: Any, model_class, allow_unknown_fields: bool = False, allow_deprecated: bool = True):
    """Deserialises `data` (parsed JSON) into `model_class` through the client's own response
    deserialisation (`ApiClient.deserialize`, type checking on) and returns the model; raises
    ModelValidationError with every problem (wrong types, missing required fields, values outside
    an enum, parts matching no schema, unknown fields, and deprecated ones unless allowed)."""
    try:
        obj = _api_client().deserialize(json.dumps(data), (model_class,), True)
    except Exception as e:  # ApiTypeError, ApiValueError, TypeError for missing required args
        raise ModelValidationError(f"{model_class.__name__}: {type(e).__name__}: {e}") from None
    if not isinstance(obj, model_class):
        raise ModelValidationError(f"{model_class.__name__}: got {type(obj).__name__}")
    problems = model_problems(obj, "$", allow_unknown_fields, allow_deprecated=allow_deprecated)
    if problems:
        raise ModelValidationError(f"{model_class.__name__}: " + "; ".join(problems))
    return obj


# ---------------------------------------------------------------------------------------------
# A fake Datadog HTTP API
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Scripted:
    """A canned answer for the next `count` requests (to `path`, or any with None)."""

    status: int
    headers: Dict[str, str] = dataclasses.field(default_factory=dict)
    body: Union[bytes, str, dict, None] = None
    delay: float = 0.0
    count: int = 1
    path: Optional[str] = None


@dataclasses.dataclass
class APIRequest:
    method: str
    path: str
    headers: Dict[str, str]
    raw: bytes  # as received (maybe gzip)
    body: Optional[bytes]  # decoded, when it could be
    status: int = 0  # what was answered
    reason: str = ""  # why, when not 2xx
    payload: Any = None  # the JSON, when accepted
    time: float = 0.0

    def header(self, name: str) -> Optional[str]:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


class FakeDatadogAPI:
    """`POST /api/v2/series`, `/api/v1/distribution_points`, `/api/v1/events` on 127.0.0.1.

    Checks, in order: a scripted answer waiting (`script`) wins; `DD-API-KEY` must equal
    `api_key` (403); `Content-Encoding` gzip, deflate or identity (415 otherwise, 400 when it
    does not decompress); size limits (413); `Content-Type: application/json` (415); JSON
    (400); the datadog-api-client model, strictly (400 with the reason); timestamps in seconds
    (400: a ms or ns timestamp is accepted by the real API and then never shows). Valid: 202
    and the payload is recorded.

    Read: `requests` (every one, APIRequest), `accepted(path)` payloads, `series()`,
    `distribution_points()`, `events()`; `wait_for(predicate, timeout)`.
    """

    SERIES = "/api/v2/series"
    DISTRIBUTIONS = "/api/v1/distribution_points"
    EVENTS = "/api/v1/events"
    MAX_COMPRESSED = 500 * 1000  # ANCHORS 3.3: 500 KB compressed, 5 MB decompressed
    MAX_DECOMPRESSED = 5 * 1000 * 1000

    def __init__(self, api_key: str = "fake-api-key-0123456789", allow_unknown_fields: bool = False):
        self.api_key = api_key
        self.allow_unknown_fields = allow_unknown_fields
        self.delay = 0.0  # seconds before every answer (a slow endpoint)
        self.requests: List[APIRequest] = []
        self._script: List[Scripted] = []
        self._lock = threading.Lock()
        self._server: Optional[http.server.ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self.port: Optional[int] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FakeDatadogAPI":
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                api._handle(self)

            def do_GET(self):
                api._handle(self)

            def do_PUT(self):
                api._handle(self)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- scripting ---------------------------------------------------------------------------
    def script(
        self,
        status: int,
        headers: Optional[Dict[str, str]] = None,
        body: Union[bytes, str, dict, None] = None,
        count: int = 1,
        delay: float = 0.0,
        path: Optional[str] = None,
    ):
        """Answer the next `count` requests (to `path`, or any) with `status`/`headers`/`body`
        after `delay` s, instead of validating them. Queued answers are used in order."""
        with self._lock:
            self._script.append(Scripted(status, dict(headers or {}), body, delay, count, path))

    def _next_scripted(self, path: str) -> Optional[Scripted]:
        with self._lock:
            for s in self._script:
                if s.path is None or s.path == path:
                    s.count -= 1
                    if s.count <= 0:
                        self._script.remove(s)
                    return s
        return None

    # -- reading -----------------------------------------------------------------------------
    def accepted(self, path: Optional[str] = None) -> List[Any]:
        with self._lock:
            return [r.payload for r in self.requests if 200 <= r.status < 300 and (path is None or r.path == path)]

    def series(self) -> List[dict]:
        return [s for p in self.accepted(self.SERIES) for s in p["series"]]

    def distribution_points(self) -> List[dict]:
        return [s for p in self.accepted(self.DISTRIBUTIONS) for s in p["series"]]

    def events(self) -> List[dict]:
        return self.accepted(self.EVENTS)

    def wait_for(self, predicate: Callable[["FakeDatadogAPI"], Any], timeout: float = 10, message="requests"):
        return wait_until(lambda: predicate(self), timeout, message)

    def wait_for_requests(self, n: int, timeout: float = 10):
        return self.wait_for(lambda a: len(a.requests) >= n, timeout, f"{n} requests")

    # -- answering ---------------------------------------------------------------------------
    def _handle(self, h: http.server.BaseHTTPRequestHandler):
        path = h.path.split("?", 1)[0]
        raw = self._read_body(h)
        req = APIRequest(h.command, path, dict(h.headers.items()), raw, None, time=time.time())
        scripted = self._next_scripted(path)
        if scripted is not None:
            body = scripted.body
            if isinstance(body, dict):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode()
            if body is None:
                body = json.dumps({"errors": [f"scripted {scripted.status}"]}).encode()
            req.status, req.reason = scripted.status, "scripted"
            self._record(req)
            self._answer(h, scripted.status, body, scripted.headers, scripted.delay + self.delay)
            return
        status, reason, payload, decoded = self._validate(h.command, path, req, raw)
        req.status, req.reason, req.payload, req.body = status, reason, payload, decoded
        self._record(req)
        if 200 <= status < 300:
            if path == self.SERIES:
                body = {"errors": []}
            elif path == self.EVENTS:
                body = {"status": "ok", "event": payload}
            else:
                body = {"status": "ok"}
        else:
            body = {"errors": [reason]}
        self._answer(h, status, json.dumps(body).encode(), {}, self.delay)

    @staticmethod
    def _read_body(h) -> bytes:
        """The request body, by Content-Length or `Transfer-Encoding: chunked` (an HTTP client
        that streams its body sends it so)."""
        if "chunked" in (h.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(h.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while h.rfile.readline().strip():  # trailers, then the empty line
                        pass
                    return b"".join(chunks)
                chunks.append(h.rfile.read(size))
                h.rfile.readline()  # CRLF after the chunk
        length = int(h.headers.get("Content-Length") or 0)
        return h.rfile.read(length) if length else b""

    def _record(self, req: APIRequest):
        with self._lock:
            self.requests.append(req)

    @staticmethod
    def _answer(h, status: int, body: bytes, headers: Dict[str, str], delay: float):
        if delay > 0:
            time.sleep(delay)
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): that is what a slow endpoint tests

    def _validate(self, method: str, path: str, req: APIRequest, raw: bytes):
        from datadog_api_client.v1.model.distribution_points_payload import DistributionPointsPayload
        from datadog_api_client.v1.model.event_create_request import EventCreateRequest
        from datadog_api_client.v2.model.metric_payload import MetricPayload

        models = {self.SERIES: MetricPayload, self.DISTRIBUTIONS: DistributionPointsPayload, self.EVENTS: EventCreateRequest}
        if path not in models:
            return 404, f"no such endpoint {path}", None, None
        if method != "POST":
            return 405, f"{method} not allowed on {path}", None, None
        if req.header("DD-API-KEY") != self.api_key:
            return 403, "Forbidden: missing or wrong DD-API-KEY", None, None
        encoding = (req.header("Content-Encoding") or "identity").strip().lower()
        if len(raw) > self.MAX_COMPRESSED:
            return 413, f"payload of {len(raw)} bytes exceeds {self.MAX_COMPRESSED}", None, None
        try:
            if encoding == "gzip":
                body = gzip.decompress(raw)
            elif encoding == "deflate":
                body = zlib.decompress(raw)
            elif encoding == "identity":
                body = raw
            else:
                return 415, f"unsupported Content-Encoding {encoding!r}", None, None
        except (OSError, EOFError, zlib.error) as e:
            return 400, f"body does not decompress as {encoding}: {e}", None, None
        if len(body) > self.MAX_DECOMPRESSED:
            return 413, f"decompressed payload of {len(body)} bytes exceeds {self.MAX_DECOMPRESSED}", None, body
        content_type = (req.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return 415, f"Content-Type must be application/json, got {content_type!r}", None, body
        try:
            payload = json.loads(body, parse_constant=_reject_constant)
        except ValueError as e:
            return 400, f"body is not JSON: {e}", None, body
        try:
            validate_model(payload, models[path], self.allow_unknown_fields)
        except ModelValidationError as e:
            return 400, str(e), None, body
        problem = self._semantic_problem(path, payload)
        if problem:
            return 400, problem, None, body
        return 202, "", payload, body

    @staticmethod
    def _semantic_problem(path: str, payload: dict) -> Optional[str]:
        def seconds(ts, where):
            if isinstance(ts, (int, float)) and ts >= 1e11:
                return f"{where}: timestamp {ts} is not in seconds"
            return None

        if path == FakeDatadogAPI.SERIES:
            for i, s in enumerate(payload["series"]):
                for j, p in enumerate(s["points"]):
                    if p.get("timestamp") is not None and seconds(p["timestamp"], ""):
                        return seconds(p["timestamp"], f"series[{i}].points[{j}]")
                    if "value" in p and isinstance(p["value"], float) and not math.isfinite(p["value"]):
                        return f"series[{i}].points[{j}]: value is not finite"
        elif path == FakeDatadogAPI.DISTRIBUTIONS:
            for i, s in enumerate(payload["series"]):
                for j, p in enumerate(s["points"]):
                    if seconds(p[0], ""):
                        return seconds(p[0], f"series[{i}].points[{j}]")
        elif path == FakeDatadogAPI.EVENTS:
            if "date_happened" in payload and seconds(payload["date_happened"], ""):
                return seconds(payload["date_happened"], "date_happened")
        return None
