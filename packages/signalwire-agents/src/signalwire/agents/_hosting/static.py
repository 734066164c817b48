"""Serve files from a directory safely: no path traversal, ``index.html`` for directories.

Used by ``AgentServer.serve_static_files`` and ``WebService``.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from signalwire.agents._hosting import loopless
from signalwire.agents._hosting.http import Response, Send, json_response, send_response

__all__ = ["CHUNK_SIZE", "StaticDirectory", "parse_range", "range_of", "stream_file"]

CHUNK_SIZE = 64 * 1024
"""Bytes read from disk and sent per body message when serving a file."""


class StaticDirectory:
    """One directory served under a URL route."""

    __slots__ = ("allowed_extensions", "blocked_extensions", "max_file_size", "root", "route")

    def __init__(
        self,
        route: str,
        directory: str | Path,
        *,
        max_file_size: int | None = None,
        allowed_extensions: Collection[str] | None = None,
        blocked_extensions: Collection[str] | None = None,
    ) -> None:
        root = Path(directory).expanduser().resolve()
        if not root.is_dir():
            raise ValueError(
                f"static directory {str(directory)!r} does not exist or is not a directory"
            )
        self.root = root
        self.route = "/" + route.strip("/") if route.strip("/") else ""
        self.max_file_size = max_file_size
        self.allowed_extensions = _extensions(allowed_extensions)
        self.blocked_extensions = _extensions(blocked_extensions)

    def __repr__(self) -> str:
        return f"StaticDirectory(route={self.route or '/'!r}, root={str(self.root)!r})"

    def relative(self, path: str) -> str | None:
        """The part of ``path`` below this route, or None when the path is not under it."""
        if not self.route:
            return path
        if path == self.route or path.startswith(self.route + "/"):
            return path[len(self.route) :]
        return None

    def _inside(self, relative: str) -> Path | None:
        """The real path a URL path names, when it stays inside the directory."""
        text = unquote(relative)
        if "\x00" in text or "\\" in text:
            return None
        parts = [p for p in text.split("/") if p not in ("", ".")]
        if any(p == ".." or p.startswith(".") for p in parts):
            return None
        candidate = self.root.joinpath(*parts)
        try:
            real = candidate.resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        if real != self.root and self.root not in real.parents:
            return None  # a symlink pointing outside the directory
        return real

    def resolve_dir(self, relative: str) -> Path | None:
        """The directory a URL path names (inside the root), or None."""
        real = self._inside(relative)
        return real if real is not None and real.is_dir() else None

    def resolve(self, relative: str) -> Path | None:
        """The file for a URL path below the route, or None (missing, outside, or refused)."""
        real = self._inside(relative)
        if real is None:
            return None
        if real.is_dir():
            real = real / "index.html"
        if not real.is_file():
            return None
        suffix = real.suffix.lower()
        if self.allowed_extensions and suffix not in self.allowed_extensions:
            return None
        if suffix in self.blocked_extensions or real.name.startswith("."):
            return None
        return real

    async def serve(
        self, relative: str, method: str, send: Send, range_header: str | None = None
    ) -> None:
        """Answer a GET/HEAD for ``relative`` with the file, a 404 or a 405 (JSON errors).

        The file is streamed from disk in chunks (never held in memory whole), a HEAD reads
        nothing, and a single ``Range: bytes=...`` is answered with a 206.
        """
        if method not in ("GET", "HEAD"):
            await send_response(send, json_response(405, {"error": f"method {method} not allowed"}))
            return
        path = self.resolve(relative)
        if path is None:
            await send_response(send, json_response(404, {"error": "Not found"}))
            return
        size = path.stat().st_size
        if self.max_file_size is not None and size > self.max_file_size:
            await send_response(send, json_response(413, {"error": "file too large to serve"}))
            return
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        start, end = 0, size  # the half-open byte span to send
        status = 200
        extra: list[tuple[bytes, bytes]] = [(b"accept-ranges", b"bytes")]
        if range_header is not None:
            span = parse_range(range_header, size)
            if span is None:
                extra.append((b"content-range", f"bytes */{size}".encode()))
                await send_response(
                    send, json_response(416, {"error": "Range not satisfiable"}, extra)
                )
                return
            if span != (0, size):
                start, end = span
                status = 206
                extra.append((b"content-range", f"bytes {start}-{end - 1}/{size}".encode()))
        head = Response(status, b"", extra)
        if method == "HEAD":
            await send_response(
                send, head, body=b"", content_type=ctype.encode(), length=end - start
            )
            return
        await stream_file(send, head, path, start, end, ctype.encode())


def range_of(scope: Mapping[str, Any]) -> str | None:
    """The request's ``Range`` header from an ASGI scope, or None."""
    for key, value in scope.get("headers", ()):
        if key == b"range":
            return bytes(value).decode("latin-1")
    return None


def parse_range(value: str, size: int) -> tuple[int, int] | None:
    """The half-open span a ``Range`` header asks for, or None when it cannot be satisfied.

    Only one ``bytes`` range is honoured; several ranges, another unit or a malformed header
    are answered with the whole file (``(0, size)``), as RFC 9110 allows a server to ignore
    ``Range``.
    """
    unit, _, spec = value.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return (0, size)
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (first.isdigit() or first == "") or not (last.isdigit() or last == ""):
        return (0, size)
    if len(first) > 19 or len(last) > 19:
        return (0, size)
    if first == "":
        if last == "" or int(last) == 0:
            return None if last else (0, size)
        return (max(size - int(last), 0), size)
    begin = int(first)
    if begin >= size:
        return None
    stop = size if last == "" else min(int(last) + 1, size)
    if stop <= begin:
        return (0, size)
    return (begin, stop)


async def stream_file(
    send: Send, head: Response, path: Path, start: int, end: int, content_type: bytes
) -> None:
    """Send bytes ``start..end`` of ``path`` after the headers of ``head``, a chunk at a time.

    Each chunk is read in a worker thread and handed to the server before the next is read,
    so a slow client holds one chunk in memory, not the file.
    """
    loopless.require_loop()  # chunks are read in worker threads
    loop = asyncio.get_running_loop()
    await send_response(
        send, head, body=None, content_type=content_type, length=end - start, start_only=True
    )
    handle = await loop.run_in_executor(None, path.open, "rb")
    try:
        await loop.run_in_executor(None, handle.seek, start)
        remaining = end - start
        while remaining > 0:
            chunk = await loop.run_in_executor(None, handle.read, min(CHUNK_SIZE, remaining))
            if not chunk:  # the file shrank while being sent: end the body early
                break
            remaining -= len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
        if remaining > 0:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        handle.close()


def _extensions(values: Collection[str] | None) -> frozenset[str]:
    return frozenset(("." + v.lower().lstrip(".")) for v in (values or ()))
