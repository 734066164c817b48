"""The default request path writes HTTP/1.1 itself and never loads httpx.

A script, cron job or serverless function that only calls the REST API pays for
``signalwire.rest``, ``signalwire.core`` and the standard library, nothing more. These
tests pin that rule (a subprocess imports, builds a client and sends a request) and
check that the bytes the default path puts on the wire say what the httpx path says.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from signalwire.rest import AsyncRestClient, LeanTransport, RestClient


class _Recorder:
    """A keep-alive HTTP/1.1 server on 127.0.0.1 that records each raw request head."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.heads: list[bytes] = []
        self.bodies: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._conn, args=(conn,), daemon=True).start()

    def _conn(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buf) < length:
                    buf += conn.recv(65536)
                body, buf = buf[:length], buf[length:]
                self.heads.append(head)
                self.bodies.append(body)
                payload = json.dumps({"ok": True}).encode()
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"X-Request-Id: rid-1\r\nContent-Length: %d\r\n\r\n%s" % (len(payload), payload)
                )

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    server = _Recorder()
    yield server
    server.close()


def _parsed(head: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    lines = head.split(b"\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers


#: Headers httpx adds on its own that the default path leaves out on purpose: the
#: default path asks for identity bodies and HTTP/1.1 keep-alive is the default.
_HTTPX_ONLY = {b"accept-encoding", b"connection"}


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/api/fabric/resources", {"query": {"page_size": 5, "type": ["a", "b"]}}),
        ("POST", "/api/fabric/resources/ai_agents", {"json": {"name": "Bob", "n": [1, 2]}}),
        ("POST", "/api/laml/2010-04-01/Accounts/p/Calls", {"form": {"To": "+15551234567"}}),
        ("DELETE", "/api/fabric/resources/abc", {}),
        ("PUT", "/api/fabric/resources/abc", {"json": {}}),
        ("GET", "/api/odd path/é", {}),
    ],
)
def test_default_path_sends_what_the_httpx_path_sends(
    recorder: _Recorder, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    host = f"127.0.0.1:{recorder.port}"
    with RestClient("proj", "tok", host) as default:
        assert default.request(method, path, **kwargs) == {"ok": True}
    with RestClient("proj", "tok", host, transport=LeanTransport()) as via_httpx:
        assert via_httpx.request(method, path, **kwargs) == {"ok": True}
    (line_a, head_a), (line_b, head_b) = map(_parsed, recorder.heads)
    assert line_a == line_b
    assert head_a == {k: v for k, v in head_b.items() if k not in _HTTPX_ONLY}
    assert head_a[b"host"] == host.encode()
    assert recorder.bodies[0] == recorder.bodies[1]


async def test_async_default_path_sends_what_the_httpx_path_sends(recorder: _Recorder) -> None:
    from signalwire.rest import LeanAsyncTransport

    host = f"127.0.0.1:{recorder.port}"
    body = {"name": "Bob"}
    async with AsyncRestClient("proj", "tok", host) as default:
        assert await default.request("POST", "/api/x", json=body) == {"ok": True}
    async with AsyncRestClient("proj", "tok", host, transport=LeanAsyncTransport()) as other:
        assert await other.request("POST", "/api/x", json=body) == {"ok": True}
    (line_a, head_a), (line_b, head_b) = map(_parsed, recorder.heads)
    assert line_a == line_b == b"POST /api/x HTTP/1.1"
    assert head_a == {k: v for k, v in head_b.items() if k not in _HTTPX_ONLY}


def test_subscriber_bearer_auth_on_the_default_path(recorder: _Recorder) -> None:
    with RestClient("proj", "tok", f"127.0.0.1:{recorder.port}") as client:
        client.request("GET", "/api/a")
        client._engine.call("GET", "/api/b", auth="Bearer sub-token")
        client.request("GET", "/api/c")
    auths = [_parsed(h)[1][b"authorization"] for h in recorder.heads]
    assert auths[0] == auths[2] != b"Bearer sub-token"
    assert auths[1] == b"Bearer sub-token"


def test_error_headers_come_from_the_default_path(recorder: _Recorder) -> None:
    """Response headers reach errors with lower-case names, as on the httpx path."""
    from signalwire.rest._http import _Reply

    with RestClient("proj", "tok", f"127.0.0.1:{recorder.port}") as client:
        pool = client._engine._transport
        prep = client._engine._prepare("GET", "/api/a", None, None, None)
        reply = client._engine._send(prep, client._engine._resolved_default)
    assert isinstance(reply, _Reply)
    assert reply.status == 200
    assert reply.headers["x-request-id"] == "rid-1"
    assert type(pool).__name__ == "SyncPool"


_PROBE = textwrap.dedent(
    """
    import json, sys, threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_GET(self):
            body = json.dumps({"data": [], "links": {}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    before = set(sys.modules)

    from signalwire.rest import AsyncRestClient, RestClient
    client = RestClient("proj", "tok", host)
    assert "httpx" not in sys.modules, "RestClient(...) imported httpx"
    assert client.fabric.ai_agents.list() == {"data": [], "links": {}}
    client.close()
    # A sync script pays for neither an event loop nor dataclasses (RequestOptions).
    sync_extras = sorted(m for m in ("asyncio", "dataclasses", "uuid", "email.utils", "logging")
                         if m in sys.modules and m not in before)

    import asyncio

    async def main():
        async with AsyncRestClient("proj", "tok", host) as aclient:
            return await aclient.fabric.ai_agents.list()
    assert asyncio.run(main()) == {"data": [], "links": {}}
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"httpx", "httpcore", "anyio"}
                    or m == "signalwire.rest._lean")
    print(json.dumps({"sync_extras": sync_extras, "loaded": loaded}))
    server.shutdown()
    """
)


def test_construction_and_first_requests_load_no_httpx() -> None:
    """Import, build both clients and send a request each: httpx never loads, and the
    sync client's first request loads no asyncio or dataclasses either."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"sync_extras": [], "loaded": []}


def test_debug_records_appear_once_logging_is_set_up(
    recorder: _Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    """The engine checks for a configured logger per request: records appear as soon as
    the application (here pytest's caplog) has logging set up."""
    import logging

    with (
        caplog.at_level(logging.DEBUG, logger="signalwire.rest"),
        RestClient("proj", "tok", f"127.0.0.1:{recorder.port}") as client,
    ):
        client.request("GET", "/api/logged")
    assert any("GET /api/logged -> 200" in r.getMessage() for r in caplog.records)
