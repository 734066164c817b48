"""Where the fake follows the documented API instead of the spec's stricter schemas.

``platform_exceptions.json`` (written by ``tools/generate.py`` from the SDK generator's input
``tools/signalwire-devtools/src/signalwire_devtools/codegen/rest/relaxed.py``) lists two kinds of
exception, each with its operation, field and reason:

``relaxed``
    fields the spec requires but documented calls omit (ids the platform
    assigns, fields of a partial update sent as PUT, a ``control_id`` the
    platform makes up): the fake does not require them;
``undeclared``
    fields documented example calls send that the spec does not declare: the
    fake accepts them.

Everything else the spec forbids is still a 422 naming the field. Operations are
``"METHOD /path"`` (compat paths with their prefix) or ``"calling.<command>"``
for the commands of ``POST /api/calling/calls`` (fields under ``params``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from signalwire.testing.rest._examples import SchemaTools

__all__ = ["command_key", "platform_exceptions", "relaxed_schema"]

_FILE = Path(__file__).with_name("platform_exceptions.json")
_COMBINATORS = ("allOf", "anyOf", "oneOf")


@cache
def _load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_FILE.read_text(encoding="utf-8"))
    return data


def platform_exceptions() -> dict[str, list[dict[str, str]]]:
    """``{"relaxed": [...], "undeclared": [...]}``: entries of ``operation``,
    ``field`` and ``reason`` (a fresh copy)."""
    data = _load()
    return {kind: [dict(e) for e in data[kind]] for kind in ("relaxed", "undeclared")}


@cache
def _by_operation() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    out: dict[str, tuple[set[str], set[str]]] = {}
    data = _load()
    for index, kind in enumerate(("relaxed", "undeclared")):
        for entry in data[kind]:
            out.setdefault(entry["operation"], (set(), set()))[index].add(entry["field"])
    return {op: (frozenset(r), frozenset(u)) for op, (r, u) in out.items()}


def command_key(command: str) -> str:
    """``"calling.play"`` for ``calling.play``; ``"calling.update"`` for ``update``."""
    return command if command.startswith("calling.") else f"calling.{command}"


def relaxed_schema(
    operation: str, schema: dict[str, Any], tools: SchemaTools, *, under: str | None = None
) -> dict[str, Any] | None:
    """``schema`` with the operation's exceptions applied, or None when it has none.

    ``under`` names the property holding the fields (``params`` for calling commands).
    """
    found = _by_operation().get(operation)
    if found is None:
        return None
    relaxed, undeclared = found
    if under is None:
        return _patch(schema, relaxed, undeclared, tools, 0)
    top = dict(tools.deref(schema))
    props = dict(top.get("properties", {}))
    props[under] = _patch(props[under], relaxed, undeclared, tools, 0)
    top["properties"] = props
    return top


def _patch(
    schema: dict[str, Any],
    relaxed: frozenset[str],
    undeclared: frozenset[str],
    tools: SchemaTools,
    depth: int,
) -> dict[str, Any]:
    # Copy the object schema and its variants (refs inlined one level at a time), dropping
    # relaxed names from every ``required`` and declaring the undeclared names, so
    # ``unevaluatedProperties: false`` lets them through.
    node = dict(tools.deref(schema))
    if depth > 6:
        return node
    if "required" in node:
        node["required"] = [name for name in node["required"] if name not in relaxed]
    if undeclared and ("properties" in node or "unevaluatedProperties" in node):
        props = dict(node.get("properties", {}))
        for name in undeclared:
            props.setdefault(name, {})
        node["properties"] = props
    for key in _COMBINATORS:
        if key in node:
            node[key] = [_patch(sub, relaxed, undeclared, tools, depth + 1) for sub in node[key]]
    return node
