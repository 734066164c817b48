"""Run a DataMap tool the way the platform does, without the platform.

The logic is written sans-IO: :func:`_run` is a generator that yields each webhook
request it wants made and receives the answer, so one implementation serves the
synchronous driver (:func:`execute_datamap`, used by ``swaig-test``) and the async one
(:func:`execute_datamap_async`, used by :class:`AgentSession`, which may be serving the
webhook from the same event loop).

Order, as on the platform: ``expressions`` (first match wins; ``nomatch-output`` when
given), then the first webhook whose ``require_args`` are all present (only that one:
a failed request, a non-2xx status or an ``error_keys`` key in its answer goes straight
to the fallback), then the top-level ``output`` fallback. A webhook's ``foreach``,
``expressions`` and ``output`` read its answer at the root, the call data under
``input``. The data map's top-level ``error_keys`` are ignored, as the platform does. Nothing produced: :class:`DataMapError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from signalwire.testing.agents._errors import DataMapError
from signalwire.testing.agents._templates import expand, lookup

if TYPE_CHECKING:
    import httpx

__all__ = ["WebhookRequest", "WebhookResponse", "execute_datamap", "execute_datamap_async"]


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
    hook: Mapping[str, Any], args: Mapping[str, Any], variables: Mapping[str, Any]
) -> WebhookRequest:
    # Headers are sent as written (the platform does not expand them); params (or body)
    # travel as a JSON body, and a webhook with params is sent as a POST.
    url = str(expand(hook.get("url", ""), variables))
    headers = {str(k): str(v) for k, v in dict(hook.get("headers") or {}).items()}
    payload = dict(expand(hook.get("params") or hook.get("body") or {}, variables))
    if hook.get("input_args_as_params"):
        payload = {**dict(args), **payload}
    form_param = hook.get("form_param")
    method = str(hook.get("method") or "GET").upper()
    if form_param:
        return WebhookRequest(
            "POST", url, headers, form_body={str(form_param): json.dumps(dict(args))}
        )
    if payload:
        return WebhookRequest("POST", url, headers, payload)
    return WebhookRequest("POST" if method == "POST" else "GET", url, headers)


def _foreach(config: Mapping[str, Any], scope: dict[str, Any]) -> None:
    items = lookup(str(config.get("input_key", "")), scope)
    if not isinstance(items, list):
        items = []
    limit = int(config.get("max") or len(items))
    pieces = [
        str(expand(config.get("append", ""), {**scope, "this": item})) for item in items[:limit]
    ]
    scope[str(config.get("output_key", "output"))] = "".join(pieces)


def _run(
    function: Mapping[str, Any], args: Mapping[str, Any], raw_data: Mapping[str, Any] | None
) -> _Plan:
    name = function.get("function", "?")
    data_map = function.get("data_map")
    if not isinstance(data_map, Mapping):
        raise DataMapError(f"{name}: not a DataMap tool (no data_map in its SWAIG definition)")
    variables = _variables(args, raw_data)
    tried: list[str] = []
    for expression in data_map.get("expressions") or []:
        value = str(expand(expression.get("string", ""), variables))
        pattern = str(expression.get("pattern", ""))
        try:
            matched = re.search(pattern, value) is not None
        except re.error as exc:
            raise DataMapError(
                f"{name}: expression pattern {pattern!r} is not a valid regex: {exc}"
            ) from None
        if matched:
            return _reply(expression.get("output", {}), variables)
        for key in ("nomatch-output", "nomatch_output"):
            if key in expression:
                return _reply(expression[key], variables)
        tried.append(
            f"expression {expression.get('string')!r} -> {value!r} did not match {pattern!r}"
        )
    hooks = list(data_map.get("webhooks") or [])
    # Only the first webhook whose require_args are all present is requested; if it fails,
    # the fallback output answers (later webhooks are not tried).
    chosen = next(
        (
            (i, h)
            for i, h in enumerate(hooks)
            if all(a in args for a in h.get("require_args") or [])
        ),
        None,
    )
    if hooks and chosen is None:
        tried.append("no webhook has all its require_args present")
    if chosen is not None:
        index, hook = chosen
        request = _request(hook, args, variables)
        answer = yield request
        data = answer.data
        if isinstance(data, dict) and answer.status and not 200 <= answer.status < 300:
            data = {**data, "http_code": answer.status}
        error_keys = list(hook.get("error_keys") or [])
        found = [k for k in error_keys if isinstance(data, dict) and k in data]
        if answer.status == 0 or not 200 <= answer.status < 300 or found:
            why = answer.error or (
                f"answer has error key(s) {found}" if found else f"HTTP {answer.status}"
            )
            tried.append(f"webhook {index} {request.method} {request.url}: {why}")
        else:
            # The webhook's foreach, expressions and output read the answer at the root,
            # the call data under ``input``.
            scope: dict[str, Any] = dict(data) if isinstance(data, dict) else {}
            if isinstance(data, list):
                scope["array"] = data
            scope["input"] = variables
            if isinstance(hook.get("foreach"), Mapping):
                _foreach(hook["foreach"], scope)
            for expression in hook.get("expressions") or []:
                value = str(expand(expression.get("string", ""), scope))
                if re.search(str(expression.get("pattern", "")), value):
                    return _reply(expression.get("output", {}), scope)
            if "output" in hook:
                return _reply(hook["output"], scope)
            tried.append(f"webhook {index} succeeded but has no output")
    if "output" in data_map:
        return _reply(data_map["output"], variables)
    detail = "; ".join(tried) or "it has no expressions, webhooks or output"
    raise DataMapError(
        f"{name}: the DataMap produced no output and has no fallback output ({detail})"
    )


def _decode(status: int, content: bytes) -> WebhookResponse:
    try:
        data: Any = json.loads(content) if content else None
    except ValueError:
        data = content.decode("utf-8", "replace")
    return WebhookResponse(status, data)


def execute_datamap(
    function: Mapping[str, Any],
    args: Mapping[str, Any],
    raw_data: Mapping[str, Any] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Run a DataMap tool synchronously; return the reply the platform would give the AI.

    ``function`` is the tool's SWAIG definition (with ``data_map``), ``args`` its
    arguments, ``raw_data`` the SWAIG request body (``global_data``, ``meta_data`` and the
    call's variables are read from it). Webhooks are called with httpx (``transport``
    lets a test serve them in process). Raises :class:`DataMapError` naming what failed
    when nothing produced output.
    """
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
                    answer = _decode(r.status_code, r.content)
                except httpx.HTTPError as exc:
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
) -> dict[str, Any]:
    """:func:`execute_datamap` for async code (webhooks served by the same event loop work)."""
    import httpx

    plan = _run(function, args, raw_data)
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        try:
            request = next(plan)
            while True:
                try:
                    r = await client.request(
                        request.method,
                        request.url,
                        headers=request.headers,
                        json=request.json_body,
                        data=request.form_body,
                    )
                    answer = _decode(r.status_code, r.content)
                except httpx.HTTPError as exc:
                    answer = WebhookResponse(0, error=f"{type(exc).__name__}: {exc}")
                request = plan.send(answer)
        except StopIteration as done:
            result: dict[str, Any] = done.value
            return result
