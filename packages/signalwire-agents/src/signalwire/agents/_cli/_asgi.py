"""Drive an ASGI app in process: one request in, status, headers and body out.

The agents package does not depend on an HTTP client, and the CLI must use the
exact path SignalWire's requests take (Basic auth, token check, routing), so it
speaks ASGI to the app itself.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["AsgiResponse", "asgi_request"]


class AsgiResponse:
    """What the app answered."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)


async def asgi_request(
    app: Any,
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    *,
    server: tuple[str, int] = ("localhost", 3000),
) -> AsgiResponse:
    """Send one HTTP request (``target`` is a path with an optional query) to ``app``."""
    parts = urlsplit(target)
    path = parts.path or "/"
    header_list = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if not any(k == b"host" for k, _ in header_list):
        header_list.append((b"host", f"{server[0]}:{server[1]}".encode()))
    if body:
        header_list.append((b"content-length", str(len(body)).encode()))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method.upper(),
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode("latin-1"),
        "query_string": parts.query.encode("latin-1"),
        "root_path": "",
        "headers": header_list,
        "client": ("127.0.0.1", 50000),
        "server": server,
    }
    sent_body = False
    status = 500
    out_headers: list[tuple[str, str]] = []
    chunks: list[bytes] = []

    async def receive() -> MutableMapping[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
            for key, value in message.get("headers", []):
                out_headers.append((key.decode("latin-1").lower(), value.decode("latin-1")))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return AsgiResponse(status, out_headers, b"".join(chunks))
