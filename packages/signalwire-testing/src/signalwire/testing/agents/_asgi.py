"""A lean in-process ASGI transport for httpx (the agent's app, no socket).

httpx's own ``ASGITransport`` probes for trio on every request (a failed import when
sniffio is absent costs a path scan each time); a tool call should cost well under a
millisecond, so the session drives the app directly on the running asyncio loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import unquote

import httpx

__all__ = ["InProcessASGITransport"]


class InProcessASGITransport(httpx.AsyncBaseTransport):
    """Serve httpx requests from an ASGI app in process, on the caller's event loop."""

    def __init__(self, app: Any, *, client: tuple[str, int] = ("127.0.0.1", 40000)) -> None:
        self.app = app
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Run one request through the app and return its buffered response."""
        body = await request.aread()
        url = request.url
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": url.scheme,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "client": self.client,
            "root_path": "",
        }
        delivered = False
        done = asyncio.Event()
        status: int | None = None
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()  # the client "disconnects" once the app has answered
            return {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))

        try:
            await self.app(scope, receive, send)
        finally:
            done.set()
        return httpx.Response(
            status if status is not None else 500,
            headers=headers,
            content=b"".join(chunks),
            request=request,
        )
