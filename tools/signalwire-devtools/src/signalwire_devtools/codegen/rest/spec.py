"""Read the platform's OpenAPI specs into plain operation records.

An operation is one (HTTP verb, path) pair. Compat paths get the server
prefix ``/api/laml/2010-04-01`` so every record carries its wire path.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signalwire_devtools.codegen.docs import facts

VERBS = ("get", "post", "put", "patch", "delete")
COMPAT_PREFIX = "/api/laml/2010-04-01"
#: Names the generated methods use for their own keywords.
RESERVED_PY_NAMES = {"self", "extras", "request_options", "kwargs"}


@dataclass
class Param:
    """One path, query or body parameter of an operation."""

    wire: str
    py: str
    annotation: str
    required: bool
    #: Type, enum values and default in a short phrase (see ``signalwire_devtools.codegen.docs.facts``).
    facts: str = ""


@dataclass
class Body:
    """The request body: its content type and its top-level fields."""

    content_type: str
    fields: list[Param]
    #: True when the schema is a oneOf/anyOf: fields are the union of the variants.
    variants: bool = False


@dataclass
class Operation:
    """One (verb, path) pair of a spec."""

    api: str  # "rest" or "compat"
    verb: str  # upper case
    path: str  # the wire path template, e.g. /api/fabric/resources/ai_agents/{id}
    spec_path: str  # the path as the spec writes it
    operation_id: str
    tag: str
    path_params: list[Param] = field(default_factory=list)
    query: list[Param] = field(default_factory=list)
    body: Body | None = None
    #: "rest" (data + links.next), "compat" (next_page_uri) or None.
    pagination: str | None = None
    #: The list key of a compat collection response.
    items_key: str | None = None
    #: The raw request-body schema (resolved), for special cases such as calling.
    body_schema: dict[str, Any] | None = None
    #: The spec authenticates this operation with a subscriber's Bearer token.
    bearer: bool = False

    @property
    def key(self) -> str:
        return f"{self.verb} {self.path}"


class Spec:
    """A loaded OpenAPI document (the committed facts-only JSON) with ``$ref`` resolution."""

    def __init__(self, path: Path) -> None:
        with path.open(encoding="utf-8") as fh:
            self.doc: dict[str, Any] = json.load(fh)

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
            seen += 1
            if seen > 50:
                raise ValueError("reference cycle")
        return node

    def merged_object(self, schema: Any) -> tuple[dict[str, Any], list[str], bool]:
        """Return (properties, required, is_variant) of an object schema.

        allOf parts are merged; oneOf/anyOf variants are united and only the
        fields every variant requires stay required.
        """
        schema = self.resolve(schema)
        props: dict[str, Any] = {}
        required: list[str] = []
        variant = False
        for part in schema.get("allOf", []):
            p, r, v = self.merged_object(part)
            props.update(p)
            required += r
            variant = variant or v
        alts = schema.get("oneOf") or schema.get("anyOf")
        if alts:
            variant = True
            sets = []
            for alt in alts:
                p, r, _ = self.merged_object(alt)
                for name, value in p.items():
                    props.setdefault(name, value)
                sets.append(set(r))
            common = set.intersection(*sets) if sets else set()
            required += sorted(common)
        props.update(schema.get("properties", {}))
        required += list(schema.get("required", []))
        return props, list(dict.fromkeys(required)), variant

    def annotation(self, schema: Any, depth: int = 0) -> str:
        """A Python annotation for a JSON schema (Any when unclear)."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > 8:
            return "Any"
        if "allOf" in schema and len(schema["allOf"]) == 1 and "type" not in schema:
            return self.annotation(schema["allOf"][0], depth + 1)
        alts = schema.get("oneOf") or schema.get("anyOf")
        if alts:
            kinds = {self.annotation(a, depth + 1) for a in alts}
            kinds.discard("None")
            return kinds.pop() if len(kinds) == 1 else "Any"
        typ = schema.get("type")
        if isinstance(typ, list):
            typs = [t for t in typ if t != "null"]
            typ = typs[0] if len(typs) == 1 else None
        return {
            "string": "str",
            "integer": "int",
            "number": "float",
            "boolean": "bool",
            "array": "Sequence[Any]",
            "object": "Mapping[str, Any]",
        }.get(typ or "", "Any")


def py_name(wire: str) -> str:
    """A Python identifier for a wire name (``from`` -> ``from_``, ``DateCreated<`` ->
    ``DateCreated_before``)."""
    name = wire.replace("<", "_before").replace(">", "_after")
    name = re.sub(r"\W", "_", name)
    if name[:1].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or name in RESERVED_PY_NAMES:
        name += "_"
    return name


def snake(name: str) -> str:
    """``NumberGroupId`` -> ``number_group_id``; ``documentId`` -> ``document_id``."""
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return py_name(name.lower())


def load(spec: Spec, api: str) -> list[Operation]:
    """Every operation of one spec, in spec order."""
    ops: list[Operation] = []
    for spec_path, item in spec.doc["paths"].items():
        for verb in VERBS:
            raw = item.get(verb)
            if raw is None:
                continue
            path = (COMPAT_PREFIX + spec_path) if api == "compat" else spec_path
            op = Operation(
                api=api,
                verb=verb.upper(),
                path=path,
                spec_path=spec_path,
                operation_id=raw.get("operationId", ""),
                tag=(raw.get("tags") or [""])[0],
                bearer=any("SignalWireBearerAuth" in r for r in raw.get("security") or []),
            )
            params = [
                spec.resolve(p) for p in item.get("parameters", []) + raw.get("parameters", [])
            ]
            by_name = {(p["in"], p["name"]): p for p in params}
            for name in re.findall(r"{([^}]+)}", spec_path):
                p = by_name.get(("path", name), {"name": name, "schema": {"type": "string"}})
                op.path_params.append(
                    Param(name, snake(name), "str", True, facts(spec.resolve, p.get("schema", {})))
                )
            for p in params:
                if p["in"] != "query":
                    continue
                op.query.append(
                    Param(
                        p["name"],
                        py_name(p["name"]),
                        spec.annotation(p.get("schema", {})),
                        bool(p.get("required")),
                        facts(spec.resolve, p.get("schema", {})),
                    )
                )
            rb = raw.get("requestBody")
            if rb is not None:
                rb = spec.resolve(rb)
                ctype, media = next(iter(rb["content"].items()))
                schema = spec.resolve(media.get("schema", {}))
                props, required, variants = spec.merged_object(schema)
                fields = [
                    Param(
                        name,
                        py_name(name),
                        spec.annotation(sub),
                        name in required,
                        facts(spec.resolve, sub),
                    )
                    for name, sub in props.items()
                ]
                op.body = Body(ctype, fields, variants)
                op.body_schema = schema
            if verb == "get":
                op.pagination, op.items_key = _pagination(spec, raw)
            ops.append(op)
    return ops


def _pagination(spec: Spec, raw: dict[str, Any]) -> tuple[str | None, str | None]:
    """Classify a GET's 200 response as a REST page, a compat page or neither."""
    responses = raw.get("responses", {})
    ok = responses.get("200") or responses.get("201")
    if not ok:
        return None, None
    ok = spec.resolve(ok)
    media = (ok.get("content") or {}).get("application/json")
    if not media:
        return None, None
    props, _, _ = spec.merged_object(media.get("schema", {}))
    if "links" in props and "data" in props:
        return "rest", "data"
    if "next_page_uri" in props:
        for name, sub in props.items():
            if spec.resolve(sub).get("type") == "array":
                return "compat", name
    return None, None
