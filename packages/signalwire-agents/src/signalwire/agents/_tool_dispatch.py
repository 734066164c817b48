"""Running one tool call for the server: timeout, failure replies and result coercion."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from signalwire.agents._hosting import loopless
from signalwire.agents._logging import KVLogger
from signalwire.agents._otel import telemetry
from signalwire.agents._swaig_function import (
    SWAIGFunction,
    coerce_result,
    error_response,
    timeout_response,
)

if TYPE_CHECKING:
    from opentelemetry.trace import Span

__all__ = ["run_tool_call", "tool_call_outcome"]


async def run_tool_call(
    log: logging.Logger | KVLogger,
    name: str,
    fn: SWAIGFunction | dict[str, Any] | None,
    raw_data: dict[str, Any],
    call: Callable[[], Awaitable[Any]],
    default_timeout: float | None,
    default_expose: bool,
) -> dict[str, Any]:
    """Like :func:`tool_call_outcome`, without the failure flag."""
    reply, _ = await tool_call_outcome(
        log, name, fn, raw_data, call, default_timeout, default_expose
    )
    return reply


async def tool_call_outcome(
    log: logging.Logger | KVLogger,
    name: str,
    fn: SWAIGFunction | dict[str, Any] | None,
    raw_data: dict[str, Any],
    call: Callable[[], Awaitable[Any]],
    default_timeout: float | None,
    default_expose: bool,
) -> tuple[dict[str, Any], bool]:
    """Await ``call()`` and turn its outcome into the wire dict the AI receives, and a failed flag.

    A handler that raises gets a short generic reply unless the tool (or the
    service) opts in to exposing the exception text; the detail is logged with
    the call id either way. Past its timeout (the tool's own, else the
    service's) the AI gets a speakable reply while a sync handler's thread runs
    on to completion in the background.
    """
    otel = telemetry()
    if otel is None:
        reply, failed, _ = await _outcome(
            log, name, fn, raw_data, call, default_timeout, default_expose, None
        )
        return reply, failed
    return await otel.tool(
        name,
        raw_data,
        lambda span: _outcome(log, name, fn, raw_data, call, default_timeout, default_expose, span),
    )


async def _outcome(
    log: logging.Logger | KVLogger,
    name: str,
    fn: SWAIGFunction | dict[str, Any] | None,
    raw_data: dict[str, Any],
    call: Callable[[], Awaitable[Any]],
    default_timeout: float | None,
    default_expose: bool,
    span: Span | None,
) -> tuple[dict[str, Any], bool, str | None]:
    """The reply, whether the call failed, and the error type (``"timeout"``, the class name)."""
    tool = fn if isinstance(fn, SWAIGFunction) else None
    timeout = (tool.timeout if tool is not None else None) or default_timeout
    expose = (tool.expose_errors if tool is not None else False) or default_expose
    call_id = raw_data.get("call_id", "<none>") if isinstance(raw_data, dict) else "<none>"
    try:
        if timeout is None:
            result = await call()
        else:
            import asyncio  # lazy: keeps ``import signalwire.agents`` light

            loopless.require_loop()  # a deadline needs a loop's timer
            try:
                result = await asyncio.wait_for(call(), timeout)
            except asyncio.TimeoutError:
                log.error("tool %r timed out after %ss (call_id=%s)", name, timeout, call_id)
                return timeout_response(name), True, "timeout"
    except Exception as exc:
        log.exception("tool %r failed (call_id=%s)", name, call_id)
        if span is not None:
            span.record_exception(exc)
        return error_response(name, exc, expose), True, type(exc).__qualname__
    return coerce_result(result), False, None
