"""Request validation against the OpenAPI specs, with JSON Schema 2020-12.

Validators are compiled lazily (per operation and per parameter) and cached.
``$ref``s resolve through a `referencing` registry holding the whole spec
document, so a validator is just ``{"$ref": "urn:signalwire:rest#/..."}``.
Only the ``uuid`` format is asserted: the specs' own examples break ``uri``.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from typing import Any

from signalwire.testing.rest._examples import SchemaTools
from signalwire.testing.rest._exceptions import command_key, relaxed_schema
from signalwire.testing.rest._spec import Operation, Parameter, load_spec

__all__ = ["Problem", "SpecContext", "context_for"]


@dataclass(frozen=True)
class Problem:
    """One validation failure: which field, a machine code and a readable message."""

    attribute: str
    code: str
    message: str


def _pointer_escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _absolutize(schema: Any, base: str) -> Any:
    """Copy ``schema`` with local ``#/...`` refs made absolute against ``base``."""
    if isinstance(schema, list):
        return [_absolutize(s, base) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _absolutize(v, base) for k, v in schema.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        out["$ref"] = base + ref
    return out


def _openapi_validator_class(base: Any) -> Any:
    """2020-12, plus OpenAPI 3.0's ``nullable: true``, with ``oneOf`` read as ``anyOf``."""
    from jsonschema.validators import extend  # type: ignore[import-untyped]

    type_check = base.VALIDATORS["type"]
    enum_check = base.VALIDATORS["enum"]

    def nullable_type(validator: Any, types: Any, instance: Any, schema: Any) -> Any:
        if instance is None and schema.get("nullable") is True:
            return
        yield from type_check(validator, types, instance, schema)

    def nullable_enum(validator: Any, enums: Any, instance: Any, schema: Any) -> Any:
        if instance is None and schema.get("nullable") is True:
            return
        yield from enum_check(validator, enums, instance, schema)

    any_of = base.VALIDATORS["anyOf"]

    def one_of_as_any_of(validator: Any, subschemas: Any, instance: Any, schema: Any) -> Any:
        # The specs' oneOf branches overlap (a document with only ``url`` is
        # both "sliding" and "page"); the platform accepts such bodies.
        yield from any_of(validator, subschemas, instance, schema)

    return extend(base, {"type": nullable_type, "enum": nullable_enum, "oneOf": one_of_as_any_of})


class SpecContext:
    """Compiled-validator cache and schema helpers for one spec."""

    def __init__(self, name: str) -> None:
        from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        self.name = name
        document = load_spec(name)
        self.document = document
        self.tools = SchemaTools(document)
        self.base = f"urn:signalwire:{name}"
        self.registry: Registry[Any] = Registry().with_resource(
            self.base, DRAFT202012.create_resource(document)
        )
        self._validator_cls = _openapi_validator_class(Draft202012Validator)
        self._format_checker = FormatChecker(formats=["uuid"])
        self._cache: dict[str, Any] = {}
        self._fast: dict[str, Any] = {}
        self._lock = threading.Lock()

    def validator(self, key: str, schema: dict[str, Any]) -> Any:
        """A cached validator for ``schema`` (refs resolved against the spec)."""
        found = self._cache.get(key)
        if found is None:
            found = self._validator_cls(
                _absolutize(schema, self.base),
                registry=self.registry,
                format_checker=self._format_checker,
            )
            with self._lock:
                self._cache[key] = found
        return found

    def pointer_validator(self, pointer: str) -> Any:
        """A cached validator for the schema at a JSON pointer of the spec."""
        return self.validator(pointer, {"$ref": "#" + pointer})

    # -- checks -------------------------------------------------------------

    def check(self, validator: Any, instance: Any, prefix: str = "") -> Problem | None:
        """Validate; return the most relevant problem or ``None``."""
        from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

        error = best_match(validator.iter_errors(instance))
        if error is None:
            return None
        return _problem(error, prefix)

    def check_parameter(self, op: Operation, param: Parameter, value: Any) -> Problem | None:
        """Validate one already-coerced path or query parameter."""
        key = f"{op.uid}|{param.location}|{param.name}"
        fast = self._fast.get(key, _UNSET)
        if fast is _UNSET:
            schema = param.schema
            # A $ref with siblings (3.1 allows them) needs the full validator.
            plain = "$ref" not in schema or set(schema) <= {"$ref", "description"}
            fast = _fast_checker(self.tools.deref(schema)) if plain else None
            self._fast[key] = fast
        if fast is not None:
            failure = fast(value)
            if failure is None:
                return None
            code, message = failure
            return Problem(
                param.name, code, f"{param.location} parameter {param.name!r}: {message}"
            )
        problem = self.check(self.validator(key, param.schema), value)
        if problem is None:
            return None
        detail = (
            problem.message.split(": ", 1)[-1] if problem.attribute == "body" else problem.message
        )
        return Problem(
            attribute=param.name,
            code=problem.code,
            message=f"{param.location} parameter {param.name!r}: {detail}",
        )

    def check_body(self, op: Operation, media_type: str, body: Any) -> Problem | None:
        """Validate a parsed request body, dispatching on a ``discriminator`` first."""
        pointer = f"{op.pointer()}/requestBody/content/{_pointer_escape(media_type)}/schema"
        root = self.tools.deref(op.raw["requestBody"]["content"][media_type]["schema"])
        disc = root.get("discriminator")
        if isinstance(disc, dict) and disc.get("mapping") and isinstance(body, dict):
            prop = disc["propertyName"]
            if prop not in body:
                return Problem(prop, "missing_required_parameter", f"{prop!r} is required")
            target = disc["mapping"].get(body[prop]) if isinstance(body[prop], str) else None
            if target is None:
                allowed = ", ".join(sorted(disc["mapping"]))
                return Problem(
                    prop,
                    "invalid_parameter",
                    f"{prop!r} must be one of the {len(disc['mapping'])} known values "
                    f"({allowed}), got {body[prop]!r}",
                )
            key = command_key(body[prop])
            patched = relaxed_schema(key, self.tools.lookup(target), self.tools, under="params")
            if patched is not None:
                return self.check(self.validator(f"exceptions|{key}", patched), body)
            return self.check(self.pointer_validator(target[1:]), body)
        key = f"{op.method} {op.path}"
        patched = relaxed_schema(key, root, self.tools)
        if patched is not None:
            return self.check(self.validator(f"exceptions|{key}|{media_type}", patched), body)
        return self.check(self.pointer_validator(pointer), body)

    # -- coercion of strings (query strings and form bodies) ----------------

    def coerce(self, schema: dict[str, Any], values: list[str], explode: bool = True) -> Any:
        """Turn query/form string values into the JSON value the schema expects.

        Values that do not parse are left as strings so that validation names them.
        """
        types = self.tools.value_type(schema)
        if "array" in types:
            if not explode and len(values) == 1 and "," in values[0]:
                values = values[0].split(",")
            items = self.tools.deref(schema).get("items", {})
            return [self._scalar(items, v) for v in values]
        return self._scalar(schema, values[-1])

    def _scalar(self, schema: dict[str, Any], raw: str) -> Any:
        types = self.tools.value_type(schema)
        if "string" in types or not types:
            return raw
        lowered = raw.lower()
        if "boolean" in types and lowered in ("true", "false"):
            return lowered == "true"
        if "integer" in types and re.fullmatch(r"[+-]?\d+", raw):
            return int(raw)
        if "number" in types:
            try:
                number = float(raw)
            except ValueError:
                pass
            else:
                if math.isfinite(number):  # "nan"/"inf" are not JSON numbers
                    return number
        if "null" in types and lowered in ("null", ""):
            return None
        return raw


_UNSET: Any = object()
_SIMPLE_KEYS = {"type", "format", "description", "examples", "example", "default", "title", "enum"}
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}
_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _fast_checker(schema: dict[str, Any]) -> Any:
    """A plain-Python check for the simple scalar schemas most parameters use.

    Returns ``None`` when the schema needs full JSON Schema validation. The
    check returns ``(code, message)`` or ``None``; it matches jsonschema's
    verdict for these schemas (only ``uuid`` is an asserted format).
    """
    if not isinstance(schema, dict) or set(schema) - _SIMPLE_KEYS:
        return None
    kind = schema.get("type")
    if kind not in _PY_TYPES:
        return None
    types = _PY_TYPES[kind]
    is_uuid = schema.get("format") == "uuid"
    enum = schema.get("enum")

    def check(value: Any) -> tuple[str, str] | None:
        if not isinstance(value, types) or (kind != "boolean" and isinstance(value, bool)):
            return "invalid_parameter_type", f"{value!r} is not of type {kind!r}"
        if is_uuid and _UUID_RE.fullmatch(str(value)) is None:
            return "invalid_parameter", f"{value!r} is not a 'uuid'"
        if enum is not None and value not in enum:
            return "invalid_parameter", f"{value!r} is not one of {enum!r}"
        return None

    return check


def _problem(error: Any, prefix: str) -> Problem:
    path = [str(p) for p in error.absolute_path]
    validator = error.validator
    message = error.message
    if validator == "required" and isinstance(error.instance, dict):
        missing = [r for r in error.validator_value if r not in error.instance]
        name = missing[0] if missing else "?"
        attribute = ".".join([*path, name])
        return Problem(
            _join(prefix, attribute), "missing_required_parameter", f"{attribute!r} is required"
        )
    if validator in ("unevaluatedProperties", "additionalProperties"):
        names = re.findall(r"'([^']+)'", message)
        extra = names[0] if names else "?"
        attribute = ".".join([*path, extra])
        return Problem(
            _join(prefix, attribute), "unknown_parameter", f"{attribute!r} is not allowed"
        )
    attribute = ".".join(path) or "body"
    code = "invalid_parameter_type" if validator == "type" else "invalid_parameter"
    return Problem(_join(prefix, attribute), code, f"{attribute!r}: {message}")


def _join(prefix: str, attribute: str) -> str:
    return f"{prefix}.{attribute}" if prefix else attribute


_contexts: dict[str, SpecContext] = {}
_ctx_lock = threading.Lock()


def context_for(name: str) -> SpecContext:
    """The process-wide `SpecContext` for ``rest`` or ``compat``."""
    ctx = _contexts.get(name)
    if ctx is None:
        with _ctx_lock:
            ctx = _contexts.get(name)
            if ctx is None:
                ctx = SpecContext(name)
                _contexts[name] = ctx
    return ctx
