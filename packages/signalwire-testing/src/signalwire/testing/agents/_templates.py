"""``${path.to.value}`` expansion, as the platform does in DataMap templates."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

__all__ = ["expand", "lookup"]

_VAR = re.compile(r"\$\{([^}]+)\}")
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MISSING = object()


def lookup(path: str, variables: Mapping[str, Any]) -> Any:
    """Return the value at ``path`` (``a.b[0].c``) in ``variables``, or None when absent."""
    value: Any = variables
    for name, index in _PART.findall(path.strip()):
        if index:
            if not isinstance(value, list) or int(index) >= len(value):
                return None
            value = value[int(index)]
        elif isinstance(value, Mapping):
            value = value.get(name, _MISSING)
            if value is _MISSING:
                return None
        else:
            return None
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _one(path: str, variables: Mapping[str, Any]) -> str:
    # ``enc:`` URL-encodes the value (used in webhook URLs), as the platform does.
    if path.startswith("enc:"):
        return quote(_text(lookup(path[4:], variables)), safe="")
    return _text(lookup(path, variables))


def expand(template: Any, variables: Mapping[str, Any]) -> Any:
    """Expand every ``${...}`` in strings of ``template`` (dicts and lists walked); unknown -> ``""``."""
    if isinstance(template, str):
        return _VAR.sub(lambda m: _one(m.group(1), variables), template)
    if isinstance(template, list):
        return [expand(item, variables) for item in template]
    if isinstance(template, dict):
        return {key: expand(value, variables) for key, value in template.items()}
    return template
