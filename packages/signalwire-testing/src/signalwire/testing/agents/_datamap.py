"""Run a DataMap tool the way the platform does, without the platform.

The logic is written sans-IO: :func:`_run` is a generator that yields each webhook
request it wants made and receives the answer, so one implementation serves the
synchronous driver (:func:`execute_datamap`, used by ``swaig-test``) and the async one
(:func:`execute_datamap_async`, used by :class:`AgentSession`, which may be serving the
webhook from the same event loop).

Order, as on the platform: ``expressions`` (the first one producing output wins: its
``output`` on a match, its ``nomatch-output`` otherwise), then the first webhook whose
``require_args`` are all present and non-empty (only that one: a failed request goes
straight to the fallback), then the top-level ``output`` fallback. A webhook fails on a
transport error, a timeout, a URL an argument made unusable, an answer that is not a
JSON object or array, or an answer holding one of its ``error_keys`` (a string or a list)
at the top level. A non-2xx status does not fail it by itself: it adds ``http_code`` to
the answer, so ``error_keys: ["http_code"]`` catches it (as the platform does; an earlier
version of this module failed every non-2xx, see CHANGELOG.md). A webhook's ``foreach``, ``expressions``
(with ``nomatch-output`` too) and ``output`` read its answer at the root (a JSON array
as ``array``), the call data under ``input``. ``params`` (``body`` is accepted as the
same thing) travel as a JSON ``POST`` body; ``input_args_as_params`` merges the
arguments in; ``form_param`` sends those params JSON-encoded in that one form field. The
data map's top-level ``error_keys`` are ignored, as the platform does. Nothing produced:
:class:`DataMapError`, as is a malformed definition (no ``data_map``, an expression
without ``string`` or ``pattern``, a webhook without ``url``, a pattern that is not a
regex).
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from signalwire.testing.agents._errors import DataMapError
from signalwire.testing.agents._netguard import (
    BlockedAddress,
    guard_async_transport,
    private_allowed,
)
from signalwire.testing.agents._templates import expand, lookup

if TYPE_CHECKING:
    import httpx

__all__ = [
    "MAX_RESPONSE_BYTES",
    "WebhookRequest",
    "WebhookResponse",
    "execute_datamap",
    "execute_datamap_async",
]


@dataclass(frozen=True)
class WebhookRequest:
    """One webhook call a DataMap asks for (already expanded)."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    form_body: dict[str, str] | None = None


@dataclass(frozen=True)
class WebhookResponse:
    """What came back: ``status`` 0 means the request itself failed (``error`` says why)."""

    status: int
    data: Any = None
    error: str = ""


_Plan = Generator[WebhookRequest, WebhookResponse, dict[str, Any]]


def _variables(args: Mapping[str, Any], raw_data: Mapping[str, Any] | None) -> dict[str, Any]:
    raw = dict(raw_data or {})
    variables: dict[str, Any] = {**raw, "args": dict(args), "input": {"args": dict(args)}}
    variables.setdefault("global_data", raw.get("global_data") or {})
    variables.setdefault("meta_data", raw.get("meta_data") or {})
    return variables


def _reply(output: Any, variables: Mapping[str, Any]) -> dict[str, Any]:
    result = expand(output, variables)
    if not isinstance(result, dict):
        return {"response": str(result)}
    return result


def _request(
    name: str, hook: Mapping[str, Any], args: Mapping[str, Any], variables: Mapping[str, Any]
) -> WebhookRequest:
    # Headers are sent as written (the platform does not expand them); params (or body)
    # travel as a JSON body, and a webhook with params is sent as a POST.
    if "url" not in hook:
        raise DataMapError(f"{name}: a webhook needs a 'url'")
    url = str(expand(hook["url"], variables))
    headers = {str(k): str(v) for k, v in dict(hook.get("headers") or {}).items()}
    raw = hook["params"] if "params" in hook else hook.get("body")
    expanded = expand(raw or {}, variables)
    payload = dict(expanded) if isinstance(expanded, Mapping) else {}
    if hook.get("input_args_as_params"):
        payload = {**dict(args), **payload}
    form_param = hook.get("form_param")
    method = str(hook.get("method") or "GET").upper()
    if form_param:
        return WebhookRequest(
            "POST", url, headers, form_body={str(form_param): json.dumps(payload)}
        )
    if payload or method == "POST":
        return WebhookRequest("POST", url, headers, payload)
    return WebhookRequest("GET", url, headers)


def _as_list(value: Any) -> list[str]:
    # require_args and error_keys may be written as one name or a list of names.
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _first_output(
    name: str, expressions: Any, variables: Mapping[str, Any], tried: list[str]
) -> dict[str, Any] | None:
    """The reply of the first expression that produces output, or None."""
    for expression in expressions or []:
        if not isinstance(expression, Mapping) or not {"string", "pattern"} <= set(expression):
            raise DataMapError(
                f"{name}: an expression needs 'string' and 'pattern': {expression!r}"
            )
        value = str(expand(expression["string"], variables))
        pattern = str(expression["pattern"])
        try:
            matched = re.search(pattern, value) is not None
        except re.error as exc:
            raise DataMapError(
                f"{name}: expression pattern {pattern!r} is not a valid regex: {exc}"
            ) from None
        if matched:
            output = expression.get("output")
        else:
            output = next(
                (expression[k] for k in ("nomatch-output", "nomatch_output") if k in expression),
                None,
            )
        if output is not None:
            return _reply(output, variables)
        verdict = "matched but has no output" if matched else f"did not match {pattern!r}"
        tried.append(f"expression {expression['string']!r} -> {value!r} {verdict}")
    return None


def _foreach(config: Mapping[str, Any], scope: dict[str, Any]) -> None:
    items = lookup(str(config.get("input_key", "")), scope)
    if not isinstance(items, list):
        items = []
    limit = len(items) if config.get("max") is None else int(config["max"])
    pieces = [
        str(expand(config.get("append", ""), {**scope, "this": item})) for item in items[:limit]
    ]
    scope[str(config.get("output_key", "output"))] = "".join(pieces)


def _run(
    function: Mapping[str, Any], args: Mapping[str, Any], raw_data: Mapping[str, Any] | None
) -> _Plan:
    name = str(function.get("function", "?"))
    data_map = function.get("data_map")
    if not isinstance(data_map, Mapping):
        raise DataMapError(f"{name}: not a DataMap tool (no data_map in its SWAIG definition)")
    variables = _variables(args, raw_data)
    tried: list[str] = []
    reply = _first_output(name, data_map.get("expressions"), variables, tried)
    if reply is not None:
        return reply
    hooks = list(data_map.get("webhooks") or [])
    # Only the first webhook whose require_args are all present is requested; if it fails,
    # the fallback output answers (later webhooks are not tried).
    chosen = next(
        (
            (i, h)
            for i, h in enumerate(hooks)
            if all(args.get(a) not in (None, "") for a in _as_list(h.get("require_args")))
        ),
        None,
    )
    if hooks and chosen is None:
        tried.append("no webhook has all its require_args present")
    if chosen is not None:
        index, hook = chosen
        request = _request(name, hook, args, variables)
        answer = yield request
        data = answer.data
        where = f"webhook {index} {request.method} {request.url}"
        if answer.status == 0:
            tried.append(f"{where}: {answer.error}")
        elif not isinstance(data, (dict, list)):
            tried.append(f"{where}: HTTP {answer.status}, the answer is not a JSON object or array")
        else:
            scope: dict[str, Any] = dict(data) if isinstance(data, dict) else {"array": data}
            if not 200 <= answer.status < 300:
                scope["http_code"] = answer.status
            found = [k for k in _as_list(hook.get("error_keys")) if k in scope]
            if found:
                tried.append(f"{where}: HTTP {answer.status}, answer has error key(s) {found}")
            else:
                # The webhook's foreach, expressions and output read the answer at the
                # root, the call data under ``input``.
                scope["input"] = variables
                if isinstance(hook.get("foreach"), Mapping):
                    _foreach(hook["foreach"], scope)
                reply = _first_output(name, hook.get("expressions"), scope, tried)
                if reply is not None:
                    return reply
                if hook.get("output") is not None:
                    return _reply(hook["output"], scope)
                tried.append(f"{where} succeeded but has no output")
    if data_map.get("output") is not None:
        return _reply(data_map["output"], variables)
    detail = "; ".join(tried) or "it has no expressions, webhooks or output"
    raise DataMapError(
        f"{name}: the DataMap produced no output and has no fallback output ({detail})"
    )


def _decode(status: int, content: bytes) -> WebhookResponse:
    try:
        data: Any = json.loads(content) if content else None
    except (ValueError, RecursionError):
        data = content.decode("utf-8", "replace")
    return WebhookResponse(status, data)


MAX_RESPONSE_BYTES = 1024 * 1024
"""Largest webhook answer read (the platform caps what it reads too); more is a failure."""


def _too_large(limit: int) -> WebhookResponse:
    return WebhookResponse(0, error=f"the answer is larger than {limit} bytes")


async def _fetch(client: httpx.AsyncClient, request: WebhookRequest, limit: int) -> WebhookResponse:
    import httpx

    try:
        req = client.build_request(
            request.method,
            request.url,
            headers=request.headers,
            json=request.json_body,
            data=request.form_body,
        )
        response = await client.send(req, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    return _too_large(limit)
                chunks.append(chunk)
        finally:
            await response.aclose()
        return _decode(response.status_code, b"".join(chunks))
    except BlockedAddress as exc:
        return WebhookResponse(0, error=f"refused: {exc} (allow_private=True allows it)")
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        # ValueError/InvalidURL: an argument made the URL unusable.
        return WebhookResponse(0, error=f"{type(exc).__name__}: {exc}")


def execute_datamap(
    function: Mapping[str, Any],
    args: Mapping[str, Any],
    raw_data: Mapping[str, Any] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 10.0,
    allow_private: bool = False,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
) -> dict[str, Any]:
    """Run a DataMap tool synchronously; return the reply the platform would give the AI.

    ``function`` is the tool's SWAIG definition (with ``data_map``), ``args`` its
    arguments, ``raw_data`` the SWAIG request body (``global_data``, ``meta_data`` and the
    call's variables are read from it). Webhooks are called with httpx; ``timeout`` is
    the deadline for the whole run, an answer over ``max_response_bytes`` fails the
    webhook, and, as on the platform, a webhook on a loopback, private, link-local or
    metadata address is refused unless ``allow_private`` (or ``SWML_ALLOW_PRIVATE_URLS``)
    says otherwise. ``transport`` lets a test serve the webhooks in process (no network,
    so no address check). Raises :class:`DataMapError` naming what failed when nothing
    produced output.
    """
    if transport is None:
        # The network path is the async one, run in a worker thread so the deadline holds
        # whether or not the caller is inside an event loop.
        import asyncio
        import concurrent.futures

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(
                asyncio.run,
                execute_datamap_async(
                    function,
                    args,
                    raw_data,
                    timeout=timeout,
                    allow_private=allow_private,
                    max_response_bytes=max_response_bytes,
                ),
            ).result()
    import httpx

    plan = _run(function, args, raw_data)
    with httpx.Client(transport=transport, timeout=timeout) as client:
        try:
            request = next(plan)
            while True:
                try:
                    r = client.request(
                        request.method,
                        request.url,
                        headers=request.headers,
                        json=request.json_body,
                        data=request.form_body,
                    )
                    answer = (
                        _too_large(max_response_bytes)
                        if len(r.content) > max_response_bytes
                        else _decode(r.status_code, r.content)
                    )
                except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
                    # ValueError/InvalidURL: an argument made the URL unusable.
                    answer = WebhookResponse(0, error=f"{type(exc).__name__}: {exc}")
                request = plan.send(answer)
        except StopIteration as done:
            result: dict[str, Any] = done.value
            return result


async def execute_datamap_async(
    function: Mapping[str, Any],
    args: Mapping[str, Any],
    raw_data: Mapping[str, Any] | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 10.0,
    allow_private: bool = False,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
) -> dict[str, Any]:
    """:func:`execute_datamap` for async code (webhooks served by the same event loop work)."""
    import asyncio
    import time

    import httpx

    if transport is None:
        transport = httpx.AsyncHTTPTransport()
        if not private_allowed(allow_private):
            guard_async_transport(transport)
    deadline = time.monotonic() + timeout
    plan = _run(function, args, raw_data)
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        try:
            request = next(plan)
            while True:
                remaining = deadline - time.monotonic()
                try:
                    answer = await asyncio.wait_for(
                        _fetch(client, request, max_response_bytes), max(remaining, 0.001)
                    )
                except asyncio.TimeoutError:
                    answer = WebhookResponse(0, error=f"no answer within {timeout:g} s")
                request = plan.send(answer)
        except StopIteration as done:
            result: dict[str, Any] = done.value
            return result
