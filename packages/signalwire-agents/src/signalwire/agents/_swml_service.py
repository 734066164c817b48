"""SWMLService: a SWML document plus the HTTP service that serves it and hosts tools."""

from __future__ import annotations

import functools
import inspect
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast, overload

from signalwire.agents import _schema
from signalwire.agents._hosting import loopless
from signalwire.agents._hosting.auth import BasicAuth, decode_basic, resolve_basic_auth
from signalwire.agents._hosting.config import config_get
from signalwire.agents._hosting.http import (
    BadRequest,
    Request,
    Response,
    ServiceApp,
    decode_json_text,
    json_response,
)
from signalwire.agents._hosting.security import SecurityConfig
from signalwire.agents._hosting.tokens import TOKEN_REFUSAL
from signalwire.agents._hosting.urls import request_base, with_userinfo
from signalwire.agents._logging import get_logger
from signalwire.agents._swaig_function import (
    SWAIGFunction,
    error_response,
    infer_tool_schema,
)
from signalwire.agents._verbs_generated import SWMLVerbsMixin

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import Router

    from signalwire.agents._hosting.tokens import TokenSigner
    from signalwire.agents._schema_utils import SchemaUtils

__all__ = ["SWMLService"]

_FUNCTION_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,256}$")

ENV_PROXY = "SWML_PROXY_URL_BASE"
ENV_SKIP_SCHEMA = "SWML_SKIP_SCHEMA_VALIDATION"
ENV_SWAIG_SECRET = "SIGNALWIRE_SWAIG_SECRET"
ENV_SIGNING_KEY = "SIGNALWIRE_SIGNING_KEY"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


async def run_callable(func: Callable[..., Any], *args: Any) -> Any:
    """Await ``func(*args)`` if it is async; otherwise run it in a worker thread
    (inline when a serverless request is answered without a loop: see ``loopless``)."""
    if inspect.iscoroutinefunction(func):
        loopless.require_loop()
        return await func(*args)
    if loopless.active():
        result = func(*args)
        if inspect.isawaitable(result):
            # A plain function that returns a coroutine (a wrapper around an async
            # handler): its body has not run yet. Close it (no "never awaited" warning);
            # the request runs again on a loop, where it is awaited.
            if inspect.iscoroutine(result):
                result.close()
            loopless.require_loop()
            return await result
        return result
    import asyncio  # lazy: keeps ``import signalwire.agents`` light
    import contextvars

    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    result = await loop.run_in_executor(None, functools.partial(ctx.run, func, *args))
    if inspect.isawaitable(result):
        result = await result
    return result


_F = TypeVar("_F", bound=Callable[..., Any])


class ToolDecorator(Protocol):
    """The typed shape of ``@agent.tool`` / ``@AgentBase.tool(...)``: the function is kept."""

    @overload
    def __call__(self, name: _F, /) -> _F: ...
    @overload
    def __call__(self, name: str | None = None, /, **kwargs: Any) -> Callable[[_F], _F]: ...


class _ToolDecorator:
    """``@service.tool(...)`` on an instance, ``@AgentBase.tool(...)`` in a class body."""

    def __get__(self, obj: SWMLService | None, owner: type) -> ToolDecorator:
        def decorator(name: Any = None, /, **kwargs: Any) -> Any:
            if callable(name):  # used bare: @agent.tool
                return decorator()(name)
            if "name" in kwargs:  # @agent.tool(name="x", ...)
                name = kwargs.pop("name")

            def register(func: Callable[..., Any]) -> Callable[..., Any]:
                if obj is None:
                    func._swaig_tool_spec = (name, dict(kwargs))  # type: ignore[attr-defined]
                else:
                    obj._register_decorated(func, name, dict(kwargs))
                return func

            return register

        decorator.__doc__ = (
            "Register a function as a SWAIG tool.\n\n"
            "``name`` defaults to the function name and ``description`` to its docstring. "
            "Without ``parameters``, a typed signature is turned into a JSON schema."
        )
        return cast("ToolDecorator", decorator)


class SWMLService(SWMLVerbsMixin):
    """A SWML document served over HTTP, with Basic auth, that can also host SWAIG tools.

    The document starts as ``{"version": "1.0.0", "sections": {"main": []}}``;
    verbs are appended with :meth:`add_verb` (or the verb methods). Serving:
    :meth:`get_app` returns an ASGI app, :meth:`serve` runs it on uvicorn.
    """

    tool = _ToolDecorator()
    #: Seconds a tool call may run before the AI is told it is taking too long (None: no
    #: limit); a tool's own ``define_tool(..., timeout=)`` wins.
    tool_timeout: float | None = None
    #: Send a failing tool's exception text to the AI (default: a generic sentence; the
    #: detail is always logged with the call id). ``define_tool(..., expose_errors=True)``
    #: opts in one tool.
    expose_tool_errors: bool = False
    #: Set by ``AgentBase.enable_mcp_server()``: serve the tools at ``POST {route}/mcp``.
    _mcp_enabled: bool = False

    def __init__(
        self,
        name: str,
        route: str = "/",
        host: str = "0.0.0.0",  # noqa: S104
        port: int | None = None,
        basic_auth: tuple[str, str] | None = None,
        schema_path: str | None = None,
        config_file: str | None = None,
        schema_validation: bool = True,
        *,
        swaig_secret: str | None = None,
        token_expiry_secs: int = 3600,
        signing_key: str | None = None,
        trust_proxy_for_signature: bool = False,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError("name must be a non-empty string")
        self.name = name
        self.log = get_logger(f"signalwire.agents.{type(self).__name__}")
        #: Security settings: argument > config file > SWML_* env > default (enforced by the app).
        self.security = SecurityConfig(config_file, service_name=name)
        config = self._config = self.security.config
        if route == "/" and config_get(config, "service.route"):
            route = str(config_get(config, "service.route"))
        if host == "0.0.0.0" and config_get(config, "service.host"):  # noqa: S104
            host = str(config_get(config, "service.host"))
        if not isinstance(route, str) or not route.startswith("/"):
            raise ValueError(f"route must start with '/' (got {route!r})")
        self.route = route.rstrip("/")
        self.host = host
        chosen: Any = port
        if chosen is None:
            chosen = config_get(config, "service.port") or os.environ.get("PORT") or 3000
        try:
            self.port = int(chosen)
        except (TypeError, ValueError):
            raise ValueError(f"port must be an integer (got {port!r})") from None
        self._auth: BasicAuth = resolve_basic_auth(basic_auth, self.security, name)
        self.schema_path = schema_path
        self._schema_validation = bool(schema_validation) and not _truthy(
            os.environ.get(ENV_SKIP_SCHEMA)
        )
        self._proxy_url_base: str | None = (os.environ.get(ENV_PROXY) or "").rstrip("/") or None
        self.ssl_enabled = self.security.ssl_enabled
        self.ssl_cert_path = self.security.ssl_cert_path
        self.ssl_key_path = self.security.ssl_key_path
        self.domain = self.security.domain
        self.signing_key = signing_key or os.environ.get(ENV_SIGNING_KEY) or None
        self.trust_proxy_for_signature = bool(trust_proxy_for_signature)
        self._swaig_secret = swaig_secret or os.environ.get(ENV_SWAIG_SECRET) or None
        self.token_expiry_secs = int(token_expiry_secs)
        self._signer: TokenSigner | None = None
        self._base_cache: dict[tuple[str | None, ...], str] = {}
        self._document: dict[str, Any] = {"version": "1.0.0", "sections": {"main": []}}
        self._tools: dict[str, SWAIGFunction | dict[str, Any]] = {}
        self._routing_callbacks: dict[str, Callable[..., Any]] = {}
        self._verb_handlers: dict[str, Any] = {}
        self._app: Starlette | None = None
        #: The handler in-process requests go through while get_app() was never called.
        self._direct_handler: ServiceApp | None = None
        self._server: Any = None
        self._register_class_tools()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, route={self.route or '/'!r})"

    # -- document --------------------------------------------------------------------------

    @property
    def schema_utils(self) -> SchemaUtils:
        """Lookups in the SWML schema the verbs are validated against (see SchemaUtils)."""
        from signalwire.agents._schema_utils import SchemaUtils

        utils = self.__dict__.get("_schema_utils")
        if utils is None:
            utils = self.__dict__["_schema_utils"] = SchemaUtils(
                self.schema_path, self._schema_validation
            )
        return utils

    @property
    def full_validation_enabled(self) -> bool:
        """Whether verb configs are checked against the SWML schema."""
        return self._schema_validation

    def _validate_verb(self, verb_name: str, config: Any) -> None:
        if self._schema_validation:
            _schema.validate_verb(verb_name, config)

    def add_verb(self, verb_name: str, config: Any) -> bool:
        """Append ``{verb_name: config}`` to the main section (``sleep`` takes an int)."""
        return self.add_verb_to_section("main", verb_name, config)

    def add_section(self, section_name: str) -> bool:
        """Add an empty section; False when it already exists."""
        sections = self._document["sections"]
        if section_name in sections:
            return False
        sections[section_name] = []
        return True

    def add_verb_to_section(self, section_name: str, verb_name: str, config: Any) -> bool:
        """Append a verb to a section, creating the section if needed."""
        if not isinstance(verb_name, str) or not verb_name:
            raise ValueError("verb_name must be a non-empty string")
        handler = self._verb_handlers.get(verb_name)
        if handler is not None and hasattr(handler, "validate_config"):
            outcome = handler.validate_config(config)
            if isinstance(outcome, tuple) and not outcome[0]:
                from signalwire.agents._errors import SchemaValidationError

                raise SchemaValidationError(verb_name, list(outcome[1]))
        else:
            self._validate_verb(verb_name, config)
        self._document["sections"].setdefault(section_name, []).append({verb_name: config})
        return True

    @property
    def verb_registry(self) -> dict[str, Any]:
        """Custom verb handlers registered with :meth:`register_verb_handler`, by verb."""
        return self._verb_handlers

    def register_verb_handler(self, handler: Any) -> None:
        """Register an object with ``get_verb_name()``/``validate_config()`` for a verb."""
        self._verb_handlers[handler.get_verb_name()] = handler

    def get_document(self) -> dict[str, Any]:
        """The current document (the live dict)."""
        return self._document

    def render_document(self) -> str:
        """The current document as a JSON string."""
        return json.dumps(self._document)

    def reset_document(self) -> None:
        """Start again from an empty main section."""
        self._document = {"version": "1.0.0", "sections": {"main": []}}

    # -- tools ------------------------------------------------------------------------------

    def define_tool(
        self,
        name: str,
        description: str,
        parameters: Mapping[str, Any] | None,
        handler: Callable[..., Any] | None,
        secure: bool = True,
        fillers: Mapping[str, list[str]] | list[str] | None = None,
        webhook_url: str | None = None,
        required: list[str] | None = None,
        is_typed_handler: bool = False,
        timeout: float | None = None,
        expose_errors: bool = False,
        **swaig_fields: Any,
    ) -> SWMLService:
        """Register a tool the AI can call.

        ``handler`` may be sync or async, a function or a method, taking
        ``(args, raw_data)``, ``(args)``, typed keyword parameters named after
        the tool's parameters (with or without ``raw_data``), or nothing.
        ``timeout`` (seconds) bounds one call; ``expose_errors`` sends a
        failure's exception text to the AI instead of a generic sentence.
        """
        if name in self._tools:
            raise ValueError(f"Tool with name '{name}' already exists")
        if handler is not None and not callable(handler):
            raise TypeError(f"handler of tool {name!r} must be callable")
        function = SWAIGFunction(
            name,
            handler,
            description,
            parameters,
            secure=secure,
            fillers=fillers,
            webhook_url=webhook_url,
            required=required,
            is_typed_handler=is_typed_handler,
            timeout=timeout,
            expose_errors=expose_errors,
            **swaig_fields,
        )
        if "gates" in function.extra_swaig_fields:
            from signalwire.agents._semantic_gate import check_tool_references

            check_tool_references(
                name, function.extra_swaig_fields["gates"], self._tools, self._gate_data_keys()
            )
        self._tools[name] = function
        self._changed()
        return self

    def register_swaig_function(self, function_dict: Mapping[str, Any]) -> SWMLService:
        """Register a raw function dict (e.g. ``DataMap(...).to_swaig_function()``)."""
        if hasattr(function_dict, "to_swaig_function"):
            function_dict = function_dict.to_swaig_function()
        if not isinstance(function_dict, Mapping) or not function_dict.get("function"):
            raise ValueError("a SWAIG function dict needs a 'function' name")
        name = str(function_dict["function"])
        if name in self._tools:
            raise ValueError(f"Tool with name '{name}' already exists")
        function_dict = dict(function_dict)
        if "gates" in function_dict or "gate_fillers" in function_dict:
            from signalwire.agents._semantic_gate import check_raw_gates, check_tool_references

            check_raw_gates(function_dict, name)
            check_tool_references(
                name, function_dict.get("gates"), self._tools, self._gate_data_keys()
            )
        self._tools[name] = function_dict
        self._changed()
        return self

    def _gate_data_keys(self) -> list[str] | None:
        """Global-data keys a gate's question may read; None: this service keeps none."""
        return None

    def _registered_tool_names(self) -> list[str]:
        return list(self._tools)

    def _remove_tools(self, names: Iterable[str]) -> None:
        """Unregister these tools (unknown names are ignored)."""
        tools = self._tools
        for name in names:
            tools.pop(name, None)
        self._changed()

    def define_tools(self) -> list[SWAIGFunction | dict[str, Any]]:
        """The registered tools, in registration order."""
        return list(self._tools.values())

    def _register_decorated(
        self, func: Callable[..., Any], name: str | None, kwargs: dict[str, Any]
    ) -> None:
        tool_name = name or getattr(func, "__name__", None)
        if not tool_name:
            raise ValueError("cannot infer a tool name; pass name=")
        description = kwargs.pop("description", None)
        handler: Callable[..., Any] = func
        typed = False
        doc_summary: str | None = None
        if kwargs.get("parameters") is None:
            inferred = infer_tool_schema(func)
            if inferred is not None:
                props, required, doc_summary, _ = inferred
                kwargs["parameters"] = props
                kwargs.setdefault("required", required or None)
                typed = True
        if not description:
            doc = inspect.getdoc(func)
            description = doc_summary or (doc.split("\n\n")[0].strip() if doc else None)
        kwargs.setdefault("parameters", None)
        self.define_tool(
            tool_name,
            description or f"Function {tool_name}",
            handler=handler,
            is_typed_handler=typed,
            **kwargs,
        )

    def _register_class_tools(self) -> None:
        seen: set[str] = set()
        for klass in type(self).__mro__:
            for attr, value in vars(klass).items():
                spec = getattr(value, "_swaig_tool_spec", None)
                if spec is None or attr in seen:
                    continue
                seen.add(attr)
                name, kwargs = spec
                self._register_decorated(getattr(self, attr), name, dict(kwargs))

    def on_function_call(
        self, name: str, args: dict[str, Any], raw_data: dict[str, Any] | None = None
    ) -> Any:
        """Run a tool by name and return its result (override to intercept calls).

        The default returns an awaitable for async handlers; the server awaits it.
        """
        fn = self._tools.get(name)
        if fn is None:
            return {"response": f"Function '{name}' not found"}
        if isinstance(fn, dict) or fn.is_external or fn.handler is None:
            return {"response": f"Function '{name}' runs on the platform, not on this server"}
        ok, errors = fn.validate_args(args)
        if not ok:
            self.log.warning("tool %r called with arguments that do not match: %s", name, errors)
            if fn.is_typed_handler or fn.takes_keywords:
                # A typed handler would fail on these values anyway; tell the model what to fix.
                return {
                    "response": f"Function '{name}' was called with invalid arguments: "
                    f"{'; '.join(errors)}. Call it again with corrected arguments."
                }
        return fn(args, raw_data)

    async def _call_tool(
        self, name: str, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> dict[str, Any]:
        """Dispatch one call: async handlers awaited, sync ones in a worker thread."""
        return (await self._call_tool_outcome(name, args, raw_data))[0]

    async def _call_tool_outcome(
        self, name: str, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """:meth:`_call_tool`, plus whether the call failed or timed out."""
        from signalwire.agents._tool_dispatch import tool_call_outcome

        fn = self._tools.get(name)
        overridden = type(self).on_function_call is not SWMLService.on_function_call

        async def call() -> Any:
            if not overridden and isinstance(fn, SWAIGFunction) and fn.is_async:
                return await self.on_function_call(name, args, raw_data)
            return await run_callable(self.on_function_call, name, args, raw_data)

        return await tool_call_outcome(
            self.log, name, fn, raw_data, call, self.tool_timeout, self.expose_tool_errors
        )

    # -- tokens -----------------------------------------------------------------------------

    @property
    def _token_signer(self) -> TokenSigner:
        if self._signer is None:
            from signalwire.agents._hosting.tokens import TokenSigner

            secret = self._swaig_secret
            if not secret:
                secret = os.urandom(32).hex()
                self.log.warning(
                    "%s: no SWAIG secret configured (swaig_secret= or %s); tool tokens use a "
                    "random per-process secret, so they die on restart and replicas will not "
                    "accept each other's tokens",
                    self.name,
                    ENV_SWAIG_SECRET,
                )
                self._swaig_secret = secret
            self._signer = TokenSigner(secret, self.token_expiry_secs)
        return self._signer

    def validate_tool_token(self, function_name: str, token: str, call_id: str | None) -> bool:
        """True when ``token`` authorises ``function_name`` for ``call_id``."""
        return self._token_signer.check(token, function_name, call_id)

    # -- auth and URLs ----------------------------------------------------------------------

    def get_basic_auth_credentials(self, include_source: bool = False) -> tuple[str, ...]:
        """``(user, password)`` or, with ``include_source``, ``(user, password, source)``."""
        auth = self._auth
        if include_source:
            return (auth.user, auth.password, auth.source)
        return (auth.user, auth.password)

    def validate_basic_auth(self, username: str, password: str) -> bool:
        """Constant-time credential check (override for custom schemes)."""
        import hmac

        ok_user = hmac.compare_digest(username.encode(), self._auth.user.encode())
        ok_password = hmac.compare_digest(password.encode(), self._auth.password.encode())
        return ok_user and ok_password

    def _auth_header_ok(self, header: bytes | None) -> bool:
        if type(self).validate_basic_auth is SWMLService.validate_basic_auth:
            return self._auth.header_ok(header)
        creds = decode_basic(header)
        return creds is not None and bool(self.validate_basic_auth(*creds))

    def manual_set_proxy_url(self, proxy_url: str) -> SWMLService:
        """Use ``proxy_url`` as the public base of every generated URL."""
        self._proxy_url_base = proxy_url.rstrip("/") or None
        self._changed()
        return self

    def _default_base(self) -> str:
        scheme = "https" if self.ssl_enabled else "http"
        host = self.domain or self.host
        if host in ("0.0.0.0", "127.0.0.1", "::", ""):  # noqa: S104
            host = "localhost"
        default_port = 443 if scheme == "https" else 80
        return (
            f"{scheme}://{host}" if self.port == default_port else f"{scheme}://{host}:{self.port}"
        )

    def _public_base(self, request: Request | None) -> str:
        """``scheme://host[:port]`` as SignalWire reaches this service (no path, no creds)."""
        if self._proxy_url_base:
            return self._proxy_url_base
        if request is not None:
            if request.public_base:  # fixed by the hosting mode (serverless)
                return request.public_base
            headers = request.headers
            trusted = request.forwarded_trusted
            key = (
                "t" if trusted else "",
                request.scheme,
                headers.get("host"),
                headers.get("x-forwarded-host"),
                headers.get("x-forwarded-proto"),
                headers.get("forwarded"),
            )
            cache = self._base_cache
            base = cache.get(key)
            if base is None:
                base = request_base(headers, request.scheme, trusted) or self._default_base()
                if len(cache) > 256:  # headers are client-controlled: keep the cache bounded
                    cache.clear()
                cache[key] = base
            return base
        return self._default_base()

    def get_full_url(self, include_auth: bool = False) -> str:
        """The public URL of the service's route (with credentials when asked).

        With a proxy base (``SWML_PROXY_URL_BASE`` or ``manual_set_proxy_url``) it is that
        base alone, no route appended, as signalwire-sdk (1.x and 3.x) returns it: code
        builds media and other URLs from it. Webhook URLs always include the route.
        """
        base = self._public_base(None)
        if not self._proxy_url_base:
            base += self.route
        if include_auth:
            return with_userinfo(base, self._auth.user, self._auth.password)
        return base

    def _build_webhook_url(
        self, endpoint: str, query_params: Mapping[str, Any] | None = None
    ) -> str:
        """Compatibility alias (signalwire-sdk 1.x/3.x private name public code calls): the
        authenticated public URL of ``endpoint`` under this service's route, with a trailing
        slash and the non-empty ``query_params``."""
        from urllib.parse import urlencode

        base = with_userinfo(self._public_base(None), self._auth.user, self._auth.password)
        url = f"{base}{self.route}/{endpoint.strip('/')}/"
        params = {k: v for k, v in (query_params or {}).items() if v}
        return url + ("?" + urlencode(params) if params else "")

    def get_name(self) -> str:
        """The service name."""
        return self.name

    def _changed(self) -> None:
        """Hook: subclasses drop render caches here."""

    # -- requests ---------------------------------------------------------------------------

    def on_request(
        self, request_data: dict[str, Any] | None = None, callback_path: str | None = None
    ) -> dict[str, Any] | None:
        """Override to customise each SWML response; returned keys replace document keys."""
        return None

    def register_routing_callback(
        self,
        callback_fn: Callable[[dict[str, Any], dict[str, str]], str | None],
        path: str = "/sip",
    ) -> None:
        """Serve ``path``; a callback returning a route answers 307 to it, None renders SWML."""
        path = "/" + path.strip("/")
        self._routing_callbacks[path] = callback_fn

    @staticmethod
    def extract_sip_username(request_body: dict[str, Any]) -> str | None:
        """The user part of ``call.to`` (``sip:user@host`` → ``user``; ``tel:+1..`` → number)."""
        call = request_body.get("call") if isinstance(request_body, dict) else None
        to = call.get("to") if isinstance(call, dict) else None
        if not isinstance(to, str) or not to:
            return None
        if to.startswith("sip:"):
            return to[4:].split("@", 1)[0]
        if to.startswith("tel:"):
            return to[4:]
        return to

    async def _dispatch(self, request: Request) -> Response:
        endpoint = request.endpoint
        if (
            request.method == "POST"
            and self.signing_key
            and endpoint in ("", "swaig", "post_prompt")
        ):
            self._check_signature(request)
        if endpoint in ("", "debug"):
            return await self._swml_response(request, None)
        if endpoint == "swaig":
            if request.method == "POST":
                return await self._handle_swaig(request)
            return await self._swml_response(request, None)
        if endpoint == "post_prompt":
            if request.method == "POST":
                return await self._handle_post_prompt(request)
            return await self._swml_response(request, None)
        if endpoint == "check_for_input":
            return self._handle_check_for_input(request)
        if endpoint == "mcp":
            from signalwire.agents._mcp import handle_mcp

            return await handle_mcp(self, request)
        if endpoint == "debug_events":
            if request.method != "POST":
                return json_response(405, {"error": "use POST"})
            return await self._handle_debug_event(request)
        if request.method == "POST" and self.signing_key:
            self._check_signature(request)
        return await self._handle_routing(request, endpoint)

    def _signature_url(self, request: Request) -> str:
        if self._proxy_url_base:
            return request.url(self._proxy_url_base)
        if self.trust_proxy_for_signature:
            found = request_base(request.headers, request.scheme)
            if found:
                return request.url(found)
        return request.url()

    def _check_signature(self, request: Request) -> None:
        from signalwire.core import security

        headers = request.headers
        key = self.signing_key or ""
        url = self._signature_url(request)
        sha256 = headers.get("x-signalwire-sha256-signature")
        if sha256:
            if security.validate_webhook_signature_sha256(key, sha256, url, request.body):
                return
            raise BadRequest(403, "invalid webhook signature")
        signature = headers.get("x-signalwire-signature") or headers.get("x-twilio-signature")
        if not signature or not security.validate_request(key, signature, url, request.body):
            raise BadRequest(403, "invalid or missing webhook signature")

    def _body_dict(self, request: Request) -> dict[str, Any]:
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest(400, "request body must be a JSON object")
        return body

    async def _swml_response(self, request: Request, callback_path: str | None) -> Response:
        body = self._body_dict(request) if request.method == "POST" else {}
        return Response(200, await self._render_for_request(request, body, callback_path))

    async def _render_for_request(
        self, request: Request, body: dict[str, Any], callback_path: str | None
    ) -> bytes:
        """Render the SWML answer to one request (AgentBase builds it from its config)."""
        doc = self._document
        if type(self).on_request is not SWMLService.on_request:
            mods = await run_callable(self.on_request, body, callback_path)
            if isinstance(mods, dict):
                doc = {**doc, **mods}
        return json.dumps(doc).encode()

    async def _handle_routing(self, request: Request, path: str) -> Response:
        callback = self._routing_callbacks[path]
        body = self._body_dict(request) if request.method == "POST" else {}
        if request.method == "POST" and body:
            target = await run_callable(callback, body, dict(request.headers))
            if isinstance(target, str) and target:
                return Response(307, b"{}", [(b"location", target.encode("latin-1", "replace"))])
        return Response(200, await self._render_for_request(request, body, path))

    @staticmethod
    def _extract_args(body: dict[str, Any]) -> dict[str, Any]:
        argument = body.get("argument")
        args: Any = None
        if isinstance(argument, dict):
            parsed = argument.get("parsed")
            if isinstance(parsed, list) and parsed:
                args = parsed[0]
            elif isinstance(argument.get("raw"), str):
                try:
                    args = decode_json_text(argument["raw"], "argument.raw")
                except ValueError:
                    args = None
        if args is None and isinstance(body.get("arguments"), dict):
            args = body["arguments"]
        return args if isinstance(args, dict) else {}

    async def _service_for_request(self, request: Request, body: dict[str, Any]) -> SWMLService:
        """The object that handles this request (AgentBase may return a per-request copy)."""
        return self

    async def _handle_swaig(self, request: Request) -> Response:
        body = self._body_dict(request)
        name = body.get("function")
        if not name:
            return json_response(400, {"error": "Missing function name"})
        # Any registered name is callable (the platform allows any string); the format
        # check answers malformed names that cannot be a tool with a clear 400.
        if not isinstance(name, str) or (
            not _FUNCTION_NAME.match(name) and name not in self._tools
        ):
            shown = repr(name)[:80]
            return json_response(400, {"error": f"Invalid function name format: {shown}"})
        args = self._extract_args(body)
        call_id = body.get("call_id")
        call_id = call_id if isinstance(call_id, str) and call_id else None
        service = await self._service_for_request(request, body)
        fn = service._tools.get(name)
        if isinstance(fn, SWAIGFunction) and fn.secure and not fn.is_external:
            token = request.query.get("__token") or request.query.get("token")
            conversation_id = body.get("conversation_id")
            ok = bool(token) and (
                service._token_signer.check(token, name, call_id)
                or (
                    isinstance(conversation_id, str)
                    and service._token_signer.check(token, name, conversation_id)
                )
            )
            if not ok:
                self.log.warning(
                    "refused secure tool %r: bad or missing token (call_id=%s)", name, call_id
                )
                return json_response(200, {"response": TOKEN_REFUSAL})
        result = await service._call_tool(name, args, body)
        try:
            return json_response(200, result)
        except (TypeError, ValueError) as exc:  # e.g. a datetime in the handler's dict
            self.log.error("tool %r returned a result that is not JSON: %s", name, exc)
            return json_response(
                200, error_response(name, TypeError("result is not JSON"), expose=True)
            )

    async def _handle_post_prompt(self, request: Request) -> Response:
        return json_response(404, {"error": "this service has no post_prompt endpoint"})

    def _handle_check_for_input(self, request: Request) -> Response:
        body: Any = request.json() if request.method == "POST" else {}
        conversation_id = (body.get("conversation_id") if isinstance(body, dict) else None) or (
            request.query.get("conversation_id")
        )
        if not isinstance(conversation_id, str) or not _CONVERSATION_ID.match(conversation_id):
            return json_response(400, {"error": "missing or invalid conversation_id"})
        return json_response(
            200,
            {
                "status": "success",
                "conversation_id": conversation_id,
                "new_input": False,
                "messages": [],
            },
        )

    async def _handle_debug_event(self, request: Request) -> Response:
        self._body_dict(request)
        return json_response(200, {"status": "ok"})

    # -- serving ----------------------------------------------------------------------------

    def get_app(self) -> Starlette:
        """The app serving ``/health``, ``/ready`` and this service under its route.

        A FastAPI application when FastAPI is installed (the ``[fastapi]``
        extra), a Starlette one otherwise; ``add_route``, ``mount``,
        ``add_middleware`` (and FastAPI's ``include_router``) work on it. Routes
        you add are matched first; every other request reaches the agent's own
        pure-ASGI handler (no per-request framework work on the SWML and SWAIG
        hot paths). Configuration errors (e.g. broken contexts) raise here, and
        again when a server starts the app, instead of failing each request.
        """
        if self._app is None:
            from signalwire.agents._hosting.app import make_app

            self._check_before_serving()
            self._app = make_app(
                ServiceApp(self, self.route, with_health=True), self._check_before_serving
            )
        return self._app

    def _check_before_serving(self) -> None:
        """Raise on configuration that would fail every request (AgentBase checks contexts)."""

    def as_router(self) -> Router:
        """A Starlette router serving this service at its own root, for another app to include.

        ``fastapi_app.include_router(agent.as_router(), prefix="/agent")``,
        ``app.mount("/agent", agent.as_router())``; ``router.routes`` lists its routes.
        """
        from signalwire.agents._hosting.router import service_router

        self._check_before_serving()
        return service_router(self)

    def mount(
        self, app_or_router: Any, *, prefix: str = "", name: str | None = None
    ) -> SWMLService:
        """Combine this service with another app or router.

        * a router (FastAPI ``APIRouter`` or Starlette ``Router``): its routes
          become reachable through :meth:`get_app` at ``prefix``, as in the
          vendor SDK;
        * an application (Starlette or FastAPI): this service is mounted in it
          at ``prefix + route``.
        """
        from starlette.routing import Router

        if isinstance(app_or_router, Router):
            from signalwire.agents._hosting.router import include_router

            include_router(self.get_app(), app_or_router, prefix)
            return self
        path = (prefix.rstrip("/") + self.route) or ""
        app_or_router.mount(path, self.as_router(), name=name or self.name)
        return self

    def _serve_banner(self, host: str, port: int, workers: int = 1) -> None:
        from signalwire.agents._hosting.banner import banner_lines, log_banner

        self.port = port  # the bound port (port 0 picks one): generated URLs must use it
        self._base_cache.clear()
        user, password, source = self.get_basic_auth_credentials(include_source=True)
        url = self._public_base(None) + self.route + "/"  # the route even behind a proxy
        log_banner(banner_lines(self.name, url, user, password, source, workers))

    def serve(
        self,
        host: str | None = None,
        port: int | None = None,
        ssl_cert: str | None = None,
        ssl_key: str | None = None,
        ssl_enabled: bool | None = None,
        domain: str | None = None,
        *,
        access_log: bool = False,
        **settings: Any,
    ) -> None:
        """Run the service on uvicorn until interrupted (blocks).

        ``settings``: ``workers``, ``limit_concurrency``, ``timeout_keep_alive``,
        ``proxy_headers``, ``forwarded_allow_ips``, ``request_timeout``,
        ``backlog`` and ``uvicorn_options`` (a dict passed to ``uvicorn.Config``);
        see the README's deployment section.
        """
        from signalwire.agents._hosting.server import serve_app

        if ssl_enabled is not None:
            self.ssl_enabled = bool(ssl_enabled)
        if domain:
            self.domain = domain
        self._base_cache.clear()
        cert = ssl_cert or self.ssl_cert_path
        key = ssl_key or self.ssl_key_path
        bind_host = host or self.host
        bind_port = int(port if port is not None else self.port)
        # Generated URLs fall back to host:port, so keep them in step with what is served.
        self.host, self.port = bind_host, bind_port
        self._token_signer  # noqa: B018  # one secret for every worker process, made before forking
        workers = int(settings.get("workers") or 1)
        settings.setdefault("request_timeout", self.security.request_timeout)
        if self.ssl_enabled and not (cert and key):
            raise ValueError(
                "TLS is enabled but needs both a certificate and a key "
                "(SWML_SSL_CERT_PATH and SWML_SSL_KEY_PATH, or ssl_cert= and ssl_key=)"
            )
        tls = self.ssl_enabled
        serve_app(
            self.get_app(),
            host=bind_host,
            port=bind_port,
            ssl_certfile=cert if tls else None,
            ssl_keyfile=key if tls else None,
            access_log=access_log,
            on_server=lambda server: setattr(self, "_server", server),
            banner=lambda h, p: self._serve_banner(h, p, workers),
            **settings,
        )

    def run(
        self,
        event: Any = None,
        context: Any = None,
        force_mode: str | None = None,
        host: str | None = None,
        port: int | None = None,
        **settings: Any,
    ) -> Any:
        """Serve over HTTP, or answer one serverless/CGI request (mode detected or forced).

        ``settings`` are passed to :meth:`serve` (``workers=``, ``request_timeout=``, ...).
        """
        from signalwire.agents._hosting.serverless import resolve_mode

        mode = resolve_mode(force_mode, event)
        if mode == "server":
            self.serve(host=host, port=port, **settings)
            return None
        return self.handle_serverless_request(event, context, mode)

    def handle_serverless_request(
        self, event: Any = None, context: Any = None, mode: str | None = None
    ) -> Any:
        """Answer one Lambda, Cloud Functions, Azure or CGI request as :meth:`get_app` would."""
        from signalwire.agents._hosting import serverless

        return serverless.handle(
            serverless.resolve_mode(mode, event), self._in_process_app(), event, context
        )

    def _in_process_app(self) -> Any:
        """The ASGI app a request made in process goes through (serverless
        invocations, ``swaig-test``).

        Until :meth:`get_app` is called nothing can have been added to the app (no
        route, middleware or exception handler), and the app built around this
        service's handler passes every HTTP request straight to it (see
        ``_hosting/app.py``). Answering through the handler itself gives the same
        answers without importing the web framework, which is much of what a
        serverless cold start or a CLI run would otherwise pay. Once the app exists it
        is used.
        """
        if self._app is not None:
            return self._app
        if self._direct_handler is None:
            self._check_before_serving()
            self._direct_handler = ServiceApp(self, self.route, with_health=True)
        return self._direct_handler

    def stop(self) -> None:
        """Ask a running :meth:`serve` to exit."""
        if self._server is not None:
            self._server.should_exit = True


if TYPE_CHECKING:
    from signalwire.agents._mcp import McpHost

    def _service_is_an_mcp_host(service: SWMLService) -> McpHost:
        # mypy checks here that SWMLService provides everything McpHost names.
        return service
