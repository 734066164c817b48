"""A segment trie that maps a request path to the spec operations it may be.

Literal segments win over ``{param}`` segments (``/phone_numbers/search`` is
not ``/phone_numbers/{id}``), with backtracking when a literal branch has no
operation for the method. Two templates that differ only by parameter name
(``/api/video/rooms/{id}`` and ``/api/video/rooms/{name}``) share a leaf; the
caller picks the first whose path parameters validate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from signalwire.testing.rest._spec import Operation

__all__ = ["Match", "Router"]


@dataclass
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    # method -> [(operation, parameter names in path order)]
    ops: dict[str, list[tuple[Operation, tuple[str, ...]]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """The outcome of routing one request.

    ``candidates`` holds (operation, path params) pairs for the method, best
    first; it is empty when no template matches (404) or the path matches only
    under other methods (405, with ``allowed`` listing them). With candidates,
    ``allowed`` lists the methods of more literal templates that matched the
    path first (``DELETE /resources/ai_agents`` also fits ``/resources/{id}``).
    """

    candidates: tuple[tuple[Operation, dict[str, str]], ...]
    allowed: frozenset[str]


def split_path(raw_path: str) -> list[str]:
    """Split a raw (still percent-encoded) path into decoded segments.

    Splitting before decoding keeps an encoded ``/`` (``%2F``) inside its segment.
    """
    return [unquote(s) for s in raw_path.split("/")[1:]]


class Router:
    """Routes (method, raw path) to candidate operations."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self._root = _Node()
        for op in operations:
            node = self._root
            names: list[str] = []
            for seg in op.path.split("/")[1:]:
                if seg.startswith("{") and seg.endswith("}"):
                    names.append(seg[1:-1])
                    if node.param is None:
                        node.param = _Node()
                    node = node.param
                else:
                    node = node.literals.setdefault(seg, _Node())
            node.ops.setdefault(op.method, []).append((op, tuple(names)))

    def match(self, method: str, raw_path: str) -> Match:
        """Route one request; see `Match`."""
        segments = split_path(raw_path) if raw_path.startswith("/") else []
        leaves: list[tuple[_Node, list[str]]] = []
        if segments:
            self._walk(self._root, segments, 0, [], leaves)
        allowed: set[str] = set()
        for node, values in leaves:
            entries = node.ops.get(method)
            if entries:
                return Match(
                    candidates=tuple(
                        (op, dict(zip(names, values, strict=True))) for op, names in entries
                    ),
                    allowed=frozenset(allowed),
                )
            allowed.update(node.ops)
        return Match(candidates=(), allowed=frozenset(allowed))

    def _walk(
        self,
        node: _Node,
        segments: list[str],
        index: int,
        values: list[str],
        out: list[tuple[_Node, list[str]]],
    ) -> None:
        if index == len(segments):
            if node.ops:
                out.append((node, list(values)))
            return
        seg = segments[index]
        child = node.literals.get(seg)
        if child is not None:
            self._walk(child, segments, index + 1, values, out)
        if node.param is not None and seg != "":
            values.append(seg)
            self._walk(node.param, segments, index + 1, values, out)
            values.pop()
