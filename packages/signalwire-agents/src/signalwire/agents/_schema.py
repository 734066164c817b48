"""SWML verb validation against the SWML calling schema.

The schema data (``_swml_schema_data.py``) is generated from the platform's SWML schema by
``tools/generate.py`` (``signalwire_devtools.codegen.swml_verbs``). It is read, and each
verb's validator is compiled into plain Python closures, the first time that verb is validated:
importing ``signalwire.agents`` loads nothing.

The validator implements the subset of JSON Schema 2020-12 the spec uses
(``type``, ``properties``, ``required``, ``unevaluatedProperties`` and
``additionalProperties`` on plain object schemas, ``enum``, ``const``,
``anyOf``/``oneOf``/``allOf``/``not``, ``$ref``, ``items``, bounds on numbers,
strings, arrays and objects, ``pattern``). ``format`` is an annotation, as in
the specification's default. Its verdicts are checked against ``jsonschema``
in the tests.

Error messages name the failing path and what was expected, never the value
itself: configs carry passwords and tokens.
"""

from __future__ import annotations

import json
import operator
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from signalwire.agents._errors import SchemaValidationError

__all__ = ["known_verbs", "validate_document", "validate_verb"]

# A compiled check: (instance, path, errors or None) -> valid. With ``errors``
# None it answers as fast as it can; with a list it appends readable messages.
_Check = Callable[[Any, str, "list[str] | None"], bool]

_MAX_ERRORS = 10

_lock = threading.Lock()
_verb_checks: dict[str, _Check] = {}


@cache
def _schema() -> dict[str, Any]:
    from signalwire.agents._swml_schema_data import SCHEMA_JSON

    data: dict[str, Any] = json.loads(SCHEMA_JSON)
    return data


@cache
def _compiler() -> _Compiler:
    return _Compiler(_schema())


def known_verbs() -> tuple[str, ...]:
    """Every verb of the SWML calling schema, in schema order."""
    return tuple(_schema()["verbs"])


def validate_verb(verb_name: str, config: Any) -> None:
    """Raise SchemaValidationError when ``config`` is not valid for ``verb_name``.

    The verb's validator is compiled on first use and cached. An unknown verb
    name is an error too.
    """
    check = _verb_checks.get(verb_name)
    if check is None:
        check = _verb_check(verb_name)
    if check(config, verb_name, None):
        return
    errors: list[str] = []
    check(config, verb_name, errors)
    raise SchemaValidationError(verb_name, errors[:_MAX_ERRORS] or [f"{verb_name}: invalid"])


def validate_document(document: Any) -> None:
    """Validate a whole SWML document (``{"version", "sections"}``).

    Raises SchemaValidationError with ``verb`` set to ``"document"``.
    """
    check = _compiler().root()
    if check(document, "$", None):
        return
    errors: list[str] = []
    check(document, "$", errors)
    raise SchemaValidationError("document", errors[:_MAX_ERRORS] or ["$: invalid"])


def _verb_check(verb_name: str) -> _Check:
    schema = _schema()
    def_name = schema["verbs"].get(verb_name)
    if def_name is None:
        return _unknown_verb(verb_name)
    with _lock:
        check = _verb_checks.get(verb_name)
        if check is None:
            node = schema["defs"][def_name]["properties"][verb_name]
            check = _compiler().compile(node)
            _verb_checks[verb_name] = check
    return check


def _unknown_verb(verb_name: str) -> _Check:
    def check(value: Any, path: str, errors: list[str] | None) -> bool:
        if errors is not None:
            errors.append(f"{verb_name!r} is not a verb of the SWML calling schema")
        return False

    return check


# --------------------------------------------------------------------------- helpers


def _type_name(value: Any) -> str:
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
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, (list, tuple)),
    "null": lambda v: v is None,
}


def _json_equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 == 1.0, containers compare deeply."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return a is None and b is None


def _is_multiple(value: Any, step: Any) -> bool:
    quotient = value / step
    return bool(quotient == int(quotient))


def _show(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _all_of(checks: list[_Check]) -> _Check:
    if len(checks) == 1:
        return checks[0]
    checks_t = tuple(checks)

    def check(value: Any, path: str, errors: list[str] | None) -> bool:
        if errors is None:
            for sub in checks_t:  # noqa: SIM110 - a plain loop beats all() on this hot path
                if not sub(value, path, None):
                    return False
            return True
        ok = True
        for sub in checks_t:
            if not sub(value, path, errors):
                ok = False
        return ok

    return check


def _type_only(name: str, test: Callable[[Any], bool]) -> _Check:
    def check(value: Any, path: str, errors: list[str] | None) -> bool:
        if test(value):
            return True
        if errors is not None:
            errors.append(f"{path}: expected {name}, got {_type_name(value)}")
        return False

    return check


def _always(value: Any, path: str, errors: list[str] | None) -> bool:
    return True


def _never(value: Any, path: str, errors: list[str] | None) -> bool:
    if errors is not None:
        errors.append(f"{path}: not allowed")
    return False


def _required_if_object(node: Any) -> tuple[str, ...]:
    if isinstance(node, dict) and node.get("type") == "object":
        return tuple(node.get("required", ()))
    return ()


def _const_discriminator(node: Any, required: tuple[str, ...]) -> tuple[str, str] | None:
    """A required key whose schema is a string ``const``: only that value can match."""
    properties = node.get("properties", {}) if isinstance(node, dict) else {}
    for key in required:
        const = properties.get(key, {}).get("const") if isinstance(properties, dict) else None
        if isinstance(const, str):
            return key, const
    return None


class _Alternatives:
    """anyOf/oneOf branches plus the index that narrows them per instance."""

    __slots__ = ("by_const", "by_key", "checks", "keyless", "non_object")

    def __init__(
        self,
        checks: tuple[_Check, ...],
        by_key: dict[str, list[int]],
        by_const: dict[str, dict[str, list[int]]],
        keyless: tuple[int, ...],
        non_object: tuple[int, ...],
    ) -> None:
        self.checks = checks
        self.by_key = by_key
        self.by_const = by_const
        self.keyless = keyless
        self.non_object = non_object

    def candidates(self, value: Any) -> Iterable[int]:
        """Branches that may match ``value``; the others would fail anyway."""
        if not isinstance(value, dict):
            return self.non_object
        if not self.by_key and not self.by_const:
            return range(len(self.checks))
        found = [i for key in value if key in self.by_key for i in self.by_key[key]]
        for key, table in self.by_const.items():
            tag = value.get(key)
            if isinstance(tag, str) and tag in table:
                found.extend(table[tag])
        if not found:
            return self.keyless
        return sorted((*self.keyless, *found))


class _Compiler:
    """Compile schema nodes into closures; ``$ref`` targets are compiled once."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._defs: dict[str, Any] = schema["defs"]
        self._root_node: dict[str, Any] = schema["root"]
        self._refs: dict[str, _Check] = {}
        self._root: _Check | None = None

    def root(self) -> _Check:
        if self._root is None:
            with _lock:
                if self._root is None:
                    self._root = self.compile(self._root_node)
        return self._root

    def compile(self, node: Any) -> _Check:
        if node is True or node == {}:
            return _always
        if node is False:
            return _never
        checks: list[_Check] = []
        if "$ref" in node:
            checks.append(self._ref(node["$ref"]))
        kind = node.get("type")
        # The object/string/array checks test the type themselves when the
        # node's single type is theirs: one closure call instead of two.
        obj = self._object(node, typed=kind == "object")
        string = self._string(node, typed=kind == "string")
        array = self._array(node, typed=kind == "array")
        folded = (
            {"object": obj, "string": string, "array": array}.get(kind)
            if isinstance(kind, str)
            else None
        )
        if kind is not None and folded is None:
            checks.append(self._type(kind))
        if "const" in node:
            checks.append(self._const(node["const"]))
        if "enum" in node:
            checks.append(self._enum(node["enum"]))
        number = self._number(node)
        if number is not None:
            checks.append(number)
        checks.extend(c for c in (string, array, obj) if c is not None)
        if "allOf" in node:
            checks.extend(self.compile(sub) for sub in node["allOf"])
        if "anyOf" in node:
            checks.append(self._any_of(self._alternatives(node["anyOf"])))
        if "oneOf" in node:
            checks.append(self._one_of(self._alternatives(node["oneOf"])))
        if "not" in node:
            checks.append(self._not(self.compile(node["not"])))
        return _all_of(checks) if checks else _always

    # -- keywords

    def _ref(self, ref: str) -> _Check:
        cached = self._refs.get(ref)
        if cached is not None:
            return cached
        # Recursive schemas (SWMLMethod inside cond/switch) reach this ref again
        # while it compiles: register a trampoline first.
        target: list[_Check] = []

        def trampoline(value: Any, path: str, errors: list[str] | None) -> bool:
            return target[0](value, path, errors)

        self._refs[ref] = trampoline
        if ref == "#":
            node = self._root_node
        elif ref.startswith("#/$defs/"):
            node = self._defs[ref[len("#/$defs/") :]]
        else:
            raise ValueError(f"unsupported $ref {ref!r}")
        compiled = self.compile(node)
        target.append(compiled)
        self._refs[ref] = compiled
        return compiled

    def _type(self, kind: str | list[str]) -> _Check:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        tests = tuple(_TYPE_TESTS[k] for k in kinds)
        expected = " or ".join(kinds)

        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            for test in tests:
                if test(value):
                    return True
            if errors is not None:
                errors.append(f"{path}: expected {expected}, got {_type_name(value)}")
            return False

        return check

    def _const(self, const: Any) -> _Check:
        simple = isinstance(const, str)

        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            if (value == const and isinstance(value, str)) if simple else _json_equal(value, const):
                return True
            if errors is not None:
                errors.append(f"{path}: must be {_show(const)}")
            return False

        return check

    def _enum(self, options: list[Any]) -> _Check:
        hashable = all(isinstance(o, str) for o in options)
        option_set = frozenset(options) if hashable else frozenset()

        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            if hashable:
                if isinstance(value, str) and value in option_set:
                    return True
            elif any(_json_equal(value, o) for o in options):
                return True
            if errors is not None:
                errors.append(f"{path}: must be one of {_show(options)}")
            return False

        return check

    def _number(self, node: dict[str, Any]) -> _Check | None:
        bounds = [
            (key, node[key])
            for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
            if key in node
        ]
        if not bounds:
            return None
        tests: list[tuple[Callable[[Any, Any], bool], Any, str]] = []
        for key, limit in bounds:
            if key == "minimum":
                tests.append((operator.ge, limit, f"at least {limit}"))
            elif key == "maximum":
                tests.append((operator.le, limit, f"at most {limit}"))
            elif key == "exclusiveMinimum":
                tests.append((operator.gt, limit, f"greater than {limit}"))
            elif key == "exclusiveMaximum":
                tests.append((operator.lt, limit, f"less than {limit}"))
            else:
                tests.append((_is_multiple, limit, f"a multiple of {limit}"))
        tests_t = tuple(tests)

        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            if not _is_number(value):
                return True
            ok = True
            for test, limit, wanted in tests_t:
                if not test(value, limit):
                    if errors is None:
                        return False
                    errors.append(f"{path}: must be {wanted}")
                    ok = False
            return ok

        return check

    def _string(self, node: dict[str, Any], typed: bool = False) -> _Check | None:
        min_len = node.get("minLength")
        max_len = node.get("maxLength")
        pattern = node.get("pattern")
        if min_len is None and max_len is None and pattern is None:
            return _type_only("string", lambda v: isinstance(v, str)) if typed else None
        regex = re.compile(pattern) if pattern is not None else None

        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            if not isinstance(value, str):
                if typed and errors is not None:
                    errors.append(f"{path}: expected string, got {_type_name(value)}")
                return not typed
            ok = True
            if min_len is not None and len(value) < min_len:
                if errors is None:
                    return False
                errors.append(f"{path}: must have at least {min_len} characters")
                ok = False
            if max_len is not None and len(value) > max_len:
                if errors is None:
                    return False
                errors.append(f"{path}: must have at most {max_len} characters")
                ok = False
            if regex is not None and regex.search(value) is None:
                if errors is None:
                    return False
                errors.append(f"{path}: does not match pattern {regex.pattern!r}")
                ok = False
            return ok

        return check

    def _array(self, node: dict[str, Any], typed: bool = False) -> _Check | None:
        items_node = node.get("items")
        min_items = node.get("minItems")
        max_items = node.get("maxItems")
        unique = node.get("uniqueItems", False)
        if items_node is None and min_items is None and max_items is None and not unique:
            return _type_only("array", lambda v: isinstance(v, (list, tuple))) if typed else None
        items = self.compile(items_node) if items_node is not None else None

        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            if not isinstance(value, (list, tuple)):
                if typed and errors is not None:
                    errors.append(f"{path}: expected array, got {_type_name(value)}")
                return not typed
            ok = True
            if min_items is not None and len(value) < min_items:
                if errors is None:
                    return False
                errors.append(f"{path}: must have at least {min_items} items")
                ok = False
            if max_items is not None and len(value) > max_items:
                if errors is None:
                    return False
                errors.append(f"{path}: must have at most {max_items} items")
                ok = False
            if unique:
                for i, a in enumerate(value):
                    if any(_json_equal(a, b) for b in value[i + 1 :]):
                        if errors is None:
                            return False
                        errors.append(f"{path}: items must be unique")
                        ok = False
                        break
            if items is not None:
                for i, item in enumerate(value):
                    if errors is None:
                        if not items(item, path, None):
                            return False
                    elif not items(item, f"{path}[{i}]", errors):
                        ok = False
            return ok

        return check

    def _object(self, node: dict[str, Any], typed: bool = False) -> _Check | None:
        props_node: dict[str, Any] = node.get("properties", {})
        required: tuple[str, ...] = tuple(node.get("required", ()))
        min_props = node.get("minProperties")
        max_props = node.get("maxProperties")
        pattern_node: dict[str, Any] = node.get("patternProperties", {})
        rest_node = node.get("unevaluatedProperties", node.get("additionalProperties"))
        if "unevaluatedProperties" in node and "additionalProperties" in node:
            raise ValueError("additionalProperties with unevaluatedProperties is unsupported")
        if rest_node is not None and any(k in node for k in ("$ref", "allOf", "anyOf", "oneOf")):
            # The spec never combines these; supporting it would need annotation
            # collection across subschemas (the generator refuses such a spec).
            raise ValueError("unevaluatedProperties beside in-place applicators is unsupported")
        if not (props_node or required or min_props or max_props or pattern_node) and (
            rest_node is None
        ):
            return _type_only("object", lambda v: isinstance(v, dict)) if typed else None
        props = {name: self.compile(sub) for name, sub in props_node.items()}
        patterns = tuple((re.compile(p), self.compile(sub)) for p, sub in pattern_node.items())
        rest: _Check | None = None
        rest_forbidden = False
        if rest_node is not None and rest_node is not True and rest_node != {}:
            if rest_node is False or rest_node == {"not": {}}:
                rest_forbidden = True
            else:
                rest = self.compile(rest_node)
        check_rest = rest is not None or rest_forbidden
        props_get = props.get

        def fast(value: dict[str, Any], path: str) -> bool:
            # The verdict only: the common path, kept free of error bookkeeping.
            for key in required:
                if key not in value:
                    return False
            if min_props is not None and len(value) < min_props:
                return False
            if max_props is not None and len(value) > max_props:
                return False
            for key, item in value.items():
                sub = props_get(key)
                if sub is not None:
                    if not sub(item, path, None):
                        return False
                    if not patterns:
                        continue
                matched = sub is not None
                for regex, pattern_check in patterns:
                    if regex.search(key) is not None:
                        matched = True
                        if not pattern_check(item, path, None):
                            return False
                if matched:
                    continue
                if rest_forbidden:
                    return False
                if rest is not None and not rest(item, path, None):
                    return False
            return True

        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            if not isinstance(value, dict):
                if typed and errors is not None:
                    errors.append(f"{path}: expected object, got {_type_name(value)}")
                return not typed
            if errors is None:
                return fast(value, path)
            ok = True
            for key in required:
                if key not in value:
                    errors.append(f"{path}: missing required property {key!r}")
                    ok = False
            if min_props is not None and len(value) < min_props:
                errors.append(f"{path}: must have at least {min_props} properties")
                ok = False
            if max_props is not None and len(value) > max_props:
                errors.append(f"{path}: must have at most {max_props} properties")
                ok = False
            for key, item in value.items():
                sub = props.get(key)
                matched = sub is not None
                if sub is not None and not sub(item, f"{path}.{key}", errors):
                    ok = False
                for regex, pattern_check in patterns:
                    if regex.search(key) is not None:
                        matched = True
                        if not pattern_check(item, f"{path}.{key}", errors):
                            ok = False
                if matched or not check_rest:
                    continue
                if rest_forbidden:
                    errors.append(f"{path}: unexpected property {key!r}")
                    ok = False
                elif rest is not None and not rest(item, f"{path}.{key}", errors):
                    ok = False
            return ok

        return check

    def _resolved(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and len(node) == 1 and seen < 20:
            ref = node["$ref"]
            node = self._root_node if ref == "#" else self._defs[ref[len("#/$defs/") :]]
            seen += 1
        return node

    def _alternatives(self, nodes: list[Any]) -> _Alternatives:
        """Compile anyOf/oneOf branches with a cheap, exact pre-filter.

        A branch that is an object schema with required keys cannot match a
        mapping lacking one of them, nor a non-mapping; indexing branches by
        their most distinctive required key lets SWMLMethod's 43 verbs (and
        text-vs-pom prompts) check one candidate instead of all.
        """
        resolved = [self._resolved(n) for n in nodes]
        counts: dict[str, int] = {}
        for node in resolved:
            for key in _required_if_object(node):
                counts[key] = counts.get(key, 0) + 1
        checks = [self.compile(n) for n in nodes]
        by_key: dict[str, list[int]] = {}
        by_const: dict[str, dict[str, list[int]]] = {}
        keyless: list[int] = []
        non_object: list[int] = []
        for index, node in enumerate(resolved):
            required = _required_if_object(node)
            if not (isinstance(node, dict) and node.get("type") == "object"):
                non_object.append(index)
            discriminator = _const_discriminator(node, required)
            if discriminator is not None:
                key, value = discriminator
                by_const.setdefault(key, {}).setdefault(value, []).append(index)
            elif required:
                key = min(required, key=lambda k: counts[k])
                by_key.setdefault(key, []).append(index)
            else:
                keyless.append(index)
        return _Alternatives(tuple(checks), by_key, by_const, tuple(keyless), tuple(non_object))

    @staticmethod
    def _any_of(alts: _Alternatives) -> _Check:
        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            checks = alts.checks
            for index in alts.candidates(value):
                if checks[index](value, path, None):
                    return True
            if errors is not None:
                _explain(value, path, checks, errors, "any")
            return False

        return check

    @staticmethod
    def _one_of(alts: _Alternatives) -> _Check:
        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            checks = alts.checks
            matches = 0
            for index in alts.candidates(value):
                if checks[index](value, path, None):
                    matches += 1
                    if matches > 1:
                        break
            if matches == 1:
                return True
            if errors is not None:
                if matches > 1:
                    errors.append(f"{path}: matches more than one of the allowed forms")
                else:
                    _explain(value, path, checks, errors, "exactly one")
            return False

        return check

    @staticmethod
    def _not(sub: _Check) -> _Check:
        def check(value: Any, path: str, errors: list[str] | None) -> bool:
            if not sub(value, path, None):
                return True
            if errors is not None:
                errors.append(f"{path}: matches a form that is not allowed")
            return False

        return check


def _explain(
    value: Any, path: str, checks: tuple[_Check, ...], errors: list[str], how: str
) -> None:
    """Report why no alternative matched.

    When one alternative got further into the value than the others (its first
    error is deeper than ``path``), its errors are the useful ones. Otherwise
    the alternatives' own complaints are listed.
    """
    branches: list[list[str]] = []
    for sub in checks:
        branch: list[str] = []
        sub(value, path, branch)
        branches.append(branch)
    here = _depth(path)
    deeper = [b for b in branches if b and min(_depth(e) for e in b) > here]
    if deeper:
        errors.extend(sorted(deeper, key=len)[0])
        return
    reasons: list[str] = []
    for branch in branches:
        for error in branch:
            location, _, message = error.partition(": ")
            if location == path and message not in reasons:
                reasons.append(message)
    detail = ": " + " | ".join(reasons[:4]) if reasons else ""
    errors.append(f"{path}: does not match {how} of the {len(checks)} allowed forms{detail}")


def _depth(location: str) -> int:
    location = location.split(": ", 1)[0]
    return location.count(".") + location.count("[")
