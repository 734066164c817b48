"""Success bodies: per-operation templates, list pages and request echoes.

A template is synthesised once per operation from its lowest 2xx response
schema and kept as JSON text (``json.loads`` is the cheapest deep copy).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from signalwire.testing.rest._controls import ListConfig
from signalwire.testing.rest._examples import stable_uuid
from signalwire.testing.rest._spec import Operation
from signalwire.testing.rest._validate import Problem, context_for

__all__ = [
    "COMPAT_PAGING",
    "REST_PAGING",
    "Template",
    "compat_page",
    "echo",
    "make_item",
    "rest_page",
    "template_for",
]

REST_PAGING = ("page_size", "page_number", "page_token")
COMPAT_PAGING = ("Page", "PageSize", "PageToken")
_TOKEN = re.compile(r"PA(\d+)")


@dataclass
class Template:
    """The synthesised success answer of one operation."""

    status: int
    body_json: str | None  # None: no body (204)
    list_kind: str | None = None  # "rest", "compat" or "array"
    collection: str | None = None  # the compat list key ("calls", "media_list"...)
    item_json: str = "{}"


_templates: dict[str, Template] = {}
_lock = threading.Lock()


def template_for(op: Operation) -> Template:
    """The (cached) template of ``op``."""
    found = _templates.get(op.uid)
    if found is None:
        found = _build(op)
        with _lock:
            _templates[op.uid] = found
    return found


def _build(op: Operation) -> Template:
    tools = context_for(op.spec).tools
    responses = op.raw.get("responses", {})
    codes = sorted(c for c in responses if str(c).startswith("2"))
    status = int(codes[0]) if codes else 200
    content = (responses.get(codes[0], {}) if codes else {}).get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    if status == 204 or media is None:
        return Template(status=status, body_json=None)
    schema = media.get("schema", {})
    example = tools.example(schema, "value")
    tpl = Template(status=status, body_json=json.dumps(example))
    if op.method != "GET":
        return tpl
    props = tools.properties(schema) if isinstance(example, dict) else {}
    items: dict[str, Any] | None = None
    if "data" in props and "links" in props:
        tpl.list_kind = "rest"
        items = tools.deref(props["data"]).get("items", {})
    elif "next_page_uri" in props:
        arrays = [name for name, sub in props.items() if "array" in tools.value_type(sub)]
        if arrays:
            tpl.list_kind = "compat"
            tpl.collection = arrays[0]
            items = tools.deref(props[arrays[0]]).get("items", {})
    elif isinstance(example, list):
        tpl.list_kind = "array"
        items = tools.deref(schema).get("items", {})
    if items is not None:
        tpl.item_json = json.dumps(tools.example(items, "item"))
    return tpl


def make_item(op: Operation, tpl: Template, index: int) -> Any:
    """List item ``index`` (its ``id``/``sid`` is stable and distinct)."""
    item = json.loads(tpl.item_json)
    if isinstance(item, dict):
        for key in ("id", "sid"):
            if key in item:
                item[key] = stable_uuid(op.uid, "item", index)
    return item


def _page(
    cfg: ListConfig, size: str | None, token: str | None, number: str | None, token_name: str
) -> tuple[int, int] | Problem:
    page_size = max(1, min(cfg.page_size or (int(size) if size else 50), 1000))
    if token is not None:
        m = _TOKEN.fullmatch(token)
        if m is None:
            return Problem(token_name, "invalid_parameter", f"unknown page token {token!r}")
        return int(m.group(1)), page_size
    if number is not None and int(number) > 0:
        return int(number), page_size
    return 0, page_size


def rest_page(
    op: Operation,
    tpl: Template,
    body: dict[str, Any],
    *,
    base_url: str,
    query: dict[str, list[str]],
    cfg: ListConfig,
    items: list[Any] | None = None,
) -> dict[str, Any] | Problem:
    """Fill ``data`` and ``links`` (absolute URLs on ``base_url``) for one page.

    ``items`` (the stored resources of a collection) replaces the generated ones.
    """
    if items is not None:
        cfg = ListConfig(len(items), cfg.page_size, cfg.path_prefix)
    number = _last(query, "page_number")
    token = _last(query, "page_token")
    if number is not None and int(number) > 0 and token is None:
        return Problem(
            "page_token",
            "missing_required_parameter",
            "page_token is required when page_number > 0",
        )
    bounds = _page(cfg, _last(query, "page_size"), token, number, "page_token")
    if isinstance(bounds, Problem):
        return bounds
    page, size = bounds
    start = page * size
    end = min(start + size, cfg.total)
    body["data"] = (
        items[start:end]
        if items is not None
        else [make_item(op, tpl, i) for i in range(start, end)]
    )
    others = [(k, v) for k, vs in query.items() if k not in REST_PAGING for v in vs]

    def link(n: int) -> str:
        q = [*others, ("page_number", str(n)), ("page_size", str(size))]
        if n > 0:
            q.append(("page_token", f"PA{n}"))
        return f"{base_url}?{urlencode(q)}"

    links: dict[str, Any] = {"self": link(page), "first": link(0)}
    if start + size < cfg.total:
        links["next"] = link(page + 1)
    if page > 0:
        links["prev"] = link(page - 1)
    body["links"] = links
    return body


def compat_page(
    op: Operation,
    tpl: Template,
    body: dict[str, Any],
    *,
    path: str,
    query: dict[str, list[str]],
    cfg: ListConfig,
    items: list[Any] | None = None,
) -> dict[str, Any] | Problem:
    """Fill the collection key and the relative ``*_page_uri`` fields for one page."""
    if items is not None:
        cfg = ListConfig(len(items), cfg.page_size, cfg.path_prefix)
    bounds = _page(
        cfg, _last(query, "PageSize"), _last(query, "PageToken"), _last(query, "Page"), "PageToken"
    )
    if isinstance(bounds, Problem):
        return bounds
    page, size = bounds
    start = page * size
    end = min(start + size, cfg.total)
    assert tpl.collection is not None
    body[tpl.collection] = (
        items[start:end]
        if items is not None
        else [make_item(op, tpl, i) for i in range(start, end)]
    )
    others = [(k, v) for k, vs in query.items() if k not in COMPAT_PAGING for v in vs]

    def uri(n: int) -> str:
        q = [*others, ("Page", str(n)), ("PageSize", str(size))]
        if n > 0:
            q.append(("PageToken", f"PA{n}"))
        return f"{path}?{urlencode(q)}"

    body.update(
        uri=uri(page),
        first_page_uri=uri(0),
        next_page_uri=uri(page + 1) if end < cfg.total else None,
        previous_page_uri=uri(page - 1) if page > 0 else None,
        page=page,
        page_size=size,
    )
    if "start" in body:
        body["start"] = start
    if "end" in body:
        body["end"] = max(start, end - 1)
    return body


def echo(op: Operation, body: dict[str, Any], params: dict[str, str], sent: Any) -> None:
    """Reflect the request in a generated resource, where the shape allows.

    The last path param becomes ``id`` (compat ``sid``; ``AccountSid`` becomes
    ``account_sid``); body fields overwrite fields of the same name at the top
    level or one level down (compat names PascalCase -> snake_case); calling
    commands echo the top-level ``id`` and their ``params``.
    """
    if op.spec == "compat":
        if "account_sid" in body and "AccountSid" in params:
            body["account_sid"] = params["AccountSid"]
        others = [v for k, v in params.items() if k != "AccountSid"]
        if others and "sid" in body and op.spec_path.endswith("}"):
            body["sid"] = others[-1]
    elif params and "id" in body and op.spec_path.endswith("}"):
        value = list(params.values())[-1]
        if _is_uuid(value) or not _is_uuid(body["id"]):  # keep a uuid-typed id a uuid
            body["id"] = value
    if not isinstance(sent, dict):
        return
    if op.path == "/api/calling/calls":
        if isinstance(sent.get("id"), str):
            body["id"] = sent["id"]
        inner = sent.get("params")
        sent = inner if isinstance(inner, dict) else {}
    for key, value in sent.items():
        name = _snake(key) if op.spec == "compat" else key
        if name in body:
            body[name] = value
            continue
        for nested in body.values():
            if isinstance(nested, dict) and name in nested:
                nested[name] = value


def _last(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _snake(name: str) -> str:
    """``FriendlyName`` -> ``friendly_name``; ``To`` -> ``to``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
