"""Deterministic example values synthesised from JSON schemas.

``examples``/``example`` win at every level (the specs carry them on most
properties); otherwise a value is built from ``type``/``format``/``enum``.
``$ref`` cycles and very deep nesting are cut off so that the recursive SWML
schemas stay small.
"""

from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

__all__ = ["SchemaTools", "stable_uuid"]

_MAX_DEPTH = 8
_OMIT: Any = object()
_NAMESPACE = uuid.UUID("6f1b7c1e-2a61-4c3b-9a57-8d5e6f7a8b90")


def stable_uuid(*parts: object) -> str:
    """A UUID that depends only on ``parts`` (so responses are reproducible)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def _first_type(schema: dict[str, Any]) -> str | None:
    t = schema.get("type")
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        return non_null[0] if non_null else "null"
    if isinstance(t, str):
        return t
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


class SchemaTools:
    """Schema helpers bound to one spec document (for ``#/...`` refs)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._mode = threading.local()  # flags of the example() call in progress

    # -- references ---------------------------------------------------------

    def lookup(self, ref: str) -> dict[str, Any]:
        """Resolve a local ``#/a/b`` reference."""
        if not ref.startswith("#/"):
            raise ValueError(f"only local refs are supported, got {ref!r}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        result: dict[str, Any] = node
        return result

    def deref(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Follow ``$ref`` chains (siblings of a ``$ref`` are dropped)."""
        seen = 0
        while "$ref" in schema and seen < 32:
            schema = self.lookup(schema["$ref"])
            seen += 1
        return schema

    def properties(self, schema: dict[str, Any], _depth: int = 0) -> dict[str, dict[str, Any]]:
        """The object properties of a schema, merging ``allOf`` branches."""
        schema = self.deref(schema)
        props: dict[str, dict[str, Any]] = {}
        if _depth > 6:
            return props
        for sub in schema.get("allOf", ()):
            props.update(self.properties(sub, _depth + 1))
        props.update(schema.get("properties", {}))
        return props

    def value_type(self, schema: dict[str, Any], _depth: int = 0) -> set[str]:
        """The JSON types a schema admits (following refs, allOf, anyOf, oneOf)."""
        schema = self.deref(schema)
        types: set[str] = set()
        if _depth > 6:
            return types
        t = schema.get("type")
        if isinstance(t, str):
            types.add(t)
        elif isinstance(t, list):
            types.update(x for x in t if isinstance(x, str))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, ()):
                types |= self.value_type(sub, _depth + 1)
        if not types:
            if "properties" in schema:
                types.add("object")
            elif "items" in schema:
                types.add("array")
            elif "enum" in schema:
                types.update(_json_type(v) for v in schema["enum"])
        return types

    # -- examples -----------------------------------------------------------

    def example(self, schema: dict[str, Any], hint: str = "value", *, minimal: bool = False) -> Any:
        """A deterministic instance of ``schema`` (``{}`` if nothing can be built).

        ``minimal=True`` builds objects from their required properties only and
        ignores ``examples`` on objects (handy for request bodies).
        """
        self._mode.minimal = minimal
        try:
            value = self._example(schema, hint, 0, ())
        finally:
            self._mode.minimal = False
        return {} if value is _OMIT else value

    def _format(self, schema: dict[str, Any]) -> str | None:
        schema = self.deref(schema)
        if "format" in schema:
            fmt: str = schema["format"]
            return fmt
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, ()):
                found = self._format(sub)
                if found:
                    return found
        return None

    def _from_examples(self, schema: dict[str, Any], value: Any, hint: str) -> Any:
        # Some spec examples are not valid UUIDs ("...e98472ap"): replace them.
        if isinstance(value, str) and self._format(schema) == "uuid":
            try:
                uuid.UUID(value)
            except ValueError:
                return stable_uuid("format", hint)
        if getattr(self._mode, "minimal", False) and isinstance(value, dict):
            return _OMIT
        return copy.deepcopy(value)

    def _example(self, schema: Any, hint: str, depth: int, stack: tuple[str, ...]) -> Any:
        if not isinstance(schema, dict):
            return _OMIT
        if "examples" in schema and isinstance(schema["examples"], list) and schema["examples"]:
            found = self._from_examples(schema, schema["examples"][0], hint)
            if found is not _OMIT:
                return found
        elif "example" in schema:
            found = self._from_examples(schema, schema["example"], hint)
            if found is not _OMIT:
                return found
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in stack or depth > _MAX_DEPTH:
                return _OMIT
            return self._example(self.lookup(ref), hint, depth, (*stack, ref))
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        enum = schema.get("enum")
        if "default" in schema and (not enum or schema["default"] in enum):
            return copy.deepcopy(schema["default"])
        if enum:
            non_null = [v for v in schema["enum"] if v is not None]
            return copy.deepcopy(non_null[0] if non_null else schema["enum"][0])
        if depth > _MAX_DEPTH:
            return _OMIT
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if options:
                chosen = _OMIT
                for opt in options:
                    if _first_type(self.deref(opt)) == "null":
                        continue
                    chosen = self._example(opt, hint, depth + 1, stack)
                    if chosen is not _OMIT:
                        break
                if chosen is _OMIT:
                    chosen = self._example(options[0], hint, depth + 1, stack)
                if isinstance(chosen, dict) and "properties" in schema:
                    chosen = {**chosen, **self._object(schema, depth, stack)}
                return chosen
        if "allOf" in schema:
            merged: Any = _OMIT
            for sub in schema["allOf"]:
                part = self._example(sub, hint, depth + 1, stack)
                if part is _OMIT or part is None:
                    continue
                if isinstance(part, dict) and isinstance(merged, dict):
                    merged = {**merged, **part}
                elif merged is _OMIT:
                    merged = part
            if "properties" in schema:
                own = self._object(schema, depth, stack)
                merged = {**merged, **own} if isinstance(merged, dict) else own
            return merged
        return self._by_type(schema, hint, depth, stack)

    def _object(self, schema: dict[str, Any], depth: int, stack: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        required = set(schema.get("required", ()))
        minimal = getattr(self._mode, "minimal", False)
        for name, sub in schema.get("properties", {}).items():
            if minimal and name not in required:
                continue
            value = self._example(sub, name, depth + 1, stack)
            if value is not _OMIT:
                out[name] = value
        return out

    def _by_type(
        self, schema: dict[str, Any], hint: str, depth: int, stack: tuple[str, ...]
    ) -> Any:
        kind = _first_type(schema)
        if kind == "object":
            return self._object(schema, depth, stack)
        if kind == "array":
            item = self._example(schema.get("items", {}), hint, depth + 1, stack)
            count = max(int(schema.get("minItems", 1)), 1)
            return [] if item is _OMIT else [copy.deepcopy(item) for _ in range(count)]
        if kind == "string":
            return _string(schema, hint)
        if kind == "integer":
            return int(schema.get("minimum", 1))
        if kind == "number":
            return float(schema.get("minimum", 1.5))
        if kind == "boolean":
            return True
        # "null", or a schema without a type (anything goes): null is valid.
        return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _string(schema: dict[str, Any], hint: str) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return stable_uuid("format", hint)
    if fmt == "date-time":
        return "2026-01-01T12:00:00Z"
    if fmt == "date":
        return "2026-01-01"
    if fmt in ("uri", "url"):
        return f"https://example.com/{hint}"
    if fmt == "email":
        return "user@example.com"
    min_len = int(schema.get("minLength", 0))
    text = hint if hint else "string"
    return text.ljust(min_len, "x")
