"""OpenTelemetry spans and metrics for REST calls (the ``[otel]`` extra).

:func:`telemetry` imports nothing: an application that configured a provider has
imported ``opentelemetry.trace``/``metrics``, so a ``sys.modules`` lookup and two reads
of the API's provider slots decide, once per call, whether there is anything to do.

Per call (retries included): a CLIENT span ``"{method} {path template}"`` (ids in the
path replaced by ``{id}``), current while the call runs so the ``traceparent`` it sends
names it; ``http.response.status_code`` and the platform's request id from the last
response; each retry an event; the ``http.client.request.duration`` histogram by
operation (method and template). A call made inside another span (an agent's tool)
is that span's child.
"""

from __future__ import annotations

import contextvars
import re
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from signalwire.rest._version import __version__

if TYPE_CHECKING:
    from opentelemetry.trace import Span

__all__ = ["Telemetry", "active", "path_template", "telemetry"]

_SCOPE = "signalwire.rest"
_TRACE_MODULE = "opentelemetry.trace"
_METRICS_MODULE = "opentelemetry.metrics._internal"
_REQUEST_ID_HEADERS = ("x-request-id", "x-signalwire-request-id", "request-id")
# Path segments that are names in the API (letters, the compat API's version date, and the
# one resource name holding digits); anything else is an id, a number or a name the caller
# chose, and becomes ``{id}`` so span names and metric attributes stay few.
_STATIC = re.compile(r"[A-Za-z_]+|\d{4}-\d{2}-\d{2}|e911_address")

_T = TypeVar("_T")


def path_template(path: str) -> str:
    """``/api/fabric/resources/3f2c.../addresses`` → ``/api/fabric/resources/{id}/addresses``."""
    out = []
    for segment in path.split("?", 1)[0].split("/"):
        stem, dot, ext = segment.partition(".")
        static = _STATIC.fullmatch(stem if ext == "json" else segment)
        if not segment or static:
            out.append(segment)
        else:
            out.append("{id}" + (".json" if dot and ext == "json" else ""))
    return "/".join(out)


class _Call:
    """The span of one REST call, current while it runs."""

    __slots__ = ("span", "status")

    def __init__(self, span: Span) -> None:
        self.span = span
        self.status = 0

    def inject(self, headers: MutableMapping[str, str]) -> None:
        """Add ``traceparent`` (and ``tracestate``/``baggage``) naming this span."""
        from opentelemetry import propagate

        propagate.inject(headers)

    def response(self, status: int, headers: Any) -> None:
        """Record an attempt's status and the platform's request id."""
        self.status = status
        self.span.set_attribute("http.response.status_code", status)
        for name in _REQUEST_ID_HEADERS:
            value = headers.get(name)
            if value:
                self.span.set_attribute("signalwire.request_id", str(value))
                break

    def retry(self, cause: int | str, delay: float, attempt: int) -> None:
        """A retry is about to happen: an event on the span."""
        self.span.add_event(
            "retry",
            {
                "http.request.resend_count": attempt,
                "retry.cause": str(cause),
                "retry.delay_s": delay,
            },
        )


_active: contextvars.ContextVar[_Call | None] = contextvars.ContextVar(
    "signalwire_rest_call", default=None
)


def active() -> _Call | None:
    """The REST call being traced in this context, if any (one context-variable read)."""
    return _active.get()


class Telemetry:
    """The tracer and instruments built for one pair of configured providers."""

    def __init__(self, tracer_provider: Any, meter_provider: Any) -> None:
        from opentelemetry import metrics, trace

        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.tracer = trace.get_tracer(_SCOPE, __version__)
        meter = metrics.get_meter(_SCOPE, __version__)
        self.duration = meter.create_histogram(
            "http.client.request.duration",
            unit="s",
            description="Duration of SignalWire REST calls, retries included.",
        )

    def _start(self, method: str, path: str, base_url: str) -> tuple[Any, dict[str, Any]]:
        from opentelemetry.trace import SpanKind

        template = path_template(path)
        parts = urlsplit(base_url)
        attributes: dict[str, Any] = {
            "http.request.method": method,
            "url.template": template,
            "url.full": base_url + path.split("?", 1)[0],
            "server.address": parts.hostname or "",
        }
        if parts.port:
            attributes["server.port"] = parts.port
        span = self.tracer.start_span(
            f"{method} {template}", kind=SpanKind.CLIENT, attributes=attributes
        )
        measured = {"http.request.method": method, "url.template": template}
        if parts.hostname:
            measured["server.address"] = parts.hostname
        return span, measured

    def _finish(
        self, call: _Call, measured: dict[str, Any], start: float, error: BaseException | None
    ) -> None:
        from opentelemetry.trace import StatusCode

        span = call.span
        if call.status:
            measured["http.response.status_code"] = call.status
        if error is not None:
            span.record_exception(error)
            kind = type(error).__qualname__
            status = getattr(error, "status_code", None)
            measured["error.type"] = str(status) if isinstance(status, int) and status else kind
            span.set_attribute("error.type", measured["error.type"])
            span.set_status(StatusCode.ERROR)
        span.end()
        self.duration.record(time.perf_counter() - start, measured)

    def call(self, method: str, path: str, base_url: str, run: Callable[[], _T]) -> _T:
        """Run one blocking REST call (``run``) inside its CLIENT span."""
        from opentelemetry import context, trace

        span, measured = self._start(method, path, base_url)
        call = _Call(span)
        token = context.attach(trace.set_span_in_context(span))
        own = _active.set(call)
        start = time.perf_counter()
        error: BaseException | None = None
        try:
            return run()
        except BaseException as exc:
            error = exc
            raise
        finally:
            _active.reset(own)
            context.detach(token)
            self._finish(call, measured, start, error)

    async def acall(
        self, method: str, path: str, base_url: str, run: Callable[[], Awaitable[_T]]
    ) -> _T:
        """Run one asyncio REST call (``run``) inside its CLIENT span."""
        from opentelemetry import context, trace

        span, measured = self._start(method, path, base_url)
        call = _Call(span)
        token = context.attach(trace.set_span_in_context(span))
        own = _active.set(call)
        start = time.perf_counter()
        error: BaseException | None = None
        try:
            return await run()
        except BaseException as exc:
            error = exc
            raise
        finally:
            _active.reset(own)
            context.detach(token)
            self._finish(call, measured, start, error)


_cached: Telemetry | None = None
# Bound once: the per-call check is then one call on the interpreter's module table.
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
