"""Serve files from a directory safely: no path traversal, ``index.html`` for directories.

Used by ``AgentServer.serve_static_files`` and ``WebService``.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Collection
from pathlib import Path
from urllib.parse import unquote

from signalwire.agents._hosting import loopless
from signalwire.agents._hosting.http import Send, json_response, send_response

__all__ = ["StaticDirectory"]


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

    async def serve(self, relative: str, method: str, send: Send) -> None:
        """Answer a GET/HEAD for ``relative`` with the file, a 404 or a 405 (JSON errors)."""
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
        import asyncio

        loopless.require_loop()  # the file is read in a worker thread
        body = await asyncio.get_running_loop().run_in_executor(None, path.read_bytes)
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        await send_response(
            send,
            json_response(200, None),
            body=b"" if method == "HEAD" else body,
            content_type=ctype.encode(),
            length=len(body),
        )


def _extensions(values: Collection[str] | None) -> frozenset[str]:
    return frozenset(("." + v.lower().lstrip(".")) for v in (values or ()))
