"""The vendor's documented public API (``../shared/surface/python-api.json``) for conformance tests.

Raw JSON only: tests compare these names and parameters with the SDK's own
classes through ``inspect``, so this module never imports ``signalwire``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from signalwire_fakes.specs import specs_dir

__all__ = ["surface_entries"]


@cache
def _load() -> tuple[dict[str, Any], ...]:
    path = specs_dir().parent / "surface" / "python-api.json"
    with path.open(encoding="utf-8") as fh:
        return tuple(json.load(fh))


def surface_entries(namespace: str, owners: set[str] | None = None) -> list[dict[str, Any]]:
    """Entries of ``namespace`` (``agents``, ``relay``, ``rest``, ``core``), optionally by owner."""
    return [
        e
        for e in _load()
        if e["namespace"] == namespace and (owners is None or e["owner"] in owners)
    ]
