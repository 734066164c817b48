"""Run a SWAIG ``data_map`` function the way the platform does, for tests.

``run_data_map(function, args)`` takes the raw function dict an agent renders
(``{"function", "parameters", "data_map": {...}}``) and the AI's arguments,
and returns the reply dict the platform would hand the AI (``{"response",
"action"}``), or ``None`` when nothing produced output. Webhooks are real HTTP
requests (httpx), so tests point them at a local fake server.

Semantics implemented (from the platform's documented behaviour):

* Top-level ``expressions`` run first; the first one producing output
  (``output`` on a match, ``nomatch-output`` otherwise) ends the function.
* Then only the **first** webhook whose ``require_args`` are present is
  requested; a later one is not tried when it fails.
* A webhook fails on a transport error, a timeout, a body that is not JSON, or
  a response holding one of its ``error_keys`` at the top level. A non-2xx
  status adds ``http_code`` to the response (so ``error_keys: ["http_code"]``
  catches it). On failure the ``data_map.output`` fallback answers.
* A JSON array response is available as ``${array[n]...}``.
* ``foreach`` (``input_key``, ``output_key``, ``max``, ``append``) builds a
  string from a response array; ``append`` sees ``${this.*}``.
* Webhook ``expressions`` then ``output`` read the response at the root, with
  the call data under ``input.``; URLs, params, top-level expressions and the
  fallback read the call data (``args``, ``global_data``, ``meta_data``, ...).
* Templates: ``${path}`` or ``%{path}``; dots and ``[n]`` (negative counts from
  the end); case-insensitive keys; prefixes ``fmt_ph:``, ``lc:``, ``enc:``
  applied in that order; an unknown path expands to an empty string.
  Headers are sent as written (not expanded). Only GET and POST are sent; a
  webhook with ``params`` (or ``body``) is a POST with them as its JSON body.

It speaks raw JSON and never imports ``signalwire.*``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

__all__ = ["DataMapError", "expand", "lookup", "run_data_map"]

_TEMPLATE = re.compile(r"[$%]\{([^{}]*)\}")
_STEP = re.compile(r"([^.\[\]]+)|\[(-?\d+)\]")
_PREFIXES = ("fmt_ph", "lc", "enc")


class DataMapError(ValueError):
    """The function dict is not a well-formed data_map function."""


def lookup(data: Any, path: str) -> Any:
    """The value at ``path`` (``a.b[0].c``) in ``data``; ``None`` when absent.

    Object keys match case-insensitively, as on the platform.
    """
    current = data
    for match in _STEP.finditer(path.strip()):
        key, index = match.group(1), match.group(2)
        if index is not None:
            if not isinstance(current, list):
                return None
            i = int(index)
            if not -len(current) <= i < len(current):
                return None
            current = current[i]
        elif isinstance(current, Mapping):
            if key in current:
                current = current[key]
                continue
            folded = key.lower()
            for candidate, value in current.items():
                if str(candidate).lower() == folded:
                    current = value
                    break
            else:
                return None
        else:
            return None
    return current


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _fmt_ph(value: str) -> str:
    # Phone numbers spoken digit by digit: "+15551234567" -> "1 5 5 5 ...".
    return " ".join(ch for ch in value if ch.isdigit())


def _expand_one(expr: str, context: Mapping[str, Any]) -> str:
    prefixes: set[str] = set()
    while True:
        head, sep, rest = expr.partition(":")
        if sep and head in _PREFIXES:
            prefixes.add(head)
            expr = rest
        else:
            break
    value = _text(lookup(context, expr))
    if "fmt_ph" in prefixes:
        value = _fmt_ph(value)
    if "lc" in prefixes:
        value = value.lower()
    if "enc" in prefixes:
        value = quote(value, safe="")
    return value


def expand(template: Any, context: Mapping[str, Any]) -> Any:
    """Expand every ``${...}`` in ``template`` (strings inside dicts and lists too)."""
    if isinstance(template, str):
        return _TEMPLATE.sub(lambda m: _expand_one(m.group(1), context), template)
    if isinstance(template, list):
        return [expand(item, context) for item in template]
    if isinstance(template, dict):
        return {key: expand(value, context) for key, value in template.items()}
    return template


def _run_expressions(
    expressions: list[dict[str, Any]], context: Mapping[str, Any]
) -> dict[str, Any] | None:
    for expression in expressions:
        if "string" not in expression or "pattern" not in expression:
            raise DataMapError(f"an expression needs 'string' and 'pattern': {expression!r}")
        value = expand(expression["string"], context)
        if re.search(expression["pattern"], value):
            output = expression.get("output")
        else:
            output = expression.get("nomatch-output")
        if output is not None:
            return expand(output, context)  # type: ignore[no-any-return]
    return None


def _required_present(webhook: Mapping[str, Any], args: Mapping[str, Any]) -> bool:
    required = webhook.get("require_args") or []
    if isinstance(required, str):
        required = [required]
    return all(args.get(name) not in (None, "") for name in required)


def _call_webhook(
    webhook: Mapping[str, Any], context: Mapping[str, Any], client: httpx.Client
) -> dict[str, Any] | None:
    """The response root of one webhook, or ``None`` when it failed."""
    if "url" not in webhook:
        raise DataMapError("a webhook needs a 'url'")
    url = expand(webhook["url"], context)
    method = str(webhook.get("method", "GET")).upper()
    # ``body`` is the documented spelling of ``params`` (signalwire-sdk 3.7.5 writes params).
    params = expand(webhook.get("params", webhook.get("body")), context)
    if webhook.get("input_args_as_params"):
        params = {**dict(context.get("args") or {}), **(params or {})}
    headers = {str(k): str(v) for k, v in (webhook.get("headers") or {}).items()}
    try:
        if params or method == "POST":
            form_param = webhook.get("form_param")
            if form_param:
                response = client.post(
                    url, headers=headers, data={form_param: json.dumps(params or {})}
                )
            else:
                response = client.post(url, headers=headers, json=params or {})
        else:
            response = client.get(url, headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError):
        return None  # includes a URL an argument made unusable: the request fails
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, (list, dict)):
        return None
    root: dict[str, Any] = {"array": body} if isinstance(body, list) else dict(body)
    if not 200 <= response.status_code < 300:
        root["http_code"] = response.status_code
    error_keys = webhook.get("error_keys") or []
    if isinstance(error_keys, str):
        error_keys = [error_keys]
    if any(key in root for key in error_keys):
        return None
    return root


def _apply_foreach(
    foreach: Mapping[str, Any], root: dict[str, Any], call: Mapping[str, Any]
) -> None:
    items = lookup(root, str(foreach["input_key"]))
    pieces: list[str] = []
    if isinstance(items, list):
        limit = foreach.get("max")
        for item in items[: int(limit)] if limit is not None else items:
            context = {**root, "input": call, "this": item}
            pieces.append(str(expand(foreach.get("append", ""), context)))
    root[str(foreach["output_key"])] = "".join(pieces)


def run_data_map(
    function: Mapping[str, Any],
    args: Mapping[str, Any],
    *,
    call: Mapping[str, Any] | None = None,
    client: httpx.Client | None = None,
    timeout: float = 5.0,
) -> dict[str, Any] | None:
    """Execute ``function["data_map"]`` with ``args``; the platform's reply dict or ``None``.

    ``call`` adds call data (``global_data``, ``meta_data``, ``call_id``,
    ``caller_id_num``, prompt vars...) beside ``args``. Pass ``client`` to
    reuse an httpx client; otherwise one with ``timeout`` is made per call.
    """
    data_map = function.get("data_map")
    if not isinstance(data_map, Mapping):
        raise DataMapError("the function has no 'data_map' object")
    context: dict[str, Any] = {**dict(call or {}), "args": dict(args)}
    result = _run_expressions(list(data_map.get("expressions") or []), context)
    if result is not None:
        return result
    webhooks = list(data_map.get("webhooks") or [])
    chosen = next((w for w in webhooks if _required_present(w, args)), None)
    if chosen is not None:
        own_client = client is None
        http = client if client is not None else httpx.Client(timeout=timeout)
        try:
            root = _call_webhook(chosen, context, http)
        finally:
            if own_client:
                http.close()
        if root is not None:
            if chosen.get("foreach"):
                _apply_foreach(chosen["foreach"], root, context)
            response_context = {**root, "input": context}
            result = _run_expressions(list(chosen.get("expressions") or []), response_context)
            if result is not None:
                return result
            if chosen.get("output") is not None:
                return expand(chosen["output"], response_context)  # type: ignore[no-any-return]
    if data_map.get("output") is not None:
        return expand(data_map["output"], context)  # type: ignore[no-any-return]
    return None
