"""OpenTelemetry spans and metrics for the agent's HTTP service (the ``[otel]`` extra).

The hot paths ask :func:`telemetry` once per hook. It imports nothing: an
application that configured a tracer or meter provider has necessarily imported
``opentelemetry.trace`` / ``opentelemetry.metrics``, so a lookup in ``sys.modules``
and two reads of the API's global provider slots tell whether there is anything to
report. With no OpenTelemetry, or the API without a provider, that is all a request
pays: no allocation, no import.

What is emitted (names follow the OpenTelemetry semantic conventions where one exists):

* a SERVER span per request, ``"{method} {route template}"``, continuing an incoming
  ``traceparent``, else in a trace derived from the request's call id, so the SWML fetch,
  the tool calls and the post_prompt of one call share one trace;
  the ``http.server.request.duration`` histogram by route and status;
* child spans ``swml.render``, ``execute_tool {name}`` and ``post_prompt``;
* ``signalwire.agents.tool.duration`` (by function) and ``signalwire.agents.tool.errors``.

Tool arguments carry callers' data, so they are recorded only when
``SIGNALWIRE_OTEL_TOOL_ARGUMENTS`` is true (read when the instruments are built).
"""

from __future__ import annotations

import contextvars
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from signalwire.agents._version import __version__

if TYPE_CHECKING:
    from opentelemetry.trace import Span

__all__ = ["ENV_TOOL_ARGUMENTS", "Telemetry", "telemetry"]

ENV_TOOL_ARGUMENTS = "SIGNALWIRE_OTEL_TOOL_ARGUMENTS"
_SCOPE = "signalwire.agents"
_TRACE_MODULE = "opentelemetry.trace"
_METRICS_MODULE = "opentelemetry.metrics._internal"
#: Endpoints whose answer is not a SWML document (a tool call has its own span).
_UNRENDERED = frozenset({"mcp", "check_for_input", "debug_events"})
_PROPAGATED = (b"traceparent", b"tracestate", b"baggage")

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]


class _Request(Protocol):
    """What :meth:`Telemetry.dispatch` reads of a request."""

    method: str
    endpoint: str

    @property
    def query(self) -> dict[str, str]: ...

    def json(self) -> Any: ...


class _Response(Protocol):
    """What :meth:`Telemetry.dispatch` reads of a response."""

    status: int
    body: bytes


_R = TypeVar("_R", bound=_Request)
_S = TypeVar("_S", bound=_Response)


class _Pending:
    """A request being served: what its SERVER span will be made of."""

    __slots__ = ("attributes", "name", "parent", "span", "start_ns", "status")

    def __init__(self, name: str, parent: Any, attributes: dict[str, Any]) -> None:
        self.name = name
        self.parent = parent
        self.attributes = attributes
        self.span: Span | None = None
        self.start_ns = time.time_ns()
        self.status = 500


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "signalwire_agents_request", default=None
)


def _call_id(request: _Request) -> str | None:
    """The call id a platform request carries (body ``call_id``/``call.call_id``, query)."""
    try:
        body = request.json() if request.method == "POST" else None
    except Exception:  # noqa: BLE001  # a bad body is the handler's to answer (400)
        body = None
    call_id: Any = None
    if isinstance(body, dict):
        call_id = body.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            call = body.get("call")
            call_id = call.get("call_id") if isinstance(call, dict) else None
    if not isinstance(call_id, str) or not call_id:
        call_id = request.query.get("call_id")
    return call_id if isinstance(call_id, str) and 0 < len(call_id) <= 256 else None


def _call_context(call_id: str) -> Any:
    """A remote parent whose trace id is derived from ``call_id`` (the call's trace)."""
    import hashlib  # only with a provider configured

    from opentelemetry import trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    digest = hashlib.sha256(b"signalwire-call:" + call_id.encode("utf-8", "replace")).digest()
    trace_id = int.from_bytes(digest[:16], "big") or 1
    span_id = int.from_bytes(digest[16:24], "big") or 1
    parent = SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(1))
    return trace.set_span_in_context(NonRecordingSpan(parent))


class Telemetry:
    """The tracer and instruments built for one pair of configured providers."""

    def __init__(self, tracer_provider: Any, meter_provider: Any) -> None:
        from opentelemetry import metrics, trace

        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.tracer = trace.get_tracer(_SCOPE, __version__)
        meter = metrics.get_meter(_SCOPE, __version__)
        self.request_duration = meter.create_histogram(
            "http.server.request.duration", unit="s", description="Duration of HTTP requests."
        )
        self.tool_duration = meter.create_histogram(
            "signalwire.agents.tool.duration", unit="s", description="Duration of SWAIG tools."
        )
        self.tool_errors = meter.create_counter(
            "signalwire.agents.tool.errors",
            unit="{error}",
            description="SWAIG tool calls that raised or timed out.",
        )
        value = os.environ.get(ENV_TOOL_ARGUMENTS, "")
        self.record_arguments = value.strip().lower() in ("1", "true", "yes", "on")

    async def serve(
        self,
        app: Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]],
        route: str | None,
        scope: MutableMapping[str, Any],
        receive: Receive,
        send: Send,
    ) -> None:
        """Run one HTTP request of ``app`` and report it as a SERVER span (``route``: the
        template).

        The span is started when :meth:`dispatch` has the parsed request (so the call id
        can place it in its call's trace), backdated to the request's arrival; a request
        answered before that (401, 404, 413...) gets its span here.
        """
        from opentelemetry import propagate
        from opentelemetry.trace import StatusCode

        carrier = {
            key.decode("latin-1"): value.decode("latin-1")
            for key, value in scope["headers"]
            if key in _PROPAGATED
        }
        method: str = scope["method"]
        attributes: dict[str, Any] = {
            "http.request.method": method,
            "url.path": scope.get("path", ""),
            "url.scheme": scope.get("scheme", "http"),
        }
        if route is not None:
            attributes["http.route"] = route
        server = scope.get("server")
        if server:
            attributes["server.address"] = str(server[0])
            if server[1] is not None:
                attributes["server.port"] = int(server[1])
        pending = _Pending(
            f"{method} {route}" if route is not None else method,
            propagate.extract(carrier) if carrier else None,
            attributes,
        )

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                pending.status = int(message["status"])
            await send(message)

        start = time.perf_counter()
        token = _pending.set(pending)
        error: str | None = None
        try:
            await app(scope, receive, sending)
        except BaseException as exc:
            error = type(exc).__qualname__
            self._server_span(pending, None).record_exception(exc)
            raise
        finally:
            _pending.reset(token)
            span = self._server_span(pending, None)
            status = pending.status
            span.set_attribute("http.response.status_code", status)
            if error is None and status >= 500:
                error = str(status)
            if error is not None:
                span.set_attribute("error.type", error)
                span.set_status(StatusCode.ERROR)
            span.end()
            measured = {
                "http.request.method": method,
                "http.response.status_code": status,
                "url.scheme": attributes["url.scheme"],
            }
            if route is not None:
                measured["http.route"] = route
            if error is not None:
                measured["error.type"] = error
            self.request_duration.record(time.perf_counter() - start, measured)

    def _server_span(self, pending: _Pending, call_id: str | None) -> Span:
        """The request's SERVER span, started on first use.

        Its parent is the incoming ``traceparent``; without one, a context derived from
        the call id, so every request of one call (SWML fetch, tools, post_prompt) lands
        in one trace.
        """
        if pending.span is not None:
            return pending.span
        from opentelemetry.trace import SpanKind

        parent = pending.parent
        if call_id is not None:
            pending.attributes["signalwire.call_id"] = call_id
            if parent is None:
                parent = _call_context(call_id)
        pending.span = self.tracer.start_span(
            pending.name,
            parent,
            SpanKind.SERVER,
            pending.attributes,
            start_time=pending.start_ns,
        )
        return pending.span

    async def dispatch(
        self, service: str, request: _R, handle: Callable[[_R], Awaitable[_S]]
    ) -> _S:
        """Handle one parsed request of ``service`` under its SERVER span; SWML answers
        and post_prompt get a child span."""
        from opentelemetry import context, trace

        pending = _pending.get()
        if pending is None or pending.span is not None:
            return await self._children(service, request, handle)
        span = self._server_span(pending, _call_id(request))
        token = context.attach(trace.set_span_in_context(span, pending.parent))
        try:
            return await self._children(service, request, handle)
        finally:
            context.detach(token)

    async def _children(
        self, service: str, request: _R, handle: Callable[[_R], Awaitable[_S]]
    ) -> _S:
        endpoint, post = request.endpoint, request.method == "POST"
        if endpoint == "post_prompt" and post:
            name = "post_prompt"
        elif (endpoint == "swaig" and post) or endpoint in _UNRENDERED:
            return await handle(request)
        else:  # every other request is answered with the rendered SWML document
            name = "swml.render"
        async with self.span(name, {"signalwire.agent.name": service}) as span:
            response = await handle(request)
            span.set_attribute("signalwire.response.size", len(response.body))
            span.set_attribute("http.response.status_code", response.status)
        return response

    @asynccontextmanager
    async def span(self, name: str, attributes: dict[str, Any]) -> AsyncIterator[Span]:
        """A child span of the current one, current while the block runs."""
        with self.tracer.start_as_current_span(name, attributes=attributes) as span:
            yield span

    async def tool(
        self,
        name: str,
        raw_data: Any,
        run: Callable[[Span], Awaitable[tuple[dict[str, Any], bool, str | None]]],
    ) -> tuple[dict[str, Any], bool]:
        """Run one SWAIG function inside an ``execute_tool`` span and record its metrics.

        ``run`` gets the span (to record a caught exception on it) and returns the
        reply, whether it failed and the error type.
        """
        from opentelemetry.trace import StatusCode

        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": name,
        }
        call_id = raw_data.get("call_id") if isinstance(raw_data, dict) else None
        if isinstance(call_id, str) and call_id:
            attributes["signalwire.call_id"] = call_id
            attributes["gen_ai.tool.call.id"] = call_id
        if self.record_arguments and isinstance(raw_data, dict):
            arguments = raw_data.get("argument")
            try:
                attributes["gen_ai.tool.call.arguments"] = json.dumps(arguments)
            except (TypeError, ValueError):
                attributes["gen_ai.tool.call.arguments"] = repr(arguments)
        start = time.perf_counter()
        async with self.span(f"execute_tool {name}", attributes) as span:
            reply, failed, error_type = await run(span)
            elapsed = time.perf_counter() - start
            try:
                size = len(json.dumps(reply))
            except (TypeError, ValueError):
                size = -1
            span.set_attribute("signalwire.tool.result_size", size)
            span.set_attribute("signalwire.tool.failed", failed)
            span.set_attribute("signalwire.tool.duration", elapsed)
            measured = {"gen_ai.tool.name": name}
            if failed:
                span.set_status(StatusCode.ERROR)
                span.set_attribute("error.type", error_type or "error")
                self.tool_errors.add(1, {**measured, "error.type": error_type or "error"})
        self.tool_duration.record(elapsed, measured)
        return reply, failed


_cached: Telemetry | None = None
# Bound once: the per-request check is then one call on the interpreter's module table.
_module = sys.modules.get


def telemetry() -> Telemetry | None:
    """The instruments to report to, or None when no OpenTelemetry provider is configured."""
    trace = _module(_TRACE_MODULE)
    if trace is None:
        return None
    try:
        tracer_provider = trace._TRACER_PROVIDER
        metrics = _module(_METRICS_MODULE)
        meter_provider = None if metrics is None else metrics._METER_PROVIDER
    except AttributeError:  # an API release that moved its globals: ask it the slow way
        tracer_provider, meter_provider = _configured(trace)
    if tracer_provider is None and meter_provider is None:
        return None
    cached = _cached
    if (
        cached is not None
        and cached.tracer_provider is tracer_provider
        and cached.meter_provider is meter_provider
    ):
        return cached
    return _build(tracer_provider, meter_provider)


def _configured(trace: Any) -> tuple[Any, Any]:
    """The configured providers through the public API (None for the proxy it hands out
    before an application sets one); only traces are looked at."""
    provider = trace.get_tracer_provider()
    return (None if isinstance(provider, trace.ProxyTracerProvider) else provider), None


def _build(tracer_provider: Any, meter_provider: Any) -> Telemetry:
    global _cached
    built = Telemetry(tracer_provider, meter_provider)
    _cached = built
    return built
