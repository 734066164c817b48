"""The vendor's documented public API (committed ``_data/python-api.json``) for conformance tests.

Each entry names a documented member: ``namespace``, ``owner``, ``member``,
``kind``, ``params`` and flags (``async``, ``positional``, ``endpoint``, ...).
Raw JSON only: tests compare these names and parameters with the SDK's own
classes through ``inspect``, so this module never imports ``signalwire``.
"""

from __future__ import annotations

from typing import Any

from signalwire.testing.specs import load_spec_file

__all__ = ["all_surface_entries", "surface_entries"]


def all_surface_entries() -> list[dict[str, Any]]:
    """Every documented entry, in the reference's order."""
    entries: list[dict[str, Any]] = load_spec_file("python-api.json")
    return list(entries)


def surface_entries(namespace: str, owners: set[str] | None = None) -> list[dict[str, Any]]:
    """Entries of ``namespace`` (``agents``, ``relay``, ``rest``, ``core``), optionally by owner."""
    return [
        e
        for e in all_surface_entries()
        if e["namespace"] == namespace and (owners is None or e["owner"] in owners)
    ]
