"""HTTP/1.1 keep-alive connection pools over sockets and asyncio streams (no httpx).

The engine of :mod:`signalwire.rest` writes each request's bytes itself and hands
them to a pool here; :mod:`signalwire.rest._lean` wraps the same pools as httpx
transports. Keeping this module free of httpx is what lets a client start without
importing httpx at all.

What the pools do: persistent connections per (scheme, host, port),
Content-Length, chunked and read-to-close response bodies, 1xx interim
responses, TLS (the CA bundle httpx trusts), timeouts, and one
transparent resend when a pooled connection turns out to have been closed by
the server before it answered. What they do not do: proxies, HTTP/2, streaming.
"""

from __future__ import annotations

import contextlib
import select
import socket
import sys
import threading
from typing import TYPE_CHECKING, TypeVar, Union

if TYPE_CHECKING:
    import ssl

__all__ = [
    "ConnectFailed",
    "ConnectTimedOut",
    "Head",
    "Key",
    "ProtocolFailure",
    "ReadFailed",
    "ReadTimedOut",
    "SyncPool",
    "Verify",
    "WireFailure",
    "WriteFailed",
    "WriteTimedOut",
]

_T = TypeVar("_T")

_MAX_LINE = 65536
_MAX_HEADERS = 200
_MAX_IDLE_PER_HOST = 32

#: ``verify=``: True, False, a CA bundle path or an ``ssl.SSLContext``. (A string
#: annotation: ssl loads with the first https connection, not with this module.)
Verify = Union[bool, str, "ssl.SSLContext"]
Key = tuple[str, str, int]


class WireFailure(Exception):
    """No usable response: the base of the pools' errors."""


class ConnectFailed(WireFailure):
    """The connection (or its TLS handshake) could not be made: nothing was sent."""


class ConnectTimedOut(ConnectFailed):
    """Connecting took longer than the timeout: nothing was sent."""


class WriteFailed(WireFailure):
    """Sending the request failed."""


class WriteTimedOut(WriteFailed):
    """Sending the request took longer than the timeout."""


class ReadFailed(WireFailure):
    """Receiving the response failed."""


class ReadTimedOut(ReadFailed):
    """The response did not arrive within the timeout."""


class ProtocolFailure(ReadFailed):
    """The server broke HTTP/1.1: malformed or truncated response, early close."""


#: Methods a request may be resent for when a reused connection dies before answering.
#: Any other method may already have been processed, so its failure is reported instead.
_RESENDABLE = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class _Stale(Exception):
    """A pooled connection failed before any response byte: resent once if idempotent."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def ssl_context(verify: Verify) -> ssl.SSLContext:
    """A client TLS context: ``True`` trusts what httpx trusts by default, a string names
    a CA file, ``False`` disables verification.

    For ``True`` the context is built without importing httpx, with httpx's own rules:
    ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` when set, else the certifi CA bundle (certifi
    is installed with httpx), else the system store when certifi is missing.
    """
    import ssl  # here, not at import: plain-http clients (local fakes, tests) never need it

    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    if verify is False:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    import os

    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    try:
        import certifi
    except ImportError:  # pragma: no cover - httpx requires certifi
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def _ssl_error() -> type[OSError]:
    """``ssl.SSLError`` once ssl is loaded; before that no TLS connection exists, so
    :class:`ConnectionError` (already caught beside it) stands in."""
    ssl = sys.modules.get("ssl")
    return ConnectionError if ssl is None else ssl.SSLError


class Head:
    """A parsed status line and header block."""

    __slots__ = ("chunked", "headers", "keep_alive", "length", "reason", "status")

    def __init__(self, block: bytes) -> None:
        lines = block.split(b"\r\n")
        status_line = lines[0].split(b" ", 2)
        if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/"):
            raise ProtocolFailure(f"malformed status line {lines[0][:100]!r}")
        try:
            self.status = int(status_line[1])
        except ValueError:
            raise ProtocolFailure(f"malformed status {status_line[1][:20]!r}") from None
        self.reason = status_line[2] if len(status_line) > 2 else b""
        headers: list[tuple[bytes, bytes]] = []
        length: int | None = None
        chunked = False
        keep_alive = status_line[0] == b"HTTP/1.1"
        for line in lines[1:]:
            if not line:
                continue
            name, sep, value = line.partition(b":")
            if not sep:
                raise ProtocolFailure(f"malformed header line {line[:100]!r}")
            value = value.strip()
            lname = name.strip().lower()
            headers.append((name.strip(), value))
            if lname == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    raise ProtocolFailure("malformed Content-Length") from None
            elif lname == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif lname == b"connection":
                token = value.lower()
                if b"close" in token:
                    keep_alive = False
                elif b"keep-alive" in token:
                    keep_alive = True
        if len(headers) > _MAX_HEADERS:
            raise ProtocolFailure("too many response headers")
        self.headers = headers
        self.length = None if chunked else length
        self.chunked = chunked
        self.keep_alive = keep_alive

    def reusable(self, method: str) -> bool:
        """Whether the connection may carry another request after this response."""
        return self.keep_alive and (
            self.length is not None or self.chunked or not self.has_body(method)
        )

    def header(self, name: bytes) -> str | None:
        """The first value of a header (``name`` in lower case), or None."""
        for key, value in self.headers:
            if key.lower() == name:
                return value.decode("latin-1")
        return None

    def header_dict(self) -> dict[str, str]:
        """All headers, lower-cased names (later values win)."""
        return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in self.headers}

    def has_body(self, method: str) -> bool:
        return not (method == "HEAD" or self.status in (204, 304) or 100 <= self.status < 200)


def _chunk_size(line: bytes) -> int:
    try:
        return int(line.split(b";", 1)[0].strip(), 16)
    except ValueError:
        raise ProtocolFailure(f"malformed chunk size {line[:40]!r}") from None


# -- sync ------------------------------------------------------------------------------


class _SyncConn:
    __slots__ = ("key", "rfile", "sock", "timeout")

    def __init__(self, sock: socket.socket, key: Key) -> None:
        self.sock = sock
        self.rfile = sock.makefile("rb")
        self.key = key
        self.timeout: float | None = sock.gettimeout()

    def set_timeout(self, timeout: float | None) -> None:
        if timeout != self.timeout:
            self.sock.settimeout(timeout)
            self.timeout = timeout

    def readable_while_idle(self) -> bool:
        """An idle connection with something to read has been closed (or is broken)."""
        try:
            if hasattr(select, "poll"):  # no FD_SETSIZE limit, unlike select()
                poller = select.poll()
                poller.register(self.sock, select.POLLIN)
                return bool(poller.poll(0))
            ready, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(ready)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.rfile.close()
        with contextlib.suppress(OSError):
            self.sock.close()


class SyncPool:
    """Blocking keep-alive connections over plain sockets (thread-safe)."""

    def __init__(self, *, verify: Verify = True) -> None:
        self._verify = verify
        self._ssl: ssl.SSLContext | None = None
        self._idle: dict[Key, list[_SyncConn]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def send_bytes(
        self,
        key: Key,
        method: str,
        data: bytes,
        connect_t: float | None,
        read_t: float | None,
        write_t: float | None,
    ) -> tuple[Head, bytes]:
        """Send one serialized request to ``(scheme, host, port)``; return head and body.

        Errors are :class:`WireFailure` subclasses.
        """
        if self._closed:
            raise RuntimeError("the transport is closed")
        conn, reused = self._acquire(key, connect_t)
        try:
            return self._exchange(conn, reused, method, data, read_t, write_t)
        except _Stale as stale:
            if method not in _RESENDABLE:
                raise stale.cause from None
            conn, _ = self._acquire(key, connect_t, fresh=True)
            try:
                return self._exchange(conn, False, method, data, read_t, write_t)
            except _Stale as exc:  # a fresh connection never raises _Stale; be safe
                raise exc.cause from None

    def _exchange(
        self,
        conn: _SyncConn,
        reused: bool,
        method: str,
        data: bytes,
        read_t: float | None,
        write_t: float | None,
    ) -> tuple[Head, bytes]:
        keep = False
        try:
            conn.set_timeout(write_t)
            try:
                conn.sock.sendall(data)
            except TimeoutError as exc:
                raise WriteTimedOut(str(exc) or "write timed out") from exc
            except OSError as exc:
                if reused:
                    raise _Stale(WriteFailed(str(exc))) from exc
                raise WriteFailed(str(exc)) from exc
            conn.set_timeout(read_t)
            try:
                head = self._read_head(conn, reused)
                payload = self._read_body(conn, head, method)
            except TimeoutError as exc:
                raise ReadTimedOut(str(exc) or "read timed out") from exc
            except (ConnectionError, _ssl_error()) as exc:
                raise ReadFailed(str(exc)) from exc
            keep = head.reusable(method)
            return head, payload
        finally:
            if keep:
                self._release(conn)
            else:
                conn.close()

    def _read_head(self, conn: _SyncConn, reused: bool) -> Head:
        while True:
            lines: list[bytes] = []
            while True:
                try:
                    line = conn.rfile.readline(_MAX_LINE)
                except ConnectionError as exc:
                    if reused and not lines:
                        raise _Stale(ReadFailed(str(exc))) from exc
                    raise
                if not line:
                    error = ProtocolFailure("server disconnected without sending a response")
                    if reused and not lines:
                        raise _Stale(error)
                    raise error
                if line in (b"\r\n", b"\n"):
                    break
                lines.append(line.rstrip(b"\r\n"))
                if len(lines) > _MAX_HEADERS + 1:
                    raise ProtocolFailure("response header block too large")
            head = Head(b"\r\n".join(lines))
            if 100 <= head.status < 200 and head.status != 101:
                reused = False
                continue  # interim response (100 Continue, 103 Early Hints)
            return head

    @staticmethod
    def _read_body(conn: _SyncConn, head: Head, method: str) -> bytes:
        if not head.has_body(method):
            return b""
        rfile = conn.rfile
        if head.chunked:
            chunks: list[bytes] = []
            while True:
                size = _chunk_size(rfile.readline(_MAX_LINE))
                if size == 0:
                    while rfile.readline(_MAX_LINE) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunk = rfile.read(size)
                if len(chunk) < size:
                    raise ProtocolFailure("connection closed inside a chunk")
                chunks.append(chunk)
                rfile.read(2)
        if head.length is not None:
            payload = rfile.read(head.length)
            if len(payload) < head.length:
                raise ProtocolFailure(
                    f"connection closed after {len(payload)} of {head.length} body bytes"
                )
            return payload
        return rfile.read()  # no framing: the body ends when the server closes

    def _acquire(
        self, key: Key, connect_t: float | None, fresh: bool = False
    ) -> tuple[_SyncConn, bool]:
        if not fresh:
            while True:
                with self._lock:
                    idle = self._idle.get(key)
                    conn = idle.pop() if idle else None
                if conn is None:
                    break
                if conn.readable_while_idle():
                    conn.close()
                    continue
                return conn, True
        return self._connect(key, connect_t), False

    def _connect(self, key: Key, timeout: float | None) -> _SyncConn:
        scheme, host, port = key
        # An ASCII host goes to getaddrinfo as bytes: a str would be encoded with the
        # "idna" codec first, which loads stringprep and unicodedata on the first request.
        address = host.encode("ascii") if host.isascii() else host
        try:
            sock = socket.create_connection((address, port), timeout=timeout)  # type: ignore[arg-type]
        except TimeoutError as exc:
            raise ConnectTimedOut(str(exc) or "connect timed out") from exc
        except OSError as exc:
            raise ConnectFailed(str(exc)) from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == "https":
                if self._ssl is None:
                    self._ssl = ssl_context(self._verify)
                sock = self._ssl.wrap_socket(sock, server_hostname=host)
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimedOut(str(exc) or "TLS handshake timed out") from exc
        except OSError as exc:
            sock.close()
            raise ConnectFailed(str(exc)) from exc
        return _SyncConn(sock, key)

    def _release(self, conn: _SyncConn) -> None:
        with self._lock:
            if self._closed:
                conn.close()
                return
            idle = self._idle.setdefault(conn.key, [])
            if len(idle) < _MAX_IDLE_PER_HOST:
                idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close every pooled connection; later requests raise RuntimeError."""
        with self._lock:
            self._closed = True
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for conn in conns:
            conn.close()
