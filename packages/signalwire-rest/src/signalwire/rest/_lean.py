"""Lean HTTP/1.1 transports for httpx, over the keep-alive pools of :mod:`._wire`.

httpx's own transports go through httpcore, whose pool bookkeeping and anyio
layers cost more per request than a whole JSON round trip to a nearby server
(see ``benchmarks/rest``). These classes plug the lean pools into httpx's public
extension point (``httpx.BaseTransport`` / ``httpx.AsyncBaseTransport``), so they
work under ``httpx.Client`` and ``httpx.AsyncClient`` and can be passed to the
REST clients as ``transport=``; they are the clients' default transports.

Supported: keep-alive, Content-Length, chunked and read-to-close bodies, 1xx
responses, TLS, the ``timeout`` request extension. Not supported: proxies,
HTTP/2, streaming (request bodies are read whole and sent with a
Content-Length; response bodies are read before the response is returned).
"""

from __future__ import annotations

import httpx

from signalwire.rest._wire import (
    ConnectFailed,
    ConnectTimedOut,
    Head,
    Key,
    ProtocolFailure,
    ReadFailed,
    ReadTimedOut,
    SyncPool,
    Verify,
    WireFailure,
    WriteFailed,
    WriteTimedOut,
)
from signalwire.rest._wire_async import AsyncPool

__all__ = ["LeanAsyncTransport", "LeanTransport"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_BODY_METHODS = frozenset({b"POST", b"PUT", b"PATCH"})
_SKIP_REQUEST_HEADERS = frozenset({b"content-length", b"transfer-encoding", b"connection"})
#: Most specific first: the mapping of the pools' errors to httpx's.
_ERRORS: tuple[tuple[type[WireFailure], type[httpx.TransportError]], ...] = (
    (ConnectTimedOut, httpx.ConnectTimeout),
    (ConnectFailed, httpx.ConnectError),
    (WriteTimedOut, httpx.WriteTimeout),
    (WriteFailed, httpx.WriteError),
    (ReadTimedOut, httpx.ReadTimeout),
    (ProtocolFailure, httpx.RemoteProtocolError),
    (ReadFailed, httpx.ReadError),
)


def _key(url: httpx.URL) -> Key:
    scheme = url.scheme
    if scheme not in _DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(f"unsupported URL scheme {scheme!r}")
    return scheme, url.host, url.port or _DEFAULT_PORTS[scheme]


def _timeouts(request: httpx.Request) -> tuple[float | None, float | None, float | None]:
    t = request.extensions.get("timeout") or {}
    return t.get("connect"), t.get("read"), t.get("write")


def _serialize(request: httpx.Request, body: bytes) -> bytes:
    """Request line, headers and body as one buffer (one send per request)."""
    method = request.method.encode("ascii")
    parts = [method, b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    for name, value in request.headers.raw:
        if name.lower() not in _SKIP_REQUEST_HEADERS:
            parts += [name, b": ", value, b"\r\n"]
    if body or method in _BODY_METHODS:
        parts += [b"Content-Length: ", str(len(body)).encode("ascii"), b"\r\n"]
    parts += [b"\r\n", body]
    return b"".join(parts)


def _response(head: Head, body: bytes, request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        head.status,
        headers=head.headers,
        content=body,
        request=request,
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": head.reason},
    )


def _httpx_error(exc: WireFailure) -> httpx.TransportError:
    for ours, theirs in _ERRORS:
        if isinstance(exc, ours):
            return theirs(str(exc))
    return httpx.TransportError(str(exc))


class LeanTransport(httpx.BaseTransport):
    """Blocking HTTP/1.1 keep-alive transport over plain sockets (thread-safe)."""

    def __init__(self, *, verify: Verify = True) -> None:
        #: The keep-alive connection pool this transport sends through.
        self.pool = SyncPool(verify=verify)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and return the response with its body already read."""
        key = _key(request.url)
        data = _serialize(request, request.read())
        connect_t, read_t, write_t = _timeouts(request)
        try:
            head, body = self.pool.send_bytes(key, request.method, data, connect_t, read_t, write_t)
        except WireFailure as exc:
            raise _httpx_error(exc) from exc
        return _response(head, body, request)

    def close(self) -> None:
        """Close every pooled connection."""
        self.pool.close()


class LeanAsyncTransport(httpx.AsyncBaseTransport):
    """asyncio HTTP/1.1 keep-alive transport over streams.

    Concurrent requests each take their own connection (at most
    ``max_connections`` at once; the rest wait for one).
    """

    def __init__(self, *, verify: Verify = True, max_connections: int = 100) -> None:
        #: The keep-alive connection pool this transport sends through.
        self.pool = AsyncPool(verify=verify, max_connections=max_connections)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and return the response with its body already read."""
        key = _key(request.url)
        data = _serialize(request, await request.aread())
        connect_t, read_t, _ = _timeouts(request)
        try:
            head, body = await self.pool.send_bytes(key, request.method, data, connect_t, read_t)
        except WireFailure as exc:
            raise _httpx_error(exc) from exc
        return _response(head, body, request)

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self.pool.aclose()
