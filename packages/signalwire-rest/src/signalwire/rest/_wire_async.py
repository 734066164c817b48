"""The asyncio keep-alive pool of :mod:`signalwire.rest._wire`, for ``AsyncRestClient``.

Apart from the blocking pool so that a sync client never imports :mod:`asyncio`; the
request format, response parsing and errors are the shared ones of :mod:`._wire`.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from signalwire.rest._wire import (
    _RESENDABLE,
    ConnectFailed,
    ConnectTimedOut,
    Head,
    Key,
    ProtocolFailure,
    ReadFailed,
    ReadTimedOut,
    Verify,
    _chunk_size,
    _ssl_error,
    _Stale,
    ssl_context,
)

if TYPE_CHECKING:
    import ssl

__all__ = ["AsyncPool"]

_T = TypeVar("_T")

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
            except (ConnectionError, _ssl_error()) as exc:
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
        except (ConnectionError, _ssl_error()) as exc:
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
