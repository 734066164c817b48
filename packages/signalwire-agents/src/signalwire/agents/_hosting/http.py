"""The agent's HTTP surface as a plain ASGI application.

No framework on the hot path: one ASGI callable parses the path, checks Basic
auth in constant time, reads the body with a size cap and hands a small
:class:`Request` to the service. Every error is a JSON body with a 4xx status;
an unexpected exception is logged and answered with a generic 500 JSON body
(never a traceback).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, Protocol
from urllib.parse import parse_qsl

__all__ = [
    "MAX_BODY_BYTES",
    "BadRequest",
    "HostedService",
    "Request",
    "Response",
    "ServiceApp",
    "json_response",
]

log = logging.getLogger("signalwire.agents.http")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY_BYTES = 10 * 1024 * 1024

_SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
_JSON = (b"content-type", b"application/json")
_ENDPOINTS = frozenset({"", "debug", "swaig", "post_prompt", "check_for_input", "debug_events"})


class Response:
    """Status, body bytes and extra headers."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None):
        self.status = status
        self.body = body
        self.headers = headers or []


def json_response(
    status: int, data: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> Response:
    """A JSON response."""
    return Response(status, json.dumps(data).encode(), headers)


class BadRequest(Exception):
    """Raised while handling a request; becomes a 4xx JSON answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class Request:
    """What the service needs from an HTTP request."""

    __slots__ = (
        "_json",
        "_query",
        "body",
        "endpoint",
        "headers",
        "method",
        "path",
        "query_string",
        "root_path",
        "scheme",
    )

    def __init__(
        self,
        method: str,
        path: str,
        endpoint: str,
        query_string: bytes,
        headers: dict[str, str],
        body: bytes,
        scheme: str,
        root_path: str,
    ) -> None:
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.query_string = query_string
        self.headers = headers
        self.body = body
        self.scheme = scheme
        self.root_path = root_path
        self._json: Any = None
        self._query: dict[str, str] | None = None

    @property
    def query(self) -> dict[str, str]:
        """Query parameters (last value wins)."""
        if self._query is None:
            try:
                self._query = dict(
                    parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True)
                )
            except ValueError:
                self._query = {}
        return self._query

    def json(self) -> Any:
        """The parsed JSON body; ``{}`` for an empty body; BadRequest(400) when malformed."""
        if self._json is None:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = json.loads(self.body)
                except (ValueError, UnicodeDecodeError) as exc:
                    raise BadRequest(400, f"request body is not valid JSON: {exc}") from None
                except RecursionError:
                    raise BadRequest(400, "request body is nested too deeply") from None
        return self._json

    @property
    def query_params(self) -> dict[str, str]:
        """The query parameters (last value wins), like Starlette's ``request.query_params``."""
        return dict(self.query)

    def url(self, base: str | None = None) -> str:
        """The full URL of the request, mount prefix included (``base`` replaces scheme and host)."""
        if base is None:
            host = self.headers.get("host", "localhost")
            base = f"{self.scheme}://{host}"
        qs = self.query_string.decode("latin-1")
        return f"{base.rstrip('/')}{self.path}" + (f"?{qs}" if qs else "")


_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _with_hsts(send: Send) -> Send:
    """Add Strict-Transport-Security to every response (only when serving over TLS)."""

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), _HSTS]
        await send(message)

    return sender


async def _send(send: Send, response: Response) -> None:
    headers = [_JSON, (b"content-length", str(len(response.body)).encode())]
    headers += _SECURITY_HEADERS
    headers += response.headers
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


def _error(status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> Response:
    return Response(status, json.dumps({"error": message}).encode(), headers)


_UNAUTHORIZED = Response(
    401,
    b'{"error":"Unauthorized"}',
    [(b"www-authenticate", b'Basic realm="signalwire-agent"')],
)


class HostedService(Protocol):
    """What the HTTP layer needs from the service it serves (SWMLService provides it).

    Keeping this a structural protocol means the HTTP layer never imports the
    service class, so the two modules do not import each other.
    """

    @property
    def name(self) -> str: ...

    @property
    def ssl_enabled(self) -> bool: ...

    @property
    def _routing_callbacks(self) -> Mapping[str, Any]: ...

    def _auth_header_ok(self, header: bytes | None) -> bool: ...

    async def _dispatch(self, request: Request) -> Response: ...


class ServiceApp:
    """ASGI app serving one service under ``prefix`` (the agent's route, or "" when mounted).

    ``with_health`` adds the open ``/health`` and ``/ready`` routes at the app root.
    """

    def __init__(self, service: HostedService, prefix: str, with_health: bool) -> None:
        self.service = service
        self.prefix = prefix.rstrip("/")
        self.with_health = with_health

    def __repr__(self) -> str:
        return f"ServiceApp(service={self.service.name!r}, prefix={self.prefix!r})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            if self.service.ssl_enabled:
                send = _with_hsts(send)
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1003})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]  # Starlette's Mount keeps the full path
        method: str = scope["method"]
        if self.with_health and path in ("/health", "/ready", "/health/", "/ready/"):
            await self._health(path, method, send)
            return
        endpoint = self._endpoint(path)
        raw_headers: list[tuple[bytes, bytes]] = scope["headers"]
        if endpoint is None:
            await _send(send, _error(404, "Not found"))
            return
        auth_header = None
        for key, value in raw_headers:
            if key == b"authorization":
                auth_header = value
                break
        if not self.service._auth_header_ok(auth_header):
            await _send(send, _UNAUTHORIZED)
            return
        if method not in ("GET", "POST", "HEAD"):
            await _send(
                send, _error(405, f"method {method} not allowed", [(b"allow", b"GET, POST")])
            )
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw_headers}
        try:
            body = await self._read_body(headers, receive) if method == "POST" else b""
        except BadRequest as exc:
            await _send(send, _error(exc.status, exc.message))
            return
        if method == "POST" and body:
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype and ctype != "application/json" and not ctype.endswith("+json"):
                await _send(send, _error(415, "Content-Type must be application/json"))
                return
        request = Request(
            method,
            root_path + path,
            endpoint,
            scope.get("query_string", b""),
            headers,
            body,
            scope.get("scheme", "http"),
            root_path + self.prefix,
        )
        try:
            response = await self.service._dispatch(request)
        except BadRequest as exc:
            response = _error(exc.status, exc.message)
        except Exception:
            log.exception("%s: unhandled error for %s %s", self.service.name, method, path)
            response = _error(500, "Internal server error")
        if method == "HEAD":
            response = Response(response.status, b"", response.headers)
        await _send(send, response)

    def _endpoint(self, path: str) -> str | None:
        """Map a path to an endpoint name ("" = SWML), or None when it is not ours."""
        prefix = self.prefix
        if prefix:
            if not path.startswith(prefix):
                return None
            path = path[len(prefix) :]
            if path and not path.startswith("/"):
                return None
        while "//" in path:
            path = path.replace("//", "/")
        name = path.strip("/")
        if name in _ENDPOINTS:
            return name
        if "/" + name in self.service._routing_callbacks:
            return "/" + name
        return None

    async def _read_body(self, headers: dict[str, str], receive: Receive) -> bytes:
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise BadRequest(400, "invalid Content-Length")
            if int(declared) > MAX_BODY_BYTES:
                raise BadRequest(413, f"request body larger than {MAX_BODY_BYTES} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise BadRequest(400, "client disconnected")
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise BadRequest(413, f"request body larger than {MAX_BODY_BYTES} bytes")
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _health(self, path: str, method: str, send: Send) -> None:
        if method not in ("GET", "POST", "HEAD"):
            await _send(send, _error(405, f"method {method} not allowed"))
            return
        if path.startswith("/health"):
            await _send(send, json_response(200, {"status": "healthy", "agent": self.service.name}))
        else:
            await _send(send, json_response(200, {"status": "ready"}))
