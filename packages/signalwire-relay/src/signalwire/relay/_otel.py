"""OpenTelemetry spans and metrics for RELAY (the ``[otel]`` extra).

:func:`telemetry` imports nothing: an application that configured a provider has
imported ``opentelemetry.trace``/``metrics``, so a ``sys.modules`` lookup and two reads
of the API's provider slots decide, at each hook, whether there is anything to do.

* a CLIENT span per command round trip, named by its method (``calling.play``):
  ``rpc.method``, ``signalwire.call_id``, ``signalwire.relay.code`` (the result code);
  a command about a call is a child of that call's span unless it runs inside another
  span already;
* a ``relay.call`` span for each call's lifetime (from the first state seen to
  ``ended``), each state change an event;
* a ``relay.connection`` span per client, from the first connect to ``disconnect()``,
  with ``connected``, ``disconnected``, ``reconnecting``, ``reconnected`` and
  ``session_lost`` as events;
* metrics: ``signalwire.relay.command.duration`` (by method and code),
  ``signalwire.relay.calls.active`` and ``signalwire.relay.reconnects``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from signalwire.relay._version import __version__

if TYPE_CHECKING:
    from opentelemetry.trace import Span

__all__ = ["Telemetry", "telemetry"]

_SCOPE = "signalwire.relay"
_TRACE_MODULE = "opentelemetry.trace"
_METRICS_MODULE = "opentelemetry.metrics._internal"
#: Spans of calls whose end was never seen (a lost session) are dropped past this many.
_MAX_CALLS = 10_000

_T = TypeVar("_T")


class _Call(Protocol):
    """What the call lifetime span reads of a call."""

    call_id: str
    direction: str
    context: str


class Telemetry:
    """The tracer and instruments built for one pair of configured providers."""

    def __init__(self, tracer_provider: Any, meter_provider: Any) -> None:
        from opentelemetry import metrics, trace

        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.tracer = trace.get_tracer(_SCOPE, __version__)
        meter = metrics.get_meter(_SCOPE, __version__)
        self.command_duration = meter.create_histogram(
            "signalwire.relay.command.duration",
            unit="s",
            description="Round trip of RELAY commands, send to reply.",
        )
        self.active_calls = meter.create_up_down_counter(
            "signalwire.relay.calls.active", unit="{call}", description="Calls being tracked."
        )
        self.reconnects = meter.create_counter(
            "signalwire.relay.reconnects",
            unit="{reconnect}",
            description="Reconnections of the RELAY WebSocket.",
        )
        self._calls: dict[str, Span] = {}
        self._states: dict[str, str] = {}
        self._connections: dict[int, Span] = {}

    # -- commands ----------------------------------------------------------------------

    async def command(
        self, method: str, params: Mapping[str, Any], run: Callable[[], Awaitable[_T]]
    ) -> _T:
        """Run one command round trip (``run``) inside its CLIENT span."""
        from opentelemetry import trace
        from opentelemetry.trace import SpanKind, StatusCode

        attributes: dict[str, Any] = {"rpc.system": "jsonrpc", "rpc.method": method}
        call_id = params.get("call_id")
        parent = None
        if isinstance(call_id, str) and call_id:
            attributes["signalwire.call_id"] = call_id
            call_span = self._calls.get(call_id)
            if call_span is not None and not trace.get_current_span().get_span_context().is_valid:
                parent = trace.set_span_in_context(call_span)
        start = time.perf_counter()
        code: str = "error"
        with self.tracer.start_as_current_span(
            method,
            context=parent,
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                result = await run()
            except BaseException as exc:
                found = getattr(exc, "code", None)
                code = str(found) if found is not None else type(exc).__qualname__
                span.record_exception(exc)
                span.set_status(StatusCode.ERROR)
                span.set_attribute("error.type", code)
                raise
            else:
                found = result.get("code") if isinstance(result, dict) else None
                code = str(found) if found is not None else "ok"
            finally:
                span.set_attribute("signalwire.relay.code", code)
                self.command_duration.record(
                    time.perf_counter() - start,
                    {"rpc.method": method, "signalwire.relay.code": code},
                )
        return result

    # -- calls -------------------------------------------------------------------------

    def call_state(self, call: _Call, state: str, params: Mapping[str, Any]) -> None:
        """A call changed state: start its span on the first, add an event, end on ``ended``."""
        call_id = call.call_id
        span = self._calls.get(call_id)
        if span is None:
            if state == "ended":
                return  # never seen alive: nothing to report but the end
            if len(self._calls) >= _MAX_CALLS:
                self._end_call(next(iter(self._calls)), None)
            span = self.tracer.start_span(
                "relay.call",
                attributes={
                    "signalwire.call_id": call_id,
                    "signalwire.call.direction": call.direction or "",
                    "signalwire.relay.context": call.context or "",
                },
            )
            self._calls[call_id] = span
            self.active_calls.add(1)
        if self._states.get(call_id) == state:
            return  # the state the call was built with, reported again by its event
        self._states[call_id] = state
        event = {"signalwire.call.state": state}
        reason = params.get("end_reason")
        if isinstance(reason, str) and reason:
            event["signalwire.call.end_reason"] = reason
        span.add_event("call.state", event)
        if state == "ended":
            self._end_call(call_id, reason if isinstance(reason, str) else None)

    def call_gone(self, call: _Call, why: str) -> None:
        """A call stopped being tracked without an ``ended`` state (session lost)."""
        span = self._calls.get(call.call_id)
        if span is not None:
            span.add_event("call.lost", {"signalwire.reason": why})
            self._end_call(call.call_id, None)

    def _end_call(self, call_id: str, reason: str | None) -> None:
        self._states.pop(call_id, None)
        span = self._calls.pop(call_id, None)
        if span is None:
            return
        if reason:
            span.set_attribute("signalwire.call.end_reason", reason)
        span.end()
        self.active_calls.add(-1)

    # -- the connection ----------------------------------------------------------------

    def connection(self, client: object, event: str, args: tuple[Any, ...], url: str) -> None:
        """A connection event of ``client`` (the names of its ``on_*`` hooks)."""
        span = self._connections.get(id(client))
        if span is None:
            span = self.tracer.start_span("relay.connection", attributes={"server.address": url})
            self._connections[id(client)] = span
        attributes: dict[str, Any] = {}
        if event == "reconnecting" and len(args) >= 2:
            attributes = {
                "signalwire.relay.attempt": int(args[0]),
                "signalwire.relay.delay_s": float(args[1]),
            }
        elif event == "reconnected" and args:
            attributes = {"signalwire.relay.resumed": bool(args[0])}
            self.reconnects.add(1, {"signalwire.relay.resumed": bool(args[0])})
        elif event == "disconnected" and args and args[0] is not None:
            attributes = {"error.type": type(args[0]).__qualname__}
        span.add_event(event, attributes)

    def connection_closed(self, client: object) -> None:
        """``client`` was closed: end its connection span."""
        span = self._connections.pop(id(client), None)
        if span is not None:
            span.add_event("closed")
            span.end()


_cached: Telemetry | None = None
# Bound once: the check is then one call on the interpreter's module table.
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
