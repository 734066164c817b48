"""In-process httpx transports for the fake platform: no socket, no server thread per test.

``httpx.ASGITransport`` is async only; :class:`SyncASGITransport` runs the same ASGI app
on a private event loop in a daemon thread, so a synchronous ``RestClient`` can use the
fake in process too (and from inside an async test, where ``asyncio.run`` cannot).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any

import httpx

__all__ = ["SyncASGITransport"]


class SyncASGITransport(httpx.BaseTransport):
    """A synchronous httpx transport that serves requests from an ASGI app in process."""

    def __init__(self, app: Any, *, timeout: float = 30.0) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="signalwire-testing-rest", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def _send(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = await self._inner.handle_async_request(request)
        body = await response.aread()
        await response.aclose()
        return response.status_code, list(response.headers.raw), body

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Serve one request; a fake that takes longer than ``timeout`` raises ReadTimeout."""
        request.read()
        future = asyncio.run_coroutine_threadsafe(self._send(request), self._ensure_loop())
        try:
            status, headers, body = future.result(self._timeout)
        # Python 3.10's concurrent.futures.TimeoutError is not the builtin (3.11 aliased them).
        except (TimeoutError, concurrent.futures.TimeoutError):
            future.cancel()
            raise httpx.ReadTimeout(
                "the fake platform did not answer in time", request=request
            ) from None
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        """Stop the private event loop."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
