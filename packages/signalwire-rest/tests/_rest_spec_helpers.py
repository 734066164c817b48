"""Spec reading shared by the rest tests (independent of the generator)."""

from __future__ import annotations

import uuid
from typing import Any

from signalwire.testing.specs import load_spec_file

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


def load(name: str) -> dict[str, Any]:
    """One spec's committed facts-only data (``signalwire-rest.openapi.yaml`` etc.)."""
    data: dict[str, Any] = load_spec_file(name)
    return data


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


def _resolve_attr(client: Any, accessor: str) -> Any:
    obj = client
    for part in accessor.split("."):
        obj = getattr(obj, part)
    return obj


def _wire(py_name: str) -> str:
    name = py_name.replace("_before", "<").replace("_after", ">")
    return name[:-1] if name.endswith("_") else name


SAMPLE_UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def example(doc: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A value for a schema: its own example first, else one built from its type."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 6:
        return "x"
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if "default" in schema:
        return schema["default"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("allOf", "anyOf", "oneOf"):
        if schema.get(key):
            return example(doc, schema[key][0], depth + 1)
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), "string")
    if typ == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            k: example(doc, props[k], depth + 1) for k in schema.get("required", []) if k in props
        }
    if typ == "array":
        return [example(doc, schema.get("items", {}), depth + 1)]
    if typ == "integer":
        return max(1, schema.get("minimum", 1))
    if typ == "number":
        return 1.0
    if typ == "boolean":
        return True
    if schema.get("format") == "uuid":
        return str(uuid.UUID(SAMPLE_UUID))
    if schema.get("format") in ("uri", "url"):
        return "https://example.com/hook"
    if schema.get("format") == "email":
        return "user@example.com"
    return "x"


def _props(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    schema = resolve(doc, schema)
    out = dict(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            for name, value in _props(doc, part).items():
                out.setdefault(name, value)
    return out
