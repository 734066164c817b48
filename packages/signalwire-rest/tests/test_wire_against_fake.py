"""Every generated method, called with the spec's required parameters, sends a request
the spec-validating fake platform accepts (in process, through httpx's ASGI transport)."""

from __future__ import annotations

import inspect
import re
from typing import Any

import httpx
import pytest
from _rest_spec_helpers import (
    COMPAT_PREFIX,
    POSITIONAL_BODY,
    SAMPLE_UUID,
    _props,
    _resolve_attr,
    _wire,
    example,
    resolve,
    spec_operations,
)

from signalwire.rest import AsyncRestClient, SignalWireRestError
from signalwire.rest._generated._index import OPERATIONS


def call_args(
    verb: str, path: str, func: Any, positional_body: bool = False
) -> tuple[list[Any], dict[str, Any]]:
    spec = spec_operations()[(verb, path)]
    doc, op = spec["doc"], spec["op"]
    params = [
        resolve(doc, p) for p in spec["item"].get("parameters", []) + op.get("parameters", [])
    ]
    by_name = {(p["in"], p["name"]): p for p in params}
    args = []
    for name in re.findall(r"{([^}]+)}", path):
        if name == "AccountSid" and path.startswith(COMPAT_PREFIX):
            continue
        param = by_name.get(("path", name), {})
        value = example(doc, param.get("schema", {}))
        if param.get("example") is not None:
            value = param["example"]
        args.append(SAMPLE_UUID if value == "x" else value)
    body_props: dict[str, Any] = {}
    body = op.get("requestBody")
    if body is not None:
        media = next(iter(resolve(doc, body)["content"].values()))
        body_props = _props(doc, media.get("schema", {}))
        if positional_body:
            # The vendor-style positional body: one whole variant of the oneOf/anyOf.
            args.append(example(doc, media.get("schema", {})))
    sig = inspect.signature(func)
    kwargs: dict[str, Any] = {}
    for name, p in sig.parameters.items():
        if p.kind != p.KEYWORD_ONLY or p.default is not inspect.Parameter.empty:
            continue
        wire = _wire(name)
        if ("query", wire) in by_name:
            kwargs[name] = example(doc, by_name[("query", wire)].get("schema", {}))
        else:
            kwargs[name] = example(doc, body_props.get(wire, {}))
    return args, kwargs


#: Two spec paths share one URL template; the fake routes both to the first.
SAME_TEMPLATE = {"/api/video/rooms/{name}": "/api/video/rooms/{id}"}


@pytest.mark.parametrize(("verb", "path", "accessor", "method"), OPERATIONS)
async def test_fake_accepts_the_request(
    fake_rest: Any, verb: str, path: str, accessor: str, method: str
) -> None:
    transport = httpx.ASGITransport(app=fake_rest)
    async with AsyncRestClient(
        fake_rest.project, fake_rest.token, "example.signalwire.com", transport=transport
    ) as client:
        func = getattr(_resolve_attr(client, accessor), method)
        positional = f"{accessor}.{method}" in POSITIONAL_BODY
        args, kwargs = call_args(verb, path, func, positional)
        try:
            result = await func(*args, **kwargs)
        except SignalWireRestError as exc:
            pytest.fail(f"{verb} {path}: {exc} ({fake_rest.journal.last.note})")
    entry = fake_rest.journal.last
    assert entry.method == verb
    template = SAME_TEMPLATE.get(path, path)
    assert entry.path_template in (template, template.removeprefix(COMPAT_PREFIX))
    assert 200 <= entry.status < 300
    assert isinstance(result, (dict, list))
