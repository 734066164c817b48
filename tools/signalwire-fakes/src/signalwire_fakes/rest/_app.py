"""`FakeRestPlatform`: the Starlette app that plays the SignalWire REST API."""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from signalwire_fakes.rest._examples import stable_uuid
from signalwire_fakes.rest._journal import Journal, JournalEntry
from signalwire_fakes.rest._router import Match, Router
from signalwire_fakes.rest._rpc import RPC_PATH, handle_rpc
from signalwire_fakes.rest._spec import COMPAT_PREFIX, Operation, load_operations
from signalwire_fakes.rest._validate import Problem, SpecContext, context_for

__all__ = [
    "DEFAULT_PROJECT",
    "DEFAULT_SPACE",
    "DEFAULT_TOKEN",
    "FailureRule",
    "FakeRestPlatform",
    "Stub",
]

DEFAULT_PROJECT = "5d2a3b4c-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
DEFAULT_TOKEN = "PT-test-token"
DEFAULT_SPACE = "test.signalwire.com"

_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_REST_PAGING = ("page_size", "page_number", "page_token")
_COMPAT_PAGING = ("Page", "PageSize", "PageToken")
_ERROR_DOCS = "https://developer.signalwire.com/rest/overview/error-codes"
_COMPAT_DOCS = "https://signalwire.com/docs/compatibility-api/reference/errors"
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class FailureRule:
    """An injected failure; see `FakeRestPlatform.inject_failure`.

    ``remaining`` counts down (``None`` = forever); ``hits`` counts how often it fired.
    """

    status: int
    retry_after: float | str | None
    remaining: int | None
    path_prefix: str | None
    method: str | None
    operation_id: str | None
    disconnect: bool
    delay: float
    body: Any
    headers: dict[str, str]
    hits: int = 0

    def matches(
        self,
        method: str,
        path: str,
        spec: str | None,
        operation_id: str | None,
        template: str | None,
    ) -> bool:
        """Whether this rule applies to a request."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path_prefix is not None and not path.startswith(self.path_prefix):
            return False
        return self.operation_id is None or _selects(
            self.operation_id, spec, operation_id, method, template
        )


@dataclass
class Stub:
    """A canned answer for one operation; see `FakeRestPlatform.stub`."""

    operation_id: str
    status: int
    json_body: Any
    raw_body: bytes | None
    content_type: str
    headers: dict[str, str]
    remaining: int | None
    hits: int = 0


@dataclass
class _ListConfig:
    total: int
    page_size: int | None
    path_prefix: str | None


@dataclass
class _Template:
    status: int
    body_json: str | None  # None: empty body (204)
    list_kind: str | None = None  # "rest", "compat" or "array"
    collection: str | None = None
    item_json: str = "{}"
    extra: dict[str, Any] = field(default_factory=dict)


_RPC_OPERATION = Operation(
    spec="rpc",
    method="POST",
    path=RPC_PATH,
    operation_id="calling_rpc",
    spec_path=RPC_PATH,
    raw={},
)
_templates: dict[str, _Template] = {}
_templates_lock = threading.Lock()
_router: Router | None = None


def _shared_router() -> Router:
    global _router
    if _router is None:
        _router = Router(load_operations())
    return _router


def _snake(name: str) -> str:
    """``FriendlyName`` -> ``friendly_name``; ``To`` -> ``to``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


class _DisconnectResponse(Response):
    """Starts a response and breaks it, so the client sees a transport error.

    Under uvicorn the server drops the connection mid-response; under httpx's
    ASGI transport the exception (an `httpx.TransportError`) reaches the client.
    """

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        import httpx

        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"truncated', "more_body": True})
        raise httpx.RemoteProtocolError("fake REST platform: injected connection drop")


class FakeRestPlatform:
    """An ASGI app that plays the SignalWire REST and compatibility APIs.

    See the `signalwire_fakes.rest` module docstring for the behaviour.
    """

    def __init__(
        self,
        project: str = DEFAULT_PROJECT,
        token: str = DEFAULT_TOKEN,
        space: str = DEFAULT_SPACE,
        *,
        list_size: int = 2,
        page_size: int | None = None,
        strict_query: bool = True,
    ) -> None:
        self.project = project
        self.token = token
        self.space = space
        self.strict_query = strict_query
        self.journal = Journal()
        self._lock = threading.Lock()
        self._failures: list[FailureRule] = []
        self._stubs: list[Stub] = []
        self._lists: list[_ListConfig] = [_ListConfig(list_size, page_size, None)]
        self._request_ids = itertools.count(1)
        self._router = _shared_router()
        self._app = Starlette(routes=[Route("/{path:path}", self._endpoint, methods=_ALL_METHODS)])

    # -- public API ---------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] == "http":
            # Straight to the endpoint: one catch-all route needs no router or
            # middleware, and this halves the per-request cost.
            response = await self._endpoint(Request(scope, receive))
            await response(scope, receive, send)
        else:
            await self._app(scope, receive, send)

    @property
    def operations(self) -> list[Operation]:
        """Every routed operation of both specs (253 REST + 79 compat)."""
        return list(load_operations())

    def operation(self, operation_id: str) -> Operation:
        """Look an operation up: ``"list_calls"``, ``"compat:list_calls"`` or
        ``"POST /api/pubsub/tokens"`` (the REST spec gives ``create_token`` to two).
        """
        method, sep, path = operation_id.partition(" ")
        if sep and path.startswith("/"):
            found = [
                op for op in load_operations() if op.method == method.upper() and op.path == path
            ]
        else:
            spec, _, bare = operation_id.rpartition(":")
            found = [
                op
                for op in load_operations()
                if op.operation_id == bare and (not spec or op.spec == spec)
            ]
        if len(found) != 1:
            raise KeyError(f"{len(found)} operations match {operation_id!r}")
        return found[0]

    @property
    def auth(self) -> tuple[str, str]:
        """``(project, token)`` for httpx's ``auth=``."""
        return (self.project, self.token)

    @property
    def basic_auth_header(self) -> str:
        """The ``Authorization`` header value a correct client sends."""
        raw = f"{self.project}:{self.token}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def inject_failure(
        self,
        status: int = 503,
        *,
        retry_after: float | str | None = None,
        times: int | None = 1,
        path_prefix: str | None = None,
        method: str | None = None,
        operation_id: str | None = None,
        disconnect: bool = False,
        delay: float = 0.0,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> FailureRule:
        """Fail the next ``times`` matching requests (``None`` = every one).

        The failure answers ``status`` with a JSON error body (or ``body``) and
        a ``Retry-After`` header when ``retry_after`` is given (a number of
        seconds, or any string such as an HTTP date). ``disconnect=True`` breaks
        the connection instead (a transport error for the client); ``delay``
        waits that many seconds first (with ``status=0`` it only delays and the
        request is then served normally). Rules fire in the order added;
        matching is on method, path prefix and operation id (``"list_calls"``
        or ``"compat:list_calls"``).
        """
        rule = FailureRule(
            status=status,
            retry_after=retry_after,
            remaining=times,
            path_prefix=path_prefix,
            method=method.upper() if method else None,
            operation_id=operation_id,
            disconnect=disconnect,
            delay=delay,
            body=body,
            headers=dict(headers or {}),
        )
        with self._lock:
            self._failures.append(rule)
        return rule

    def stub(
        self,
        operation_id: str,
        json: Any = None,
        *,
        status: int = 200,
        raw_body: bytes | None = None,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
        times: int | None = None,
    ) -> Stub:
        """Answer a (valid) request to one operation with a canned response.

        Auth and validation still run first; ``raw_body`` wins over ``json``
        (use it for non-JSON or empty bodies).
        """
        stub = Stub(
            operation_id=operation_id,
            status=status,
            json_body=json,
            raw_body=raw_body,
            content_type=content_type,
            headers=dict(headers or {}),
            remaining=times,
        )
        with self._lock:
            self._stubs.append(stub)
        return stub

    def set_list_size(
        self, total: int, page_size: int | None = None, *, path_prefix: str | None = None
    ) -> None:
        """List operations return ``total`` items, in pages of ``page_size``.

        Without ``page_size`` the request's own page size applies (``page_size``
        / ``PageSize``, default 50). ``path_prefix`` limits the setting to some
        paths; the most recent matching setting wins.
        """
        if total < 0 or (page_size is not None and page_size < 1):
            raise ValueError("total must be >= 0 and page_size >= 1")
        with self._lock:
            self._lists.append(_ListConfig(total, page_size, path_prefix))

    def reset(self) -> None:
        """Clear the journal, failures, stubs and list settings."""
        with self._lock:
            self._failures.clear()
            self._stubs.clear()
            del self._lists[1:]
        self.journal.clear()

    def example_path(self, op: Operation) -> str:
        """A concrete, valid path for ``op`` (for tests of every operation)."""
        out = op.path
        for param in op.parameters:
            if param.location != "path":
                continue
            if param.name == "AccountSid":
                value = self.project
            else:
                types = context_for(op.spec).tools.deref(param.schema)
                is_uuid = types.get("format") == "uuid"
                value = stable_uuid(op.uid, param.name) if is_uuid else f"{param.name}-1"
            out = out.replace("{" + param.name + "}", quote(value, safe="+@:"))
        return out

    # -- request handling ---------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        scope = request.scope
        method = request.method
        raw_path = scope.get("raw_path") or scope["path"].encode()
        raw_path_str = raw_path.decode("latin-1").split("?", 1)[0]
        query_pairs = parse_qsl(
            scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
        )
        query: dict[str, list[str]] = {}
        for k, v in query_pairs:
            query.setdefault(k, []).append(v)
        headers: dict[str, str] = {}
        for k_b, v_b in scope["headers"]:
            k = k_b.decode("latin-1").lower()
            v = v_b.decode("latin-1")
            headers[k] = f"{headers[k]}, {v}" if k in headers else v
        raw_body = await request.body()
        ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        entry = JournalEntry(
            method=method,
            path=scope["path"],
            query=query,
            headers=headers,
            body=_loose_parse(raw_body, ctype) if raw_body.strip() else None,
            raw_body=raw_body,
        )
        try:
            response = await self._handle(request, entry, raw_path_str)
        except Exception as exc:  # a bug in the fake must still answer clearly
            entry.note = f"fake error: {exc!r}"
            response = self._json(500, {"error": "Internal Server Error", "message": repr(exc)})
        entry.status = response.status_code
        if entry.response is None and response.media_type == "application/json" and response.body:
            entry.response = json.loads(bytes(response.body))  # errors too, for debugging
        self.journal.append(entry)
        return response

    async def _handle(self, request: Request, entry: JournalEntry, raw_path: str) -> Response:
        compat = entry.path.startswith(COMPAT_PREFIX + "/") or entry.path == COMPAT_PREFIX
        if entry.path == RPC_PATH:
            return await self._handle_rpc(entry)
        match = self._router.match(entry.method, raw_path)

        op: Operation | None = None
        params: dict[str, str] = {}
        path_problem: Problem | None = None
        for candidate, values in match.candidates:
            problem = self._check_path(candidate, values)
            if problem is None:
                op, params, path_problem = candidate, values, None
                break
            if op is None:
                op, params, path_problem = candidate, values, problem
        if op is not None:
            entry.operation_id = op.operation_id
            entry.spec = op.spec
            entry.path_template = op.path
            entry.path_params = params
            compat = op.spec == "compat"

        failure = self._take_failure(entry)
        if failure is not None:
            injected = await self._apply_failure(failure, entry, compat)
            if injected is not None:
                return injected

        if op is None:
            return self._route_error(match, entry, compat)

        auth_error = self._check_auth(op, entry, params)
        if auth_error is not None:
            return auth_error
        if path_problem is not None:
            return self._validation_error(op, path_problem)

        ctx = context_for(op.spec)
        template = self._template(op, ctx)
        query_problem = self._check_query(op, ctx, entry.query, template)
        if query_problem is not None:
            return self._validation_error(op, query_problem)

        body_result = self._parse_body(op, ctx, entry)
        if isinstance(body_result, Response):
            return body_result

        stub = self._take_stub(op)
        if stub is not None:
            if stub.raw_body is not None:
                entry.response = stub.raw_body
                return Response(
                    stub.raw_body,
                    stub.status,
                    headers=self._headers(stub.headers),
                    media_type=stub.content_type or None,
                )
            entry.response = stub.json_body
            return self._json(stub.status, stub.json_body, stub.headers)

        return self._success(op, template, entry, request)

    # -- error responses ----------------------------------------------------

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        out = {"X-Request-Id": f"fake-req-{next(self._request_ids):06d}"}
        if extra:
            out.update(extra)
        return out

    def _json(self, status: int, body: Any, extra: Mapping[str, str] | None = None) -> Response:
        return Response(
            json.dumps(body),
            status_code=status,
            headers=self._headers(extra),
            media_type="application/json",
        )

    def _plain_error(self, status: int, compat: bool, message: str) -> Response:
        reason = _REASONS.get(status, "Error")
        if compat:
            body: dict[str, Any] = {
                "code": 20000 + status,
                "message": message,
                "more_info": _COMPAT_DOCS,
                "status": status,
            }
        else:
            body = {"error": reason, "message": message}
        return self._json(status, body)

    def _route_error(self, match: Match, entry: JournalEntry, compat: bool) -> Response:
        if match.allowed:
            allowed = ", ".join(sorted(match.allowed))
            entry.note = f"405: allowed {allowed}"
            resp = self._plain_error(
                405, compat, f"{entry.method} is not allowed on {entry.path} (allowed: {allowed})"
            )
            resp.headers["Allow"] = allowed
            return resp
        entry.note = "404: no operation matches"
        return self._plain_error(404, compat, f"no operation matches {entry.method} {entry.path}")

    def _validation_error(self, op: Operation, problem: Problem) -> Response:
        if op.spec == "compat":
            body: dict[str, Any] = {
                "code": 21200 if problem.code == "missing_required_parameter" else 21201,
                "message": problem.message,
                "more_info": _COMPAT_DOCS,
                "status": 422,
            }
        elif op.path.startswith("/api/relay/rest/"):
            body = {
                "errors": [
                    {
                        "detail": problem.message,
                        "status": "422",
                        "title": "Invalid Parameter",
                        "code": problem.code,
                        "attribute": problem.attribute,
                    }
                ]
            }
        else:
            body = {
                "errors": [
                    {
                        "type": "validation_error",
                        "code": problem.code,
                        "message": problem.message,
                        "attribute": problem.attribute,
                        "url": f"{_ERROR_DOCS}#{problem.code}",
                    }
                ]
            }
        return self._json(422, body)

    def _failure_response(self, rule: FailureRule, compat: bool) -> Response:
        extra = dict(rule.headers)
        if rule.retry_after is not None:
            ra = rule.retry_after
            extra["Retry-After"] = (
                str(int(ra)) if isinstance(ra, float) and ra.is_integer() else str(ra)
            )
        if rule.body is not None:
            return self._json(rule.status, rule.body, extra)
        reason = _REASONS.get(rule.status, "Error")
        if compat:
            body: dict[str, Any] = {
                "code": 20000 + rule.status,
                "message": reason,
                "more_info": _COMPAT_DOCS,
                "status": rule.status,
            }
        else:
            body = {"error": reason}
        return self._json(rule.status, body, extra)

    async def _handle_rpc(self, entry: JournalEntry) -> Response:
        entry.spec = "rpc"
        entry.path_template = RPC_PATH
        failure = self._take_failure(entry)
        if failure is not None:
            injected = await self._apply_failure(failure, entry, compat=False)
            if injected is not None:
                return injected
        if entry.method != "POST":
            resp = self._plain_error(405, False, f"{entry.method} is not allowed on {RPC_PATH}")
            resp.headers["Allow"] = "POST"
            return resp
        auth_error = self._check_auth(_RPC_OPERATION, entry, {})
        if auth_error is not None:
            return auth_error
        method, answer = handle_rpc(entry.raw_body)
        entry.operation_id = method
        entry.response = answer
        if "error" in answer:
            entry.note = f"json-rpc error {answer['error']['code']}"
        return self._json(200, answer)

    async def _apply_failure(
        self, failure: FailureRule, entry: JournalEntry, compat: bool
    ) -> Response | None:
        if failure.delay > 0:
            import anyio

            await anyio.sleep(failure.delay)
        if failure.disconnect:
            entry.note = "injected disconnect"
            return _DisconnectResponse()
        if failure.status:
            entry.note = "injected failure"
            return self._failure_response(failure, compat)
        return None

    # -- steps --------------------------------------------------------------

    def _check_path(self, op: Operation, values: dict[str, str]) -> Problem | None:
        ctx = context_for(op.spec)
        for param in op.parameters:
            if param.location == "path" and param.name in values:
                problem = ctx.check_parameter(op, param, values[param.name])
                if problem is not None:
                    return problem
        return None

    def _take_failure(self, entry: JournalEntry) -> FailureRule | None:
        with self._lock:
            for rule in self._failures:
                if rule.matches(
                    entry.method, entry.path, entry.spec, entry.operation_id, entry.path_template
                ):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    rule.hits += 1
                    return rule
        return None

    def _take_stub(self, op: Operation) -> Stub | None:
        with self._lock:
            for stub in reversed(self._stubs):
                if _selects(stub.operation_id, op.spec, op.operation_id, op.method, op.path) and (
                    stub.remaining is None or stub.remaining > 0
                ):
                    if stub.remaining is not None:
                        stub.remaining -= 1
                    stub.hits += 1
                    return stub
        return None

    def _check_auth(
        self, op: Operation, entry: JournalEntry, params: dict[str, str]
    ) -> Response | None:
        security = op.security
        if security is not None and any(not req for req in security):
            return None  # the spec declares this operation unauthenticated
        bearer_ok = security is not None and any("SignalWireBearerAuth" in r for r in security)
        header = entry.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        ok = False
        reason = "missing Authorization header"
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            user, sep, password = decoded.partition(":")
            ok = bool(sep) and user == self.project and password == self.token
            reason = "wrong project or token"
        elif scheme.lower() == "bearer" and bearer_ok:
            ok = bool(value.strip())
            reason = "empty bearer token"
        elif header:
            reason = f"unsupported auth scheme {scheme!r}"
        if ok and op.spec == "compat" and params.get("AccountSid", self.project) != self.project:
            ok = False
            reason = "the AccountSid in the path is not the authenticated project"
        if ok:
            return None
        entry.note = f"401: {reason}"
        if op.spec == "compat":
            body: dict[str, Any] = {
                "code": 20003,
                "message": f"Authentication Error - {reason}",
                "more_info": _COMPAT_DOCS,
                "status": 401,
            }
        else:
            body = {"error": "Unauthorized"}
        return self._json(401, body, {"WWW-Authenticate": 'Basic realm="SignalWire"'})

    def _check_query(
        self,
        op: Operation,
        ctx: SpecContext,
        query: dict[str, list[str]],
        template: _Template,
    ) -> Problem | None:
        declared = {p.name: p for p in op.parameters if p.location == "query"}
        for name, param in declared.items():
            if name not in query:
                if param.required:
                    return Problem(
                        name, "missing_required_parameter", f"query parameter {name!r} is required"
                    )
                continue
            value = ctx.coerce(param.schema, query[name], param.explode)
            problem = ctx.check_parameter(op, param, value)
            if problem is not None:
                return problem
        paging = _COMPAT_PAGING if op.spec == "compat" else _REST_PAGING
        for name, values in query.items():
            if name in declared:
                continue
            if template.list_kind in ("rest", "compat") and name in paging:
                if name in ("page_size", "page_number", "Page", "PageSize") and not re.fullmatch(
                    r"\d+", values[-1]
                ):
                    return Problem(
                        name,
                        "invalid_parameter_type",
                        f"query parameter {name!r} must be an integer",
                    )
                continue
            if self.strict_query:
                return Problem(
                    name,
                    "unknown_parameter",
                    f"query parameter {name!r} is not declared for {op.operation_id}",
                )
        return None

    def _parse_body(self, op: Operation, ctx: SpecContext, entry: JournalEntry) -> Response | None:
        raw = entry.raw_body
        spec_body = op.request_body
        ctype = entry.content_type.split(";", 1)[0].strip().lower()
        if spec_body is None:
            if raw.strip() in (b"", b"{}"):
                return None
            return self._validation_error(
                op, Problem("body", "unexpected_body", f"{op.operation_id} takes no request body")
            )
        content: dict[str, Any] = spec_body.get("content", {})
        if not raw.strip():
            if not spec_body.get("required"):
                return None
            # An empty body is an empty object: fine if the schema requires no field.
            media = next(iter(content))
            problem = ctx.check_body(op, media, {})
            if problem is not None:
                return self._validation_error(op, problem)
            return None
        if ctype not in content:
            expected = " or ".join(sorted(content))
            return self._plain_error(
                415,
                op.spec == "compat",
                f"{op.operation_id} expects Content-Type {expected}, got {ctype or 'none'!r}",
            )
        if ctype == "application/x-www-form-urlencoded":
            try:
                pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            except (ValueError, UnicodeDecodeError) as exc:
                return self._plain_error(400, True, f"body is not valid form data: {exc}")
            form: dict[str, list[str]] = {}
            for k, v in pairs:
                form.setdefault(k, []).append(v)
            schema = content[ctype].get("schema", {})
            props = ctx.tools.properties(schema)
            body: Any = {
                k: ctx.coerce(props[k], v) if k in props else (v[0] if len(v) == 1 else v)
                for k, v in form.items()
            }
        else:
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                return self._plain_error(400, op.spec == "compat", f"body is not valid JSON: {exc}")
        problem = ctx.check_body(op, ctype, body)
        if problem is not None:
            return self._validation_error(op, problem)
        return None

    # -- responses ----------------------------------------------------------

    def _template(self, op: Operation, ctx: SpecContext) -> _Template:
        found = _templates.get(op.uid)
        if found is not None:
            return found
        responses = op.raw.get("responses", {})
        codes = sorted(c for c in responses if str(c).startswith("2"))
        status = int(codes[0]) if codes else 200
        resp = responses.get(codes[0], {}) if codes else {}
        content = resp.get("content") or {}
        media = content.get("application/json") or next(iter(content.values()), None)
        if status == 204 or media is None:
            tpl = _Template(status=status, body_json=None)
        else:
            schema = media.get("schema", {})
            example = ctx.tools.example(schema, "value")
            tpl = _Template(status=status, body_json=json.dumps(example))
            props = ctx.tools.properties(schema) if isinstance(example, dict) else {}
            if op.method == "GET" and "data" in props and "links" in props:
                tpl.list_kind = "rest"
                items = ctx.tools.deref(props["data"]).get("items", {})
                tpl.item_json = json.dumps(ctx.tools.example(items, "item"))
            elif op.method == "GET" and "next_page_uri" in props:
                arrays = [
                    name for name, sub in props.items() if "array" in ctx.tools.value_type(sub)
                ]
                if arrays:
                    tpl.list_kind = "compat"
                    tpl.collection = arrays[0]
                    items = ctx.tools.deref(props[arrays[0]]).get("items", {})
                    tpl.item_json = json.dumps(ctx.tools.example(items, "item"))
            elif op.method == "GET" and isinstance(example, list):
                tpl.list_kind = "array"
                items = ctx.tools.deref(schema).get("items", {})
                tpl.item_json = json.dumps(ctx.tools.example(items, "item"))
        with _templates_lock:
            _templates[op.uid] = tpl
        return tpl

    def _list_config(self, path: str) -> _ListConfig:
        with self._lock:
            for cfg in reversed(self._lists):
                if cfg.path_prefix is None or path.startswith(cfg.path_prefix):
                    return cfg
        return self._lists[0]

    def _success(
        self, op: Operation, tpl: _Template, entry: JournalEntry, request: Request
    ) -> Response:
        if tpl.body_json is None:
            entry.response = None
            return Response(status_code=tpl.status, headers=self._headers())
        body: Any = json.loads(tpl.body_json)
        if tpl.list_kind == "rest":
            body = self._rest_page(op, tpl, entry, request, body)
        elif tpl.list_kind == "compat":
            body = self._compat_page(op, tpl, entry, body)
        elif tpl.list_kind == "array":
            cfg = self._list_config(entry.path)
            body = [self._item(op, tpl, i) for i in range(cfg.total)]
        elif isinstance(body, dict):
            self._echo(op, entry, body)
        if isinstance(body, Response):
            return body
        entry.response = body
        return self._json(tpl.status, body)

    def _item(self, op: Operation, tpl: _Template, index: int) -> Any:
        item = json.loads(tpl.item_json)
        if isinstance(item, dict):
            for key in ("id", "sid"):
                if key in item:
                    item[key] = stable_uuid(op.uid, "item", index)
        return item

    def _page_bounds(
        self, entry: JournalEntry, requested_size: str | None, token: str | None, number: str | None
    ) -> tuple[int, int, int] | Problem:
        cfg = self._list_config(entry.path)
        size = cfg.page_size or (int(requested_size) if requested_size else 50)
        size = max(1, min(size, 1000))
        page = 0
        if token is not None:
            m = re.fullmatch(r"PA(\d+)", token)
            if m is None:
                return Problem("page_token", "invalid_parameter", f"unknown page token {token!r}")
            page = int(m.group(1))
        elif number is not None and int(number) > 0:
            page = int(number)
        return page, size, cfg.total

    def _rest_page(
        self, op: Operation, tpl: _Template, entry: JournalEntry, request: Request, body: Any
    ) -> Any:
        bounds = self._page_bounds(
            entry,
            entry.query_value("page_size"),
            entry.query_value("page_token"),
            entry.query_value("page_number"),
        )
        if isinstance(bounds, Problem):
            return self._validation_error(op, bounds)
        page, size, total = bounds
        start = page * size
        body["data"] = [self._item(op, tpl, i) for i in range(start, min(start + size, total))]
        base = f"{request.url.scheme}://{request.headers.get('host', self.space)}{entry.path}"
        others = [(k, v) for k, vs in entry.query.items() if k not in _REST_PAGING for v in vs]

        def link(n: int) -> str:
            q = [*others, ("page_number", str(n)), ("page_size", str(size))]
            if n > 0:
                q.append(("page_token", f"PA{n}"))
            return f"{base}?{urlencode(q)}"

        links: dict[str, Any] = {"self": link(page), "first": link(0)}
        if start + size < total:
            links["next"] = link(page + 1)
        if page > 0:
            links["prev"] = link(page - 1)
        body["links"] = links
        return body

    def _compat_page(self, op: Operation, tpl: _Template, entry: JournalEntry, body: Any) -> Any:
        number = entry.query_value("Page")
        bounds = self._page_bounds(
            entry, entry.query_value("PageSize"), entry.query_value("PageToken"), number
        )
        if isinstance(bounds, Problem):
            return self._validation_error(op, Problem("PageToken", bounds.code, bounds.message))
        page, size, total = bounds
        if number is not None:
            page = int(number)
        start = page * size
        assert tpl.collection is not None
        body[tpl.collection] = [
            self._item(op, tpl, i) for i in range(start, min(start + size, total))
        ]
        others = [(k, v) for k, vs in entry.query.items() if k not in _COMPAT_PAGING for v in vs]

        def uri(n: int) -> str:
            q = [*others, ("Page", str(n)), ("PageSize", str(size))]
            if n > 0:
                q.append(("PageToken", f"PA{n}"))
            return f"{entry.path}?{urlencode(q)}"

        body.update(
            uri=uri(page),
            first_page_uri=uri(0),
            next_page_uri=uri(page + 1) if start + size < total else None,
            previous_page_uri=uri(page - 1) if page > 0 else None,
            page=page,
            page_size=size,
        )
        for key in ("start", "end"):
            if key in body:
                body[key] = start if key == "start" else max(start, min(start + size, total) - 1)
        return body

    def _echo(self, op: Operation, entry: JournalEntry, body: dict[str, Any]) -> None:
        """Reflect the request in the generated resource, where the shape allows."""
        params = entry.path_params
        if op.spec == "compat":
            if "account_sid" in body and "AccountSid" in params:
                body["account_sid"] = params["AccountSid"]
            others = [v for k, v in params.items() if k != "AccountSid"]
            if others and "sid" in body and op.spec_path.endswith("}"):
                body["sid"] = others[-1]
        elif params and "id" in body and op.spec_path.endswith("}"):
            value = list(params.values())[-1]
            if _is_uuid(value) or not _is_uuid(body["id"]):
                body["id"] = value
        sent = entry.body
        if not isinstance(sent, dict):
            return
        if op.path == "/api/calling/calls":
            if isinstance(sent.get("id"), str):
                body["id"] = sent["id"]
            inner = sent.get("params")
            sent = inner if isinstance(inner, dict) else {}
        for key, value in sent.items():
            name = _snake(key) if op.spec == "compat" else key
            _put_existing(body, name, value)


def _selects(
    selector: str, spec: str | None, operation_id: str | None, method: str, template: str | None
) -> bool:
    """Whether ``selector`` names this operation.

    Forms: ``"list_rooms"``, ``"rest:list_rooms"`` or ``"POST /api/pubsub/tokens"``
    (the path template as in `Operation.path`).
    """
    verb, sep, path = selector.partition(" ")
    if sep and path.startswith("/"):
        return verb.upper() == method and path == template
    if ":" in selector:
        return selector == f"{spec}:{operation_id}"
    return selector == operation_id


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _put_existing(body: dict[str, Any], name: str, value: Any) -> None:
    """Set ``name`` where the response already has it: top level, else one level down."""
    if name in body:
        body[name] = value
        return
    for nested in body.values():
        if isinstance(nested, dict) and name in nested:
            nested[name] = value


def _loose_parse(raw: bytes, ctype: str) -> Any:
    """Best-effort parse for the journal: form data as a dict, else JSON, else ``None``."""
    try:
        if ctype == "application/x-www-form-urlencoded":
            form: dict[str, list[str]] = {}
            for k, v in parse_qsl(raw.decode("utf-8"), keep_blank_values=True):
                form.setdefault(k, []).append(v)
            return {k: v[0] if len(v) == 1 else v for k, v in form.items()}
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
