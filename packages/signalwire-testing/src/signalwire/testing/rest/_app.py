"""`FakeRestPlatform`: the Starlette app that plays the SignalWire REST API."""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from signalwire.testing.rest import _errors
from signalwire.testing.rest._controls import FailureRule, ListConfig, Stub, selects
from signalwire.testing.rest._examples import stable_uuid
from signalwire.testing.rest._journal import Journal, JournalEntry
from signalwire.testing.rest._page_cache import PageCache
from signalwire.testing.rest._responses import (
    COMPAT_PAGING,
    REST_PAGING,
    Template,
    compat_page,
    echo,
    make_item,
    rest_page,
    template_for,
)
from signalwire.testing.rest._router import Match, Router
from signalwire.testing.rest._rpc import RPC_PATH, handle_rpc
from signalwire.testing.rest._spec import COMPAT_PREFIX, Operation, load_operations
from signalwire.testing.rest._store import ResourceStore, collection_key
from signalwire.testing.rest._validate import Problem, SpecContext, context_for

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_PROJECT", "DEFAULT_SPACE", "DEFAULT_TOKEN", "FakeRestPlatform"]

DEFAULT_PROJECT = "5d2a3b4c-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
DEFAULT_TOKEN = "PT-test-token"
DEFAULT_SPACE = "test.signalwire.com"

_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_RPC_OPERATION = Operation(
    spec="rpc", method="POST", path=RPC_PATH, operation_id="calling_rpc", spec_path=RPC_PATH, raw={}
)
_router: Router | None = None
#: Operations whose answer carries a new subscriber token (for the Bearer operations).
_ISSUES_SUBSCRIBER_TOKENS = frozenset({"create_subscriber_token", "refresh_subscriber_token"})


def _shared_router() -> Router:
    global _router
    if _router is None:
        _router = Router(load_operations())
    return _router


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


class FakeRestPlatform(Starlette):
    """A Starlette app that plays the SignalWire REST and compatibility APIs.

    ``list_size``/``page_size`` set the default list shape (see
    `set_list_size`); ``strict_query=False`` accepts undeclared query
    parameters; ``on_request`` is called with each finished `JournalEntry`.
    See the `signalwire.testing.rest` module docstring for the behaviour.
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
        on_request: Callable[[JournalEntry], None] | None = None,
    ) -> None:
        self.project = project
        self.token = token
        self.space = space
        self.strict_query = strict_query
        self.on_request = on_request
        self.journal = Journal()
        self._lock = threading.Lock()
        self._failures: list[FailureRule] = []
        self._stubs: list[Stub] = []
        self._lists: list[ListConfig] = [ListConfig(list_size, page_size, None)]
        self._request_ids = itertools.count(1)
        #: Subscriber tokens the fake issued; Bearer operations accept only these.
        self.subscriber_tokens: set[str] = set()
        self._token_ids = itertools.count(1)
        self._router = _shared_router()
        #: Resources the test created (fetch, list, update and delete see them).
        self.store = ResourceStore()
        self._pages = PageCache()
        # One catch-all route: the spec router below does the real matching.
        super().__init__(routes=[Route("/{path:path}", self._endpoint, methods=_ALL_METHODS)])

    # -- public API ---------------------------------------------------------

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

    def transport(self, *, timeout: float = 30.0) -> httpx.BaseTransport:
        """A sync httpx transport into this platform, in process: ``RestClient(...,
        transport=fake.transport())``. Close it (or the client) when done."""
        from signalwire.testing.rest._transport import SyncASGITransport

        return SyncASGITransport(self, timeout=timeout)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An async httpx transport into this platform: ``AsyncRestClient(...,
        transport=fake.async_transport())``."""
        import httpx

        return httpx.ASGITransport(app=self)

    def issue_subscriber_token(self) -> str:
        """A new subscriber token the Bearer operations accept (as the
        ``POST /api/fabric/subscribers/tokens`` operation hands out)."""
        token = f"fake-subscriber-token-{next(self._token_ids):04d}"
        with self._lock:
            self.subscriber_tokens.add(token)
        return token

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
            self._lists.append(ListConfig(total, page_size, path_prefix))

    def reset(self) -> None:
        """Clear the journal, failures, stubs, list settings and stored resources."""
        with self._lock:
            self._failures.clear()
            self._stubs.clear()
            del self._lists[1:]
        self.journal.clear()
        self.store.clear()

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
        raw_path = scope.get("raw_path") or quote(scope["path"]).encode()
        raw_path_str = raw_path.decode("latin-1").split("?", 1)[0]
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):  # mounted under a prefix: match the rest
            path = path[len(root) :]
            raw_root = quote(root)
            if raw_path_str.startswith(raw_root):
                raw_path_str = raw_path_str[len(raw_root) :]
        raw_query = scope.get("query_string", b"").decode("latin-1")
        # latin-1 keeps the bytes; parse_qsl then decodes the %-escapes as UTF-8.
        query_pairs = parse_qsl(raw_query, keep_blank_values=True)
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
            path=path,
            query=query,
            headers=headers,
            body=_loose_parse(raw_body, ctype) if raw_body.strip() else None,
            raw_body=raw_body,
            raw_path=raw_path_str,
            raw_query=raw_query,
        )
        try:
            response = await self._handle(request, entry, raw_path_str)
        except Exception as exc:  # noqa: BLE001 (a bug in the fake must still answer clearly)
            entry.note = f"fake error: {exc!r}"
            response = self._json(500, {"error": "Internal Server Error", "message": repr(exc)})
        entry.status = response.status_code
        if entry.response is None and response.media_type == "application/json" and response.body:
            entry.response = json.loads(bytes(response.body))  # errors too, for debugging
        self.journal.append(entry)
        if self.on_request is not None:
            self.on_request(entry)
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
            if match.allowed:  # a literal path under another method: the client means that
                return self._route_error(Match((), match.allowed), entry, compat)
            return self._validation_error(op, path_problem)

        ctx = context_for(op.spec)
        template = template_for(op)
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

    # -- responses ------------------------------------------------------------

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
        return self._json(status, _errors.plain_error(status, compat, message))

    def _validation_error(self, op: Operation, problem: Problem) -> Response:
        return self._json(422, _errors.validation_error(op, problem))

    def _route_error(self, match: Match, entry: JournalEntry, compat: bool) -> Response:
        if match.allowed:
            allowed = ", ".join(sorted(match.allowed))
            entry.note = f"405: allowed {allowed}"
            message = f"{entry.method} is not allowed on {entry.path} (allowed: {allowed})"
            return self._json(405, _errors.plain_error(405, compat, message), {"Allow": allowed})
        entry.note = "404: no operation matches"
        return self._plain_error(404, compat, f"no operation matches {entry.method} {entry.path}")

    async def _handle_rpc(self, entry: JournalEntry) -> Response:
        entry.spec = "rpc"
        entry.path_template = RPC_PATH
        failure = self._take_failure(entry)
        if failure is not None:
            injected = await self._apply_failure(failure, entry, compat=False)
            if injected is not None:
                return injected
        if entry.method != "POST":
            message = f"{entry.method} is not allowed on {RPC_PATH}"
            return self._json(405, _errors.plain_error(405, False, message), {"Allow": "POST"})
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
            extra = dict(failure.headers)
            retry_after = failure.retry_after_header
            if retry_after is not None:
                extra["Retry-After"] = retry_after
            body = failure.body
            if body is None:
                body = _errors.status_error(failure.status, compat)
            return self._json(failure.status, body, extra)
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
                if selects(stub.operation_id, op.spec, op.operation_id, op.method, op.path) and (
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
            ok = value.strip() in self.subscriber_tokens
            reason = "unknown subscriber token"
        elif header:
            reason = f"unsupported auth scheme {scheme!r}"
        if ok and op.spec == "compat" and params.get("AccountSid", self.project) != self.project:
            ok = False
            reason = "the AccountSid in the path is not the authenticated project"
        if ok:
            return None
        entry.note = f"401: {reason}"
        body = _errors.auth_error(op.spec == "compat", reason)
        return self._json(401, body, {"WWW-Authenticate": 'Basic realm="SignalWire"'})

    def _check_query(
        self,
        op: Operation,
        ctx: SpecContext,
        query: dict[str, list[str]],
        template: Template,
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
        paging = COMPAT_PAGING if op.spec == "compat" else REST_PAGING
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
                body = json.loads(raw, parse_constant=_reject_constant)
            except (ValueError, UnicodeDecodeError) as exc:
                return self._plain_error(400, op.spec == "compat", f"body is not valid JSON: {exc}")
        problem = ctx.check_body(op, ctype, body)
        if problem is not None:
            return self._validation_error(op, problem)
        return None

    # -- success ------------------------------------------------------------

    def _list_config(self, path: str) -> ListConfig:
        with self._lock:
            for cfg in reversed(self._lists):
                if cfg.path_prefix is None or path.startswith(cfg.path_prefix):
                    return cfg
            return self._lists[0]

    def _success(
        self, op: Operation, tpl: Template, entry: JournalEntry, request: Request
    ) -> Response:
        stateful = self._stateful(op, tpl, entry)
        if isinstance(stateful, Response):
            return stateful
        items = stateful
        if tpl.body_json is None:
            return Response(status_code=tpl.status, headers=self._headers())
        cfg = self._list_config(entry.path)
        root = request.scope.get("root_path", "")
        if items is None and tpl.list_kind in ("rest", "compat"):
            cached = self._generated_page(op, tpl, entry, request, cfg, root)
            if cached is not None:
                return cached
        body: Any = json.loads(tpl.body_json)
        if tpl.list_kind == "rest":
            host = request.headers.get("host", self.space)
            body = rest_page(
                op,
                tpl,
                body,
                base_url=f"{request.url.scheme}://{host}{root}{entry.path}",
                query=entry.query,
                cfg=cfg,
                items=items,
            )
        elif tpl.list_kind == "compat":
            body = compat_page(
                op, tpl, body, path=root + entry.path, query=entry.query, cfg=cfg, items=items
            )
        elif tpl.list_kind == "array":
            body = [make_item(op, tpl, i) for i in range(cfg.total)]
        elif tpl.list_kind == "array" and items is not None:
            body = items
        elif isinstance(body, dict):
            echo(op, body, entry.path_params, entry.body)
            if op.operation_id in _ISSUES_SUBSCRIBER_TOKENS and "token" in body:
                body["token"] = self.issue_subscriber_token()
            body = self._remember(op, entry, body)
        if isinstance(body, Problem):
            return self._validation_error(op, body)
        entry.response = body
        return self._json(tpl.status, body)

    def _generated_page(
        self,
        op: Operation,
        tpl: Template,
        entry: JournalEntry,
        request: Request,
        cfg: ListConfig,
        root: str,
    ) -> Response | None:
        """A generated list page from the cache (None: the page is a 422 problem)."""
        assert tpl.body_json is not None
        body_json = tpl.body_json
        if tpl.list_kind == "rest":
            host = request.headers.get("host", self.space)
            url = f"{request.scope.get('scheme', 'http')}://{host}{root}{entry.path}"
        else:
            url = root + entry.path
        query_key = tuple((k, tuple(v)) for k, v in entry.query.items())
        key = (op.uid, url, query_key, cfg.total, cfg.page_size)

        def build() -> bytes | None:
            body: Any = json.loads(body_json)
            if tpl.list_kind == "rest":
                page = rest_page(
                    op, tpl, body, base_url=url, query=entry.query, cfg=cfg, items=None
                )
            else:
                page = compat_page(op, tpl, body, path=url, query=entry.query, cfg=cfg, items=None)
            return None if isinstance(page, Problem) else json.dumps(page).encode()

        raw = self._pages.get(key, build)
        if raw is None:
            return None
        entry.response = json.loads(raw)  # the journal gets its own copy
        return Response(
            raw, status_code=tpl.status, headers=self._headers(), media_type="application/json"
        )

    # -- stateful resources ---------------------------------------------------

    def _stateful(
        self, op: Operation, tpl: Template, entry: JournalEntry
    ) -> list[Any] | Response | None:
        """Stored items for a list, a stored answer for an item operation, or None."""
        key = collection_key(entry.path)
        compat = op.spec == "compat"
        if tpl.list_kind is not None:
            return self.store.items(key) if self.store.is_stateful(key) else None
        if not op.spec_path.endswith("}") or (entry.method == "POST" and not compat):
            return None
        parent, _, resource_id = key.rpartition("/")
        if not self.store.is_stateful(parent):
            return None
        stored = self.store.get(parent, resource_id)
        if stored is None:
            gone = (
                "was deleted" if self.store.was_deleted(parent, resource_id) else "does not exist"
            )
            entry.response = None
            return self._plain_error(404, compat, f"resource {resource_id} {gone} in {parent}")
        if entry.method == "DELETE":
            self.store.delete(parent, resource_id)
            if tpl.body_json is None:
                return Response(status_code=tpl.status, headers=self._headers())
            return self._json(tpl.status, stored)
        if entry.method in ("PUT", "PATCH", "POST") and isinstance(entry.body, dict):
            echo(op, stored, {}, entry.body)
            updated = self.store.update(parent, resource_id, stored) or stored
            entry.response = updated
            return self._json(tpl.status, updated)
        entry.response = stored
        return self._json(tpl.status, stored)

    def _remember(self, op: Operation, entry: JournalEntry, body: dict[str, Any]) -> dict[str, Any]:
        """A create (POST to a collection answering an id) is stored under a fresh id."""
        if entry.method != "POST" or op.spec_path.endswith("}") or op.path in _NOT_STORED:
            return body
        id_key = "sid" if op.spec == "compat" else "id"
        if id_key not in body:
            return body
        return self.store.create(collection_key(entry.path), body, id_key)


#: Collection paths whose POST is a command, not a create.
_NOT_STORED = frozenset({"/api/calling/calls"})


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


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
