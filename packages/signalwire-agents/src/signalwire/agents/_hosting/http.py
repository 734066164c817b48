"""The agent's HTTP surface as a plain ASGI application.

No framework on the hot path: one ASGI callable parses the path, applies the
service's security settings (allowed hosts, CORS, size limit, HSTS: see
:mod:`.policy`), checks Basic auth in constant time, reads the body and hands a
small :class:`Request` to the service. Every error is a JSON body with a 4xx status;
an unexpected exception is logged and answered with a generic 500 JSON body
(never a traceback).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

from signalwire.agents._hosting.policy import HttpPolicy
from signalwire.agents._otel import Telemetry, telemetry

if TYPE_CHECKING:
    from signalwire.agents._hosting.security import SecurityConfig

__all__ = [
    "PUBLIC_BASE_KEY",
    "BadRequest",
    "HostedService",
    "Request",
    "Response",
    "ServiceApp",
    "decode_json_text",
    "json_response",
    "lifespan",
    "send_response",
    "with_headers",
]

log = logging.getLogger("signalwire.agents.http")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


_SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
_JSON = (b"content-type", b"application/json")
_ENDPOINTS = frozenset(
    {"", "debug", "swaig", "post_prompt", "check_for_input", "debug_events", "mcp"}
)


# Only bodies holding a \uD800-\uDFFF escape need the (slower) walk for unpaired ones.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _lone_surrogate_in(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _has_lone_surrogate(value: Any) -> bool:
    """Whether any string (or key) in a parsed JSON value holds an unpaired surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _lone_surrogate_in(item):
                return True
        elif isinstance(item, dict):
            for key, child in item.items():
                if _lone_surrogate_in(key):
                    return True
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return False


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


def decode_json_text(text: str | bytes, what: str) -> Any:
    """``json.loads(text)``; a body nested deeper than the parser can follow is a
    ``BadRequest(400)`` naming ``what``. Other decoding errors (``ValueError``) propagate."""
    try:
        return json.loads(text)
    except RecursionError:
        raise BadRequest(400, f"{what} is nested too deeply") from None


class BadRequest(Exception):
    """Raised while handling a request; becomes a 4xx JSON answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class Request:
    """What the service needs from an HTTP request."""

    __slots__ = (
        "_headers",
        "_json",
        "_query",
        "_raw_headers",
        "body",
        "endpoint",
        "forwarded_trusted",
        "method",
        "path",
        "public_base",
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
        headers: dict[str, str] | None,
        body: bytes,
        scheme: str,
        root_path: str,
        raw_headers: Mapping[bytes, bytes] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.query_string = query_string
        self._headers = headers
        self._raw_headers = raw_headers
        self.body = body
        self.scheme = scheme
        self.root_path = root_path
        self._json: Any = None
        self._query: dict[str, str] | None = None
        #: Whether X-Forwarded-*/Forwarded come from a trusted proxy (may set public URLs).
        self.forwarded_trusted = False
        #: The public base URL fixed by the hosting mode (serverless), else None.
        self.public_base: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        """Header names (lower-case) to values, decoded as latin-1; the last of repeats wins."""
        if self._headers is None:
            raw = self._raw_headers or {}
            self._headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw.items()
            }
        return self._headers

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
                if _SURROGATE_ESCAPE.search(self.body) and _has_lone_surrogate(self._json):
                    self._json = None
                    raise BadRequest(
                        400,
                        "request body contains an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF)",
                    )
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


def with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    """Add ``extra`` headers (HSTS, CORS) to the response start message."""

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return sender


async def _send(send: Send, response: Response) -> None:
    headers = [_JSON, (b"content-length", str(len(response.body)).encode())]
    headers += _SECURITY_HEADERS
    headers += response.headers
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def send_response(
    send: Send,
    response: Response,
    *,
    body: bytes | None = None,
    content_type: bytes | None = None,
    length: int | None = None,
    start_only: bool = False,
) -> None:
    """Send ``response`` with the security headers (``body``/``content_type`` override it).

    With ``start_only`` only the status and headers go out; the caller sends the body
    messages (a streamed file).
    """
    if body is None and content_type is None:
        await _send(send, response)
        return
    data = response.body if body is None else body
    size = len(data) if length is None else length
    headers = [
        (b"content-type", content_type or _JSON[1]),
        (b"content-length", str(size).encode()),
        *_SECURITY_HEADERS,
        *response.headers,
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if not start_only:
        await send({"type": "http.response.body", "body": data})


def _error(status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> Response:
    return Response(status, json.dumps({"error": message}).encode(), headers)


_UNAUTHORIZED = Response(
    401,
    b'{"error":"Unauthorized"}',
    [(b"www-authenticate", b'Basic realm="signalwire-agent"')],
)
_BAD_HOST = Response(400, b'{"error":"Invalid host header"}')
_PREFLIGHT_HEADERS = [
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-max-age", b"600"),
]

PUBLIC_BASE_KEY = "signalwire.public_base"
"""ASGI scope key a serverless adapter sets to the platform's public base URL."""


async def lifespan(receive: Receive, send: Send) -> None:
    """Answer ASGI lifespan events (nothing to start or stop) until shutdown."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def header(raw_headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The first value of header ``name`` (lower-case bytes) in raw ASGI headers."""
    for key, value in raw_headers:
        if key == name:
            return value
    return None


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
    def security(self) -> SecurityConfig: ...

    @property
    def _routing_callbacks(self) -> Mapping[str, Any]: ...

    def _auth_header_ok(self, header: bytes | None) -> bool: ...

    async def _dispatch(self, request: Request) -> Response: ...


class ServiceApp:
    """ASGI app serving one service under ``prefix`` (the agent's route, or "" when mounted).

    ``with_health`` adds the open ``/health`` and ``/ready`` routes at the app root.
    The service's :class:`SecurityConfig` is read when the first request arrives.
    """

    def __init__(self, service: HostedService, prefix: str, with_health: bool) -> None:
        self.service = service
        self.prefix = prefix.rstrip("/")
        self.with_health = with_health
        self._policy: HttpPolicy | None = None

    def __repr__(self) -> str:
        return f"ServiceApp(service={self.service.name!r}, prefix={self.prefix!r})"

    @property
    def policy(self) -> HttpPolicy:
        """The enforced settings (built from ``service.security`` on first use)."""
        if self._policy is None:
            self._policy = HttpPolicy(self.service.security, bool(self.service.ssl_enabled))
        return self._policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            otel = telemetry()
            if otel is None:
                await self._http(scope, receive, send)
            else:
                await otel.serve(
                    lambda s, r, se: self._http(s, r, se, otel),
                    self._route_template(scope),
                    scope,
                    receive,
                    send,
                )
        elif kind == "lifespan":
            await lifespan(receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1003})

    async def _http(
        self, scope: Scope, receive: Receive, send: Send, otel: Telemetry | None = None
    ) -> None:
        policy = self._policy or self.policy
        if policy.hsts is not None:
            send = with_headers(send, [policy.hsts])
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]  # Starlette's Mount keeps the full path
        method: str = scope["method"]
        if self.with_health and path in ("/health", "/ready", "/health/", "/ready/"):
            await self._health(path, method, send)
            return
        header_list: list[tuple[bytes, bytes]] = scope["headers"]
        # One dict for every check and for the service (ASGI header names are lower-case), so
        # the Host that is checked is the Host the URLs are built from.
        raw = dict(header_list)
        if len(raw) != len(header_list) and sum(k == b"host" for k, _ in header_list) > 1:
            await _send(send, _error(400, "more than one Host header"))
            return
        if policy.check_hosts:
            host = raw.get(b"host")
            if not policy.host_allowed(host.decode("latin-1") if host else None):
                await _send(send, _BAD_HOST)
                return
        origin = raw.get(b"origin")
        if origin is not None:
            cors = policy.cors_headers(origin.decode("latin-1"))
            if method == "OPTIONS" and raw.get(b"access-control-request-method"):
                await self._preflight(cors, raw, send)
                return
            if cors:
                send = with_headers(send, cors)
        endpoint = self._endpoint(path)
        if endpoint is None:
            await _send(send, _error(404, "Not found"))
            return
        if not self.service._auth_header_ok(raw.get(b"authorization")):
            await _send(send, _UNAUTHORIZED)
            return
        if method not in ("GET", "POST", "HEAD"):
            await _send(
                send, _error(405, f"method {method} not allowed", [(b"allow", b"GET, POST")])
            )
            return
        try:
            body = (
                await self._read_body(raw.get(b"content-length"), receive, policy.max_body)
                if method == "POST"
                else b""
            )
        except BadRequest as exc:
            await _send(send, _error(exc.status, exc.message))
            return
        if method == "POST" and body:
            content_type = raw.get(b"content-type")
            if content_type is not None and content_type != b"application/json":
                ctype = content_type.decode("latin-1").split(";")[0].strip().lower()
                if ctype and ctype != "application/json" and not ctype.endswith("+json"):
                    await _send(send, _error(415, "Content-Type must be application/json"))
                    return
        trusted = False
        forwarded_host = raw.get(b"x-forwarded-host")
        if forwarded_host is not None or b"forwarded" in raw:
            client = scope.get("client")
            trusted = policy.forwarded_trusted(client[0] if client else None)
            if trusted and forwarded_host is not None:
                # A proxy we trust may still relay a client's header: only allowed hosts count.
                first = forwarded_host.decode("latin-1").split(",")[0].strip()
                trusted = policy.host_allowed(first)
        request = Request(
            method,
            root_path + path,
            endpoint,
            scope.get("query_string", b""),
            None,
            body,
            scope.get("scheme", "http"),
            root_path + self.prefix,
            raw,
        )
        request.forwarded_trusted = trusted
        request.public_base = scope.get(PUBLIC_BASE_KEY)
        try:
            if otel is None:
                response = await self.service._dispatch(request)
            else:
                response = await otel.dispatch(self.service.name, request, self.service._dispatch)
        except BadRequest as exc:
            response = _error(exc.status, exc.message)
        except Exception:
            log.exception("%s: unhandled error for %s %s", self.service.name, method, path)
            response = _error(500, "Internal server error")
        if method == "HEAD":
            response = Response(response.status, b"", response.headers)
        await _send(send, response)

    async def _preflight(
        self,
        cors: list[tuple[bytes, bytes]] | None,
        raw_headers: Mapping[bytes, bytes],
        send: Send,
    ) -> None:
        """Answer a CORS preflight before auth (browsers send no credentials with it)."""
        if cors is None:
            await _send(send, _error(400, "Disallowed CORS origin"))
            return
        extra = [*cors, *_PREFLIGHT_HEADERS]
        requested = raw_headers.get(b"access-control-request-headers")
        if requested:
            extra.append((b"access-control-allow-headers", requested))
        await _send(send, Response(200, b"{}", extra))

    def _route_template(self, scope: Scope) -> str | None:
        """The route a request matches (``/agent/swaig``), for telemetry; None when unknown."""
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]
        if self.with_health and path.rstrip("/") in ("/health", "/ready"):
            return path.rstrip("/")
        endpoint = self._endpoint(path)
        if endpoint is None:
            return None
        base = root_path + self.prefix
        if not endpoint:
            return base or "/"
        return f"{base}/{endpoint.lstrip('/')}"

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

    async def _read_body(self, declared: bytes | None, receive: Receive, limit: int) -> bytes:
        if declared is not None:
            if not declared.strip().isdigit():
                raise BadRequest(400, "invalid Content-Length")
            if int(declared) > limit:
                raise BadRequest(413, f"request body larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise BadRequest(400, "client disconnected")
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > limit:
                    raise BadRequest(413, f"request body larger than {limit} bytes")
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
