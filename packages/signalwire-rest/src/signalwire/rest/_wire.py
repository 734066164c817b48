"""HTTP/1.1 keep-alive connection pools over sockets and asyncio streams (no httpx).

The engine of :mod:`signalwire.rest` writes each request's bytes itself and hands
them to a pool here; :mod:`signalwire.rest._lean` wraps the same pools as httpx
transports. Keeping this module free of httpx is what lets a client start without
importing httpx at all.

What the pools do: persistent connections per (scheme, host, port),
Content-Length, chunked and read-to-close response bodies, 1xx interim
responses, TLS (httpx's default SSL context), timeouts, and one
transparent resend when a pooled connection turns out to have been closed by
the server before it answered. What they do not do: proxies, HTTP/2, streaming.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import ssl
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

__all__ = [
    "AsyncPool",
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

Verify = bool | str | ssl.SSLContext
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
    """A client TLS context: ``True`` is httpx's default context (its CA bundle), a string
    names a CA file, ``False`` disables verification."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    if verify is False:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    import httpx  # the transport is an httpx transport, so this costs nothing extra

    return httpx.create_ssl_context()


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
            except (ConnectionError, ssl.SSLError) as exc:
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
        try:
            sock = socket.create_connection((host, port), timeout=timeout)
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


# -- async -----------------------------------------------------------------------------


class _AsyncConn:
    __slots__ = ("idle", "key", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, key: Key):
        self.reader = reader
        self.writer = writer
        self.key = key
        #: In the pool, waiting for a request: a hang-up from the server closes it at once.
        self.idle = False

    def usable(self) -> bool:
        return not (self.reader.at_eof() or self.writer.is_closing())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class _PooledProtocol(asyncio.StreamReaderProtocol):
    """The stream protocol of a pooled connection: closes our end as soon as the server
    closes an idle connection, so it never waits in CLOSE_WAIT for the next request."""

    conn: _AsyncConn | None = None

    def eof_received(self) -> bool:
        keep_open = bool(super().eof_received())
        conn = self.conn
        if conn is not None and conn.idle:
            conn.close()
            return False
        return keep_open


if sys.version_info >= (3, 11):

    async def _within(timeout: float | None, work: Awaitable[_T]) -> _T:
        async with asyncio.timeout(timeout):
            return await work

else:  # pragma: no cover - Python 3.10

    async def _within(timeout: float | None, work: Awaitable[_T]) -> _T:
        return await asyncio.wait_for(work, timeout)


class AsyncPool:
    """asyncio keep-alive connections over streams.

    Concurrent requests each take their own connection (at most
    ``max_connections`` at once; the rest wait for one). The pool belongs to
    the event loop that first used it; a new loop starts a new pool.
    """

    def __init__(self, *, verify: Verify = True, max_connections: int = 100) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self._verify = verify
        self._ssl: ssl.SSLContext | None = None
        self._max = max_connections
        self._idle: dict[Key, list[_AsyncConn]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._closed = False

    def _bind(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop is not self._loop or self._slots is None:
            # Connections of another (usually finished) loop cannot be used here.
            for idle in self._idle.values():
                for conn in idle:
                    conn.close()
            self._idle = {}
            self._loop = loop
            self._slots = asyncio.Semaphore(self._max)
        return self._slots

    async def send_bytes(
        self, key: Key, method: str, data: bytes, connect_t: float | None, read_t: float | None
    ) -> tuple[Head, bytes]:
        """Send one serialized request to ``(scheme, host, port)``; return head and body.

        Errors are :class:`WireFailure` subclasses.
        """
        if self._closed:
            raise RuntimeError("the transport is closed")
        slots = self._bind()
        async with slots:
            conn, reused = await self._acquire(key, connect_t)
            try:
                return await self._exchange(conn, reused, method, data, read_t)
            except _Stale as stale:
                if method not in _RESENDABLE:
                    raise stale.cause from None
                conn, _ = await self._acquire(key, connect_t, fresh=True)
                try:
                    return await self._exchange(conn, False, method, data, read_t)
                except _Stale as exc:
                    raise exc.cause from None

    async def _exchange(
        self, conn: _AsyncConn, reused: bool, method: str, data: bytes, read_t: float | None
    ) -> tuple[Head, bytes]:
        keep = False
        try:
            conn.writer.write(data)
            try:
                head, payload = await _within(read_t, self._read(conn, reused, method))
            except (TimeoutError, asyncio.TimeoutError) as exc:
                raise ReadTimedOut("timed out waiting for the response") from exc
            keep = head.reusable(method)
            return head, payload
        finally:
            # The server may already have hung up (its EOF arrived with the answer).
            if keep and not self._closed and conn.usable():
                conn.idle = True
                self._idle.setdefault(conn.key, []).append(conn)
            else:
                conn.close()

    async def _read(self, conn: _AsyncConn, reused: bool, method: str) -> tuple[Head, bytes]:
        reader = conn.reader
        while True:
            try:
                block = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                error = ProtocolFailure("server disconnected without sending a response")
                if reused and not exc.partial:
                    raise _Stale(error) from exc
                raise error from exc
            except asyncio.LimitOverrunError as exc:
                raise ProtocolFailure("response header block too large") from exc
            except (ConnectionError, ssl.SSLError) as exc:
                if reused:
                    raise _Stale(ReadFailed(str(exc))) from exc
                raise ReadFailed(str(exc)) from exc
            head = Head(block[:-4])
            if 100 <= head.status < 200 and head.status != 101:
                reused = False
                continue
            break
        try:
            return head, await self._read_body(reader, head, method)
        except asyncio.IncompleteReadError as exc:
            raise ProtocolFailure(
                f"connection closed after {len(exc.partial)} of {exc.expected} body bytes"
            ) from exc
        except (ConnectionError, ssl.SSLError) as exc:
            raise ReadFailed(str(exc)) from exc

    @staticmethod
    async def _read_body(reader: asyncio.StreamReader, head: Head, method: str) -> bytes:
        if not head.has_body(method):
            return b""
        if head.chunked:
            chunks: list[bytes] = []
            while True:
                size = _chunk_size(await reader.readline())
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
        if head.length is not None:
            return await reader.readexactly(head.length) if head.length else b""
        return await reader.read()

    async def _acquire(
        self, key: Key, connect_t: float | None, fresh: bool = False
    ) -> tuple[_AsyncConn, bool]:
        if not fresh:
            idle = self._idle.get(key)
            while idle:
                conn = idle.pop()
                conn.idle = False
                if conn.usable():
                    return conn, True
                conn.close()
        return await self._connect(key, connect_t), False

    async def _connect(self, key: Key, timeout: float | None) -> _AsyncConn:
        scheme, host, port = key
        ctx = None
        if scheme == "https":
            if self._ssl is None:
                self._ssl = ssl_context(self._verify)
            ctx = self._ssl
        # asyncio.open_connection, spelled out to use a protocol that notices hang-ups.
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=2**20, loop=loop)
        protocol = _PooledProtocol(reader, loop=loop)
        opener: Callable[[], Awaitable[Any]] = lambda: loop.create_connection(  # noqa: E731
            lambda: protocol, host, port, ssl=ctx, server_hostname=host if ctx else None
        )
        try:
            transport, _ = await _within(timeout, opener())
        except (TimeoutError, asyncio.TimeoutError) as exc:
            raise ConnectTimedOut("timed out connecting") from exc
        except OSError as exc:
            raise ConnectFailed(str(exc)) from exc
        conn = _AsyncConn(reader, asyncio.StreamWriter(transport, protocol, reader, loop), key)
        protocol.conn = conn
        return conn

    async def aclose(self) -> None:
        """Close every pooled connection."""
        self._closed = True
        conns = [c for idle in self._idle.values() for c in idle]
        self._idle.clear()
        for conn in conns:
            conn.close()
        for conn in conns:
            with contextlib.suppress(Exception):
                await conn.writer.wait_closed()
