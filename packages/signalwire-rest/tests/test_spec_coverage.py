"""Every spec operation maps to exactly one client method, with the spec's verb,
path and required parameters. The specs are read here independently of the
generator."""

from __future__ import annotations

import inspect
import re
from functools import cache
from typing import Any

import httpx
import pytest
import yaml

from signalwire.rest import RestClient
from signalwire.rest._generated._index import CALLING_COMMANDS, OPERATIONS
from signalwire_fakes.specs import spec_path

COMPAT_PREFIX = "/api/laml/2010-04-01"
VERBS = ("get", "post", "put", "patch", "delete")
PROJECT = "5d2a3b4c-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
#: Methods that also take the whole body as one positional dict (as in signalwire-sdk),
#: so the spec's required body fields are optional keywords there.
POSITIONAL_BODY = {
    "datasphere.documents.create",
    "registry.brands.create",
    "registry.brands.create_campaign",
    "fabric.call_flows.deploy_version",
}


@cache
def load(name: str) -> dict[str, Any]:
    with spec_path(name).open(encoding="utf-8") as fh:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(fh, Loader=loader)  # type: ignore[no-any-return]


def resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def required_fields(doc: dict[str, Any], schema: Any) -> set[str]:
    """Fields every variant of a (possibly allOf/oneOf/anyOf) object requires."""
    schema = resolve(doc, schema)
    out = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        out |= required_fields(doc, part)
    alts = schema.get("oneOf") or schema.get("anyOf")
    if alts:
        out |= set.intersection(*(required_fields(doc, a) for a in alts))
    return out


def spec_operations() -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for name, prefix in (("signalwire-rest.openapi.yaml", ""), ("compatibility.openapi.yaml", "")):
        doc = load(name)
        for path, item in doc["paths"].items():
            for verb in VERBS:
                if verb in item:
                    wire = (COMPAT_PREFIX + path) if "compat" in name else prefix + path
                    out[(verb.upper(), wire)] = {"doc": doc, "item": item, "op": item[verb]}
    return out


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


def _resolve_attr(client: Any, accessor: str) -> Any:
    obj = client
    for part in accessor.split("."):
        obj = getattr(obj, part)
    return obj


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
        assert wire_required == spec_required
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


def _wire(py_name: str) -> str:
    name = py_name.replace("_before", "<").replace("_after", ">")
    return name[:-1] if name.endswith("_") else name
