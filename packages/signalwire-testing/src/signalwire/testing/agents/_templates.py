"""``${path.to.value}`` (or ``%{...}``) expansion, as the platform does in DataMap templates.

Supported: dotted paths, ``[n]`` and ``[-n]`` indexes, case-insensitive names, the
``fmt_ph:``, ``lc:`` and ``enc:`` prefixes (always applied in that order, however they are
written). Not simulated: the ``@{...}`` functions (left in the text as written), nested
templates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

__all__ = ["expand", "lookup"]

_VAR = re.compile(r"[$%]\{([^}]+)\}")
_PART = re.compile(r"([^.\[\]]+)|\[(-?\d+)\]")
_MISSING = object()


def lookup(path: str, variables: Mapping[str, Any]) -> Any:
    """Return the value at ``path`` (``a.b[0].c``, ``[-1]`` from the end; names match
    case-insensitively, as on the platform) in ``variables``, or None when absent."""
    value: Any = variables
    for name, index in _PART.findall(path.strip()):
        if index:
            i = int(index)
            if not isinstance(value, list) or not -len(value) <= i < len(value):
                return None
            value = value[i]
        elif isinstance(value, Mapping):
            found = value.get(name, _MISSING)
            if found is _MISSING:
                lowered = name.lower()
                found = next((v for k, v in value.items() if str(k).lower() == lowered), _MISSING)
            if found is _MISSING:
                return None
            value = found
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


_PREFIXES = ("fmt_ph", "lc", "enc")


def _fmt_ph(text: str) -> str:
    # A phone number read out digit by digit: "+1 (555) 123" -> "1 5 5 5 1 2 3".
    return " ".join(ch for ch in text if ch.isdigit())


def _one(path: str, variables: Mapping[str, Any]) -> str:
    prefixes: set[str] = set()
    while True:
        head, sep, rest = path.partition(":")
        if not sep or head.strip() not in _PREFIXES:
            break
        prefixes.add(head.strip())
        path = rest
    text = _text(lookup(path, variables))
    # The platform's order whatever the spelling: fmt_ph, then lc, then enc.
    if "fmt_ph" in prefixes:
        text = _fmt_ph(text)
    if "lc" in prefixes:
        text = text.lower()
    if "enc" in prefixes:
        text = quote(text, safe="")
    return text


def expand(template: Any, variables: Mapping[str, Any]) -> Any:
    """Expand every ``${...}`` in strings of ``template`` (dicts and lists walked); unknown -> ``""``."""
    if isinstance(template, str):
        return _VAR.sub(lambda m: _one(m.group(1), variables), template)
    if isinstance(template, list):
        return [expand(item, variables) for item in template]
    if isinstance(template, dict):
        return {key: expand(value, variables) for key, value in template.items()}
    return template
