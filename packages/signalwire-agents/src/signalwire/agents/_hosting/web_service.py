"""WebService: a small authenticated static-file server built on the agents' HTTP layer.

Every path but ``/health`` needs Basic auth; allowed hosts, CORS and HSTS come
from the service's :class:`SecurityConfig`, exactly as for agents.
"""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from signalwire.agents._hosting.auth import BasicAuth, resolve_basic_auth
from signalwire.agents._hosting.config import config_get
from signalwire.agents._hosting.http import (
    Receive,
    Response,
    Scope,
    Send,
    header,
    json_response,
    lifespan,
    send_response,
    with_headers,
)
from signalwire.agents._hosting.policy import HttpPolicy
from signalwire.agents._hosting.security import SecurityConfig
from signalwire.agents._hosting.static import StaticDirectory, range_of

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["WebService"]

log = logging.getLogger("signalwire.agents.web")

DEFAULT_BLOCKED = [
    ".env",
    ".git",
    ".key",
    ".pem",
    ".crt",
    ".p12",
    ".htpasswd",
    ".htaccess",
    ".pyc",
    ".db",
    ".sqlite",
]
_UNAUTHORIZED = Response(
    401, b'{"error":"Unauthorized"}', [(b"www-authenticate", b'Basic realm="signalwire-web"')]
)


class WebService:
    """Serve local directories over HTTP with Basic auth: ``add_directory("/docs", "./docs")``."""

    def __init__(
        self,
        port: int = 8002,
        directories: dict[str, str] | None = None,
        basic_auth: tuple[str, str] | None = None,
        config_file: str | None = None,
        enable_directory_browsing: bool = False,
        allowed_extensions: list[str] | None = None,
        blocked_extensions: list[str] | None = None,
        max_file_size: int = 100 * 1024 * 1024,
        enable_cors: bool = True,
    ) -> None:
        #: Security settings (config file ``security`` section > SWML_* env > defaults).
        self.security = SecurityConfig(config_file, service_name="web")
        config = self.security.config
        self.port = int(config_get(config, "service.port") or port)
        self.enable_directory_browsing = bool(
            config_get(config, "service.enable_directory_browsing", enable_directory_browsing)
        )
        self.max_file_size = int(config_get(config, "service.max_file_size") or max_file_size)
        self.allowed_extensions = config_get(
            config, "service.allowed_extensions", allowed_extensions
        )
        blocked = config_get(config, "service.blocked_extensions", blocked_extensions)
        self.blocked_extensions: list[str] = list(DEFAULT_BLOCKED if blocked is None else blocked)
        self.enable_cors = bool(enable_cors)
        self._auth: BasicAuth = resolve_basic_auth(basic_auth, self.security, "web")
        self.directories: dict[str, str] = {}
        self._mounts: list[StaticDirectory] = []
        for route, directory in dict(
            config_get(config, "service.directories") or directories or {}
        ).items():
            self.add_directory(route, directory)
        self._policy: HttpPolicy | None = None
        self._app: Starlette | None = None
        self._server: Any = None

    def __repr__(self) -> str:
        return f"WebService(port={self.port}, directories={sorted(self.directories)})"

    @property
    def app(self) -> Starlette:
        """The ASGI application (Starlette)."""
        if self._app is None:
            from signalwire.agents._hosting.app import make_app

            self._app = make_app(self._asgi)
        return self._app

    def get_basic_auth_credentials(self, include_source: bool = False) -> tuple[str, ...]:
        """``(user, password)`` or, with ``include_source``, ``(user, password, source)``."""
        auth = self._auth
        return (
            (auth.user, auth.password, auth.source)
            if include_source
            else (auth.user, auth.password)
        )

    def add_directory(self, route: str, directory: str) -> None:
        """Serve ``directory`` at ``route``; ValueError when it is not a directory."""
        mount = StaticDirectory(
            route,
            directory,
            max_file_size=self.max_file_size,
            allowed_extensions=self.allowed_extensions,
            blocked_extensions=self.blocked_extensions,
        )
        self.remove_directory(route)
        self._mounts.append(mount)
        self._mounts.sort(key=lambda m: len(m.route), reverse=True)
        self.directories[mount.route or "/"] = str(mount.root)

    def remove_directory(self, route: str) -> None:
        """Stop serving the directory at ``route`` (nothing happens when none is there)."""
        key = "/" + route.strip("/") if route.strip("/") else "/"
        self.directories.pop(key, None)
        self._mounts = [m for m in self._mounts if (m.route or "/") != key]

    def start(
        self,
        host: str = "0.0.0.0",  # noqa: S104
        port: int | None = None,
        ssl_cert: str | None = None,
        ssl_key: str | None = None,
    ) -> None:
        """Serve until interrupted (blocks); TLS with ``ssl_cert``/``ssl_key`` or the settings."""
        from signalwire.agents._hosting.server import serve_app

        tls = {"ssl_certfile": ssl_cert, "ssl_keyfile": ssl_key} if ssl_cert and ssl_key else {}
        if ssl_cert and ssl_key:
            self.security.ssl_enabled = True
            self._policy = None
        serve_app(
            self.app,
            host=host,
            port=int(port or self.port),
            on_server=lambda server: setattr(self, "_server", server),
            **(tls or self.security.get_ssl_context_kwargs()),
        )

    def stop(self) -> None:
        """Ask a running :meth:`start` to exit."""
        if self._server is not None:
            self._server.should_exit = True

    # -- ASGI ---------------------------------------------------------------------------------

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        policy = self._policy
        if policy is None:
            policy = self._policy = HttpPolicy(self.security, self.security.ssl_enabled)
        extra = [policy.hsts] if policy.hsts is not None else []
        raw: list[tuple[bytes, bytes]] = scope["headers"]
        origin = header(raw, b"origin")
        if origin is not None and self.enable_cors:
            extra += policy.cors_headers(origin.decode("latin-1")) or []
        path: str = scope["path"]
        method: str = scope["method"]

        async def answer(response: Response, **kwargs: Any) -> None:
            response.headers = [*response.headers, *extra]
            await send_response(send, response, **kwargs)

        if path in ("/health", "/health/"):
            await answer(
                json_response(200, {"status": "healthy", "directories": sorted(self.directories)})
            )
            return
        if policy.check_hosts:
            host = header(raw, b"host")
            if not policy.host_allowed(host.decode("latin-1") if host else None):
                await answer(json_response(400, {"error": "Invalid host header"}))
                return
        if not self._auth.header_ok(header(raw, b"authorization")):
            await answer(
                Response(_UNAUTHORIZED.status, _UNAUTHORIZED.body, list(_UNAUTHORIZED.headers))
            )
            return
        for mount in self._mounts:
            relative = mount.relative(path)
            if relative is None:
                continue
            if self.enable_directory_browsing and method in ("GET", "HEAD"):
                listing = self._listing(mount, relative, path)
                if listing is not None:
                    body = listing.encode()
                    await answer(
                        json_response(200, None),
                        body=b"" if method == "HEAD" else body,
                        content_type=b"text/html; charset=utf-8",
                        length=len(body),
                    )
                    return
            await mount.serve(
                relative, method, with_headers(send, extra) if extra else send, range_of(scope)
            )
            return
        if path == "/" and method in ("GET", "HEAD"):
            await answer(
                json_response(200, {"service": "web", "directories": sorted(self.directories)})
            )
            return
        await answer(json_response(404, {"error": "Not found"}))

    def _listing(self, mount: StaticDirectory, relative: str, url_path: str) -> str | None:
        """An HTML index of a directory without ``index.html``, or None."""
        if mount.resolve(relative) is not None:
            return None  # a file, or a directory with its own index.html
        folder = mount.resolve_dir(relative)
        if folder is None:
            return None
        base = url_path.rstrip("/") + "/"
        items = []
        for entry in sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name.lower())):
            if entry.name.startswith("."):
                continue
            if entry.is_file() and mount.resolve(_rel(relative, entry.name)) is None:
                continue  # blocked or not allowed: do not even list it
            name = entry.name + ("/" if entry.is_dir() else "")
            items.append(
                f'<li><a href="{html.escape(base + quote(name))}">{html.escape(name)}</a></li>'
            )
        title = html.escape(base)
        return f"<!doctype html><title>Index of {title}</title><h1>Index of {title}</h1><ul>{''.join(items)}</ul>"


def _rel(relative: str, name: str) -> str:
    return relative.rstrip("/") + "/" + name
