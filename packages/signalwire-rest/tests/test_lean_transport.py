"""The lean HTTP/1.1 transports against a raw socket server that misbehaves on request.

The server is a real peer on 127.0.0.1 (no mocks): it parses each request and answers
according to the path, counting the TCP connections it accepts.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from signalwire.rest import AsyncRestClient, LeanAsyncTransport, LeanTransport, RestClient


class RawServer:
    """A tiny threaded HTTP/1.1 server whose behaviour is chosen by the request path."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.requests: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._hang = threading.Event()
        self.got_request = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):
                conn.close()
                return
        rfile = conn.makefile("rb")
        try:
            while True:
                line = rfile.readline()
                if not line:
                    return
                method, target, _ = line.decode().split(" ", 2)
                headers = {}
                while (h := rfile.readline()) not in (b"\r\n", b""):
                    k, _, v = h.decode().partition(":")
                    headers[k.strip().lower()] = v.strip()
                body = rfile.read(int(headers.get("content-length", "0")))
                self.requests.append(
                    {"method": method, "path": target, "headers": headers, "body": body}
                )
                self.got_request.set()
                if not self._respond(conn, method, target, headers, body):
                    return
        except OSError:
            return
        finally:
            rfile.close()
            conn.close()

    def _respond(
        self, conn: socket.socket, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> bool:
        echo = json.dumps(
            {"method": method, "path": path, "body": body.decode(), "host": headers.get("host")}
        ).encode()
        base = path.split("?")[0]
        if base == "/chunked":
            parts = [echo[:5], echo[5:9], echo[9:]]
            data = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Type: application/json\r\n\r\n" + data + b"0\r\nX-Trailer: t\r\n\r\n"
            )
            return True
        if base == "/close":
            conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + echo)
            return False
        if base == "/continue":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if base == "/drop-after":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(echo), echo))
            return False  # closes without saying so: the next reuse finds it dead
        if base == "/hang":
            self._hang.wait(5)
            return False
        if base == "/swallow":
            return False  # reads the request, then closes without a byte of answer
        if base == "/garbage":
            conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            return False
        if base == "/short":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
            return False
        if base == "/nocontent":
            conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
            return True
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (len(echo), echo)
        )
        return True

    def close(self) -> None:
        self._stop.set()
        self._hang.set()
        self.sock.close()


@pytest.fixture
def server() -> Iterator[RawServer]:
    s = RawServer()
    yield s
    s.close()


# -- sync ------------------------------------------------------------------------------


def test_sync_keep_alive_reuses_one_connection(server: RawServer) -> None:
    with httpx.Client(transport=LeanTransport(), base_url=server.url) as c:
        for i in range(5):
            r = c.post("/echo", content=f"body-{i}".encode())
            assert r.json()["body"] == f"body-{i}"
    assert server.connections == 1


def test_sync_chunked_close_continue_and_204(server: RawServer) -> None:
    with httpx.Client(transport=LeanTransport(), base_url=server.url) as c:
        assert c.get("/chunked").json()["path"] == "/chunked"
        assert c.get("/close").json()["path"] == "/close"
        assert c.get("/continue").json()["path"] == "/continue"
        r = c.delete("/nocontent")
        assert r.status_code == 204
        assert r.content == b""
        assert c.get("/echo?x=1").json()["path"] == "/echo?x=1"
    assert server.connections == 2  # /close forced one new connection


def test_sync_stale_pooled_connection_is_replaced(server: RawServer) -> None:
    with httpx.Client(transport=LeanTransport(), base_url=server.url) as c:
        c.get("/drop-after")
        # Idempotent, so a dead pooled connection is replaced and the request resent once.
        assert c.put("/echo", content=b"after").json()["body"] == "after"
    assert server.connections == 2
    assert server.requests[0]["path"] == "/drop-after"
    assert server.requests[-1]["path"] == "/echo"


def test_sync_post_is_never_resent_on_a_reused_connection(server: RawServer) -> None:
    with httpx.Client(transport=LeanTransport(), base_url=server.url) as c:
        assert c.get("/echo").status_code == 200  # leaves a pooled keep-alive connection
        with pytest.raises(httpx.TransportError):
            c.post("/swallow", content=b"buy-number")
    # The server may have acted on the POST: it must have seen it exactly once.
    assert [r["path"] for r in server.requests].count("/swallow") == 1


def test_sync_get_is_resent_once_on_a_reused_connection(server: RawServer) -> None:
    with httpx.Client(transport=LeanTransport(), base_url=server.url) as c:
        assert c.get("/echo").status_code == 200
        with pytest.raises(httpx.TransportError):
            c.get("/swallow")
    assert [r["path"] for r in server.requests].count("/swallow") == 2


def test_sync_errors(server: RawServer) -> None:
    transport = LeanTransport()
    with httpx.Client(transport=transport, base_url=server.url) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/garbage")
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/short")
        with pytest.raises(httpx.ReadTimeout):
            c.get("/hang", timeout=0.2)
        assert c.get("/echo").status_code == 200


def test_sync_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with httpx.Client(transport=LeanTransport()) as c, pytest.raises(httpx.ConnectError):
        c.get(f"http://127.0.0.1:{port}/")


def test_sync_closed_transport_refuses_requests(server: RawServer) -> None:
    transport = LeanTransport()
    transport.close()
    with pytest.raises(RuntimeError, match="closed"):
        transport.handle_request(httpx.Request("GET", server.url))


def test_sync_is_thread_safe(server: RawServer) -> None:
    transport = LeanTransport()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                r = transport.handle_request(httpx.Request("GET", server.url + "/echo"))
                assert r.status_code == 200
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    transport.close()
    assert errors == []
    assert server.connections <= 4


def test_rest_client_over_the_raw_server(server: RawServer) -> None:
    with RestClient("p", "t", f"127.0.0.1:{server.port}") as client:
        result = client.request("POST", "/chunked", json={"a": 1})
    assert result["method"] == "POST"
    assert result["body"] == '{"a":1}'
    assert result["host"] == f"127.0.0.1:{server.port}"


# -- async -----------------------------------------------------------------------------


async def test_async_keep_alive_and_concurrency(server: RawServer) -> None:
    async with httpx.AsyncClient(transport=LeanAsyncTransport(), base_url=server.url) as c:
        for _ in range(3):
            assert (await c.get("/echo")).status_code == 200
        assert server.connections == 1
        results = await asyncio.gather(
            *(c.post("/echo", content=str(i).encode()) for i in range(20))
        )
        assert sorted(int(r.json()["body"]) for r in results) == list(range(20))
    assert server.connections <= 20


async def test_async_max_connections_bounds_the_pool(server: RawServer) -> None:
    transport = LeanAsyncTransport(max_connections=3)
    async with httpx.AsyncClient(transport=transport, base_url=server.url) as c:
        await asyncio.gather(*(c.get("/echo") for _ in range(30)))
    assert server.connections <= 3


async def test_async_chunked_close_continue_and_204(server: RawServer) -> None:
    async with httpx.AsyncClient(transport=LeanAsyncTransport(), base_url=server.url) as c:
        assert (await c.get("/chunked")).json()["path"] == "/chunked"
        assert (await c.get("/close")).json()["path"] == "/close"
        assert (await c.get("/continue")).json()["path"] == "/continue"
        assert (await c.delete("/nocontent")).status_code == 204


async def test_async_stale_pooled_connection_is_replaced(server: RawServer) -> None:
    async with httpx.AsyncClient(transport=LeanAsyncTransport(), base_url=server.url) as c:
        await c.get("/drop-after")
        r = await c.put("/echo", content=b"after")
        assert r.json()["body"] == "after"
    assert server.requests[0]["path"] == "/drop-after"
    assert server.requests[-1]["path"] == "/echo"


async def test_async_post_is_never_resent_on_a_reused_connection(server: RawServer) -> None:
    async with httpx.AsyncClient(transport=LeanAsyncTransport(), base_url=server.url) as c:
        assert (await c.get("/echo")).status_code == 200
        with pytest.raises(httpx.TransportError):
            await c.post("/swallow", content=b"buy-number")
    assert [r["path"] for r in server.requests].count("/swallow") == 1


async def test_async_errors(server: RawServer) -> None:
    async with httpx.AsyncClient(transport=LeanAsyncTransport(), base_url=server.url) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            await c.get("/garbage")
        with pytest.raises(httpx.RemoteProtocolError):
            await c.get("/short")
        with pytest.raises(httpx.ReadTimeout):
            await c.get("/hang", timeout=0.2)
        assert (await c.get("/echo")).status_code == 200


async def test_async_cancellation_discards_the_connection(server: RawServer) -> None:
    transport = LeanAsyncTransport()
    task = asyncio.ensure_future(
        transport.handle_async_request(httpx.Request("GET", server.url + "/hang"))
    )
    assert await asyncio.wait_for(asyncio.to_thread(server.got_request.wait, 5), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    r = await transport.handle_async_request(httpx.Request("GET", server.url + "/echo"))
    assert r.status_code == 200
    assert server.connections == 2
    await transport.aclose()


async def test_async_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with httpx.AsyncClient(transport=LeanAsyncTransport()) as c:
        with pytest.raises(httpx.ConnectError):
            await c.get(f"http://127.0.0.1:{port}/")


async def test_async_rest_client_fan_out(server: RawServer) -> None:
    async with AsyncRestClient("p", "t", f"127.0.0.1:{server.port}") as client:
        results = await asyncio.gather(
            *(client.request("GET", "/echo", query={"n": i}) for i in range(50))
        )
    assert sorted(r["path"] for r in results) == sorted(f"/echo?n={i}" for i in range(50))


def test_unsupported_scheme() -> None:
    with pytest.raises(httpx.UnsupportedProtocol):
        LeanTransport().handle_request(httpx.Request("GET", "ftp://example.com/"))


# -- TLS -------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[RawServer, str]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    server = RawServer(tls=ctx)
    yield server, str(cert)
    server.close()


def test_sync_tls_verifies_against_the_given_bundle(tls_server: tuple[RawServer, str]) -> None:
    server, cert = tls_server
    with httpx.Client(transport=LeanTransport(verify=cert), base_url=server.url) as c:
        assert c.get("/chunked").json()["path"] == "/chunked"
        assert c.get("/echo").status_code == 200
    assert server.connections == 1
    with (
        httpx.Client(transport=LeanTransport(), base_url=server.url) as c,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        c.get("/echo")


async def test_async_tls_verifies_against_the_given_bundle(
    tls_server: tuple[RawServer, str],
) -> None:
    server, cert = tls_server
    async with AsyncRestClient("p", "t", server.url, verify=cert) as client:
        result = await client.request("POST", "/echo", json={"tls": True})
        assert result["body"] == '{"tls":true}'
    env = {
        "SIGNALWIRE_PROJECT_ID": "p",
        "SIGNALWIRE_API_TOKEN": "t",
        "SIGNALWIRE_SPACE": server.url,
        "SIGNALWIRE_REST_CA_FILE": cert,
    }
    with RestClient(environ=env) as sync_client:
        assert sync_client.request("GET", "/echo")["path"] == "/echo"
    async with httpx.AsyncClient(transport=LeanAsyncTransport(), base_url=server.url) as c:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await c.get("/echo")


def test_hand_written_paths_are_quoted(server: RawServer) -> None:
    with RestClient("p", "t", f"127.0.0.1:{server.port}") as client:
        result = client.request("GET", "/echo/a b/ü")
    assert result["path"] == "/echo/a%20b/%C3%BC"


def test_lean_and_stock_transports_send_the_same_request(server: RawServer) -> None:
    seen = []
    for transport in (None, httpx.HTTPTransport()):
        with RestClient("p", "t", f"127.0.0.1:{server.port}", transport=transport) as client:
            client.request("PATCH", "/echo", query={"a": [1, 2], "b": True}, json={"x": "ü"})
        seen.append(server.requests[-1])
    lean, stock = seen
    assert lean["method"] == stock["method"] == "PATCH"
    assert lean["path"] == stock["path"] == "/echo?a=1&a=2&b=true"
    assert lean["body"] == stock["body"]
    for name in ("host", "authorization", "accept", "user-agent", "content-type", "content-length"):
        assert lean["headers"][name] == stock["headers"][name], name


def test_async_pool_survives_a_new_event_loop(server: RawServer) -> None:
    # In a child process: a second asyncio.run() in pytest's own process trips a
    # CPython 3.11 ast/recursion-counter bug in later imports.
    code = (
        "import asyncio, sys\n"
        "from signalwire.rest import AsyncRestClient\n"
        f"client = AsyncRestClient('p', 't', '127.0.0.1:{server.port}')\n"
        "async def one():\n"
        "    return (await client.request('GET', '/echo'))['path']\n"
        "print(asyncio.run(one()), asyncio.run(one()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["/echo", "/echo"]
    assert server.connections == 2  # the second loop could not reuse the first's connection


def test_one_rest_client_shared_by_threads(server: RawServer) -> None:
    results: list[str] = []
    lock = threading.Lock()
    with RestClient("p", "t", f"127.0.0.1:{server.port}") as client:

        def work(n: int) -> None:
            for i in range(25):
                path = client.request("GET", "/echo", query={"t": n, "i": i})["path"]
                with lock:
                    results.append(path)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert sorted(results) == sorted(f"/echo?t={n}&i={i}" for n in range(4) for i in range(25))
    assert server.connections <= 4


def _client_sockets(port: int) -> dict[str, str]:
    """Local address -> TCP state (hex code of /proc/net/tcp) of sockets whose peer is ``port``."""
    states: dict[str, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == port:
                states[fields[1]] = fields[3]
    return states


def _close_waits(port: int, ignore: set[str]) -> list[str]:
    return [
        a for a, state in _client_sockets(port).items() if state == CLOSE_WAIT and a not in ignore
    ]


CLOSE_WAIT = "08"


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs /proc/net/tcp")
async def test_async_pool_closes_connections_the_server_closed(server: RawServer) -> None:
    """A 300-request burst leaves 300 idle pooled connections; the server then closes them
    (``/drop-after`` answers with keep-alive and hangs up). Each must be closed on our side
    too, at once, not left in CLOSE_WAIT until the next request or ``aclose()``."""
    # Sockets of earlier tests whose server had the same (reused) port number do not count.
    earlier = set(_client_sockets(server.port))
    async with AsyncRestClient("p", "t", f"127.0.0.1:{server.port}", max_connections=300) as c:
        results = await asyncio.gather(
            *(c.request("GET", "/drop-after", query={"n": i}) for i in range(300))
        )
        assert len(results) == 300 and server.connections >= 250
        # Await the state with a timeout (the kernel's table has no event to wait on, so
        # poll it while the event loop handles the hang-ups): no socket in CLOSE_WAIT.
        for _ in range(200):
            if not _close_waits(server.port, earlier):
                break
            await asyncio.sleep(0.05)
        assert _close_waits(server.port, earlier) == []
        # The pool still works afterwards (on fresh connections).
        assert (await c.request("GET", "/echo"))["path"] == "/echo"
