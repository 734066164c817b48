"""A small reader for the YAML front matter of ``SKILL.md`` files (no PyYAML).

It understands what skill front matter uses: ``key: value`` pairs with plain,
single- or double-quoted scalars, booleans, integers, ``null``, inline lists
(``[a, b]``), block lists (``- item``), block scalars (``|`` and ``>``),
nested mappings one level deep, and ``#`` comments. Anything else is kept as
the plain text of the value.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["parse_frontmatter", "split_frontmatter"]

_KEY = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*:(?:\s+(.*))?$")
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def split_frontmatter(text: str) -> tuple[str | None, str]:
    """``(front matter text or None, body)`` of a ``---``-delimited document."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None, text.strip()
    for index in range(1, len(lines)):
        if lines[index].strip() in {"---", "..."}:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]).strip()
    return None, text.strip()


def _strip_comment(value: str) -> str:
    quote = value[:1]
    if quote in {'"', "'"}:
        end = value.rfind(quote)
        rest = value[end + 1 :].strip() if end > 0 else ""
        if end > 0 and (not rest or rest.startswith("#")):
            return value[: end + 1]
        return value
    return re.sub(r"\s+#.*$", "", value)


def _scalar(raw: str) -> Any:
    value = _strip_comment(raw.strip()).strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        return inner.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    lowered = value.lower()
    if lowered in _BOOLS:
        return _BOOLS[lowered]
    if lowered in {"null", "~", ""}:
        return None
    if re.fullmatch(r"[-+]?\d+", value):
        return int(value)
    if value.startswith("[") and value.endswith("]"):
        inner = value[1:-1].strip()
        return [_scalar(part) for part in _split_inline(inner)] if inner else []
    return value


def _split_inline(text: str) -> list[str]:
    parts, current, quote = [], "", ""
    for char in text:
        if quote:
            current += char
            if char == quote:
                quote = ""
        elif char in {'"', "'"}:
            quote = char
            current += char
        elif char == ",":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in (part.strip() for part in parts) if p]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block(
    lines: list[str], start: int, parent_indent: int, dashes: bool = False
) -> tuple[list[str], int]:
    """The lines indented deeper than ``parent_indent`` from ``start`` (blank lines kept).

    With ``dashes``, list items at the parent's own indent belong to it too.
    """
    taken: list[str] = []
    index = start
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        same_level_item = dashes and _indent(line) == parent_indent and stripped.startswith("-")
        if stripped and _indent(line) <= parent_indent and not same_level_item:
            break
        taken.append(line)
        index += 1
    while taken and not taken[-1].strip():
        taken.pop()
    return taken, index


def _block_scalar(style: str, body: list[str]) -> str:
    if not body:
        return ""
    depth = min(_indent(line) for line in body if line.strip())
    texts = [line[depth:] if line.strip() else "" for line in body]
    if style.startswith("|"):
        return "\n".join(texts)
    paragraphs: list[str] = []
    current: list[str] = []
    for text in texts:
        if text:
            current.append(text.strip())
        else:
            paragraphs.append(" ".join(current))
            current = []
    paragraphs.append(" ".join(current))
    return "\n".join(p for p in paragraphs if p)


def _mapping(lines: list[str], depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        index += 1
        if not stripped or stripped.startswith("#"):
            continue
        match = _KEY.match(stripped)
        if match is None:
            continue  # not a key line: ignored rather than guessed at
        key, raw = match.group(1), (match.group(2) or "").strip()
        own = _indent(line)
        if raw[:1] in {"|", ">"}:
            body, index = _block(lines, index, own)
            out[key] = _block_scalar(raw, body)
            continue
        if raw and _strip_comment(raw).strip():
            out[key] = _scalar(raw)
            continue
        body, index = _block(lines, index, own, dashes=True)
        items = [b for b in body if b.strip() and not b.strip().startswith("#")]
        if items and all(b.strip().startswith("-") for b in items):
            out[key] = [_scalar(b.strip()[1:]) for b in items]
        elif items and depth < 3:
            out[key] = _mapping(body, depth + 1)
        else:
            out[key] = None
    return out


def parse_frontmatter(text: str) -> dict[str, Any]:
    """The key/value pairs of a front matter block (see the module docstring)."""
    return _mapping(text.replace("\t", "  ").splitlines())
