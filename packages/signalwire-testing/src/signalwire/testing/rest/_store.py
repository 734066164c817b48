"""Stateful resources: what a test created can be fetched, listed, updated and deleted.

A collection becomes stateful on its first create (``POST`` to a collection path whose
answer carries an ``id``/``sid``); until then its list and item operations keep
answering generated, spec-shaped data. Keys are concrete paths (path parameters filled
in, compat ``.json`` dropped), so two accounts' collections stay apart.
"""

from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

__all__ = ["ResourceStore", "collection_key"]


def collection_key(path: str) -> str:
    """The store key of a concrete path (trailing ``/`` and compat ``.json`` dropped)."""
    path = path.rstrip("/")
    return path[:-5] if path.endswith(".json") else path


class ResourceStore:
    """Created resources per collection, in creation order (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._collections: dict[str, dict[str, dict[str, Any]]] = {}
        self._deleted: dict[str, set[str]] = {}

    def clear(self) -> None:
        """Forget every stored resource."""
        with self._lock:
            self._collections.clear()
            self._deleted.clear()

    def is_stateful(self, collection: str) -> bool:
        """True once something was created in ``collection``."""
        with self._lock:
            return collection in self._collections

    def create(self, collection: str, body: dict[str, Any], id_key: str) -> dict[str, Any]:
        """Store ``body`` under a fresh id (written into ``body[id_key]``); return a copy."""
        body[id_key] = str(uuid.uuid4())
        with self._lock:
            self._collections.setdefault(collection, {})[body[id_key]] = copy.deepcopy(body)
        return body

    def get(self, collection: str, resource_id: str) -> dict[str, Any] | None:
        """A copy of the stored resource, or None."""
        with self._lock:
            found = self._collections.get(collection, {}).get(resource_id)
            return copy.deepcopy(found) if found is not None else None

    def was_deleted(self, collection: str, resource_id: str) -> bool:
        """True when ``resource_id`` was deleted from ``collection``."""
        with self._lock:
            return resource_id in self._deleted.get(collection, set())

    def update(
        self, collection: str, resource_id: str, changes: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Replace the stored resource with ``changes`` applied (caller merged them)."""
        with self._lock:
            items = self._collections.get(collection, {})
            if resource_id not in items:
                return None
            items[resource_id] = copy.deepcopy(changes)
            return copy.deepcopy(changes)

    def delete(self, collection: str, resource_id: str) -> bool:
        """Remove a resource; False when it was not stored."""
        with self._lock:
            items = self._collections.get(collection, {})
            if items.pop(resource_id, None) is None:
                return False
            self._deleted.setdefault(collection, set()).add(resource_id)
            return True

    def items(self, collection: str) -> list[dict[str, Any]]:
        """Copies of a collection's stored resources, in creation order."""
        with self._lock:
            return [copy.deepcopy(v) for v in self._collections.get(collection, {}).values()]

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every stateful collection and its resources (for assertions)."""
        with self._lock:
            return {
                k: [copy.deepcopy(v) for v in items.values()]
                for k, items in self._collections.items()
            }
