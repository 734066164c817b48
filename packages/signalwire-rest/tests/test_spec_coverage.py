"""Every spec operation maps to exactly one client method, with the spec's verb,
path and required parameters. The specs are read here independently of the
generator."""

from __future__ import annotations

import inspect
import re
from typing import Any

import httpx
import pytest
from _rest_spec_helpers import (
    COMPAT_PREFIX,
    POSITIONAL_BODY,
    PROJECT,
    _resolve_attr,
    _wire,
    load,
    required_fields,
    resolve,
    spec_operations,
)

from signalwire.rest import RestClient
from signalwire.rest._generated._index import CALLING_COMMANDS, OPERATIONS
from signalwire.testing.rest import platform_exceptions


def test_spec_has_the_documented_operation_count() -> None:
    ops = spec_operations()
    assert len(ops) == 332
    assert sum(1 for _, p in ops if p.startswith(COMPAT_PREFIX)) == 79


def test_every_operation_maps_to_exactly_one_method() -> None:
    spec_ops = set(spec_operations())
    index = [(verb, path) for verb, path, _, _ in OPERATIONS]
    assert len(index) == len(set(index)), "an operation is mapped twice"
    mapped = set(index) | {("POST", "/api/calling/calls")}
    assert mapped == spec_ops
    names = [f"{acc}.{m}" for _, _, acc, m in OPERATIONS]
    assert len(names) == len(set(names)), "two operations share a method"


def test_every_calling_command_has_one_method() -> None:
    doc = load("signalwire-rest.openapi.yaml")
    mapping = doc["components"]["schemas"]["Calling.CallRequest"]["discriminator"]["mapping"]
    assert len(mapping) == 42
    assert {c for c, _ in CALLING_COMMANDS} == set(mapping)
    methods = [m for _, m in CALLING_COMMANDS]
    assert len(methods) == len(set(methods))
    for _, method in CALLING_COMMANDS:
        assert callable(getattr(RestClient.calling.func(_bare()), method))  # type: ignore[attr-defined]


def _bare() -> Any:
    """A client whose transport records requests instead of sending them."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    c = RestClient(PROJECT, "tok", "example.signalwire.com", transport=httpx.MockTransport(handler))
    c.seen = seen  # type: ignore[attr-defined]
    return c


def _dummy(annotation: str) -> Any:
    if "Sequence" in annotation:
        return ["x"]
    if "Mapping" in annotation:
        return {"k": "v"}
    return {"int": 1, "float": 1.5, "bool": True}.get(annotation, "x")


@pytest.mark.parametrize(("verb", "path", "accessor", "method"), OPERATIONS)
def test_method_sends_the_spec_verb_path_and_requires_the_spec_fields(
    verb: str, path: str, accessor: str, method: str
) -> None:
    spec = spec_operations()[(verb, path)]
    doc, op = spec["doc"], spec["op"]
    client = _bare()
    func = getattr(_resolve_attr(client, accessor), method)
    sig = inspect.signature(func)
    placeholders = re.findall(r"{([^}]+)}", path)
    explicit = [
        p for p in placeholders if not (path.startswith(COMPAT_PREFIX) and p == "AccountSid")
    ]
    positional = [
        p
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "body"
    ]
    assert len(positional) == len(explicit), "one positional argument per path parameter"
    required_kw = {
        p.name
        for p in sig.parameters.values()
        if p.kind == p.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }
    params = [
        resolve(doc, p) for p in spec["item"].get("parameters", []) + op.get("parameters", [])
    ]
    spec_required = {p["name"] for p in params if p["in"] == "query" and p.get("required")}
    body = op.get("requestBody")
    if body is not None:
        media = next(iter(resolve(doc, body)["content"].values()))
        spec_required |= required_fields(doc, media.get("schema", {}))
    wire_required = {_wire(n) for n in required_kw}
    if f"{accessor}.{method}" in POSITIONAL_BODY:
        assert wire_required == set()
    else:
        # Fields the documented API omits are optional (each listed with its reason).
        relaxed = {
            e["field"]
            for e in platform_exceptions()["relaxed"]
            if e["operation"] == f"{verb} {path}"
        }
        assert relaxed <= spec_required, "a relaxed field the spec does not require"
        assert wire_required == spec_required - relaxed
    # Call it: distinct values per path parameter must land in their placeholders.
    values = [f"p{i}-id" for i in range(len(explicit))]
    kwargs = {n: _dummy(str(sig.parameters[n].annotation)) for n in required_kw}
    func(*values, **kwargs)
    sent = client.seen[-1]
    assert sent.method == verb
    expected = path
    for name in placeholders:
        value = (
            PROJECT if name == "AccountSid" and path.startswith(COMPAT_PREFIX) else values.pop(0)
        )
        expected = expected.replace("{" + name + "}", value, 1)
    assert sent.url.path == expected
    content_type = sent.headers.get("content-type")
    if body is not None:
        declared = next(iter(resolve(doc, body)["content"]))
        assert content_type == declared
    else:
        assert not sent.content
