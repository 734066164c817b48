"""Serialised generated list pages, reused while nothing they depend on changes.

A generated page (a list whose collection holds no stored resources) is a pure
function of the operation, the URL it links to, the query and the list
settings, so its JSON text is built once per such key.  Stored collections
never come from here: the app checks the store on every request, so a create,
update or delete is seen at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["PageCache"]

PageKey = tuple[object, ...]


class PageCache:
    """A bounded map from a page key to the page's JSON bytes (thread-safe)."""

    def __init__(self, limit: int = 256) -> None:
        self._pages: dict[PageKey, bytes] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, key: PageKey, build: Callable[[], bytes | None]) -> bytes | None:
        """The cached page for ``key``, or ``build()`` (cached unless ``None``)."""
        found = self._pages.get(key)
        if found is not None:
            return found
        built = build()
        if built is not None:
            with self._lock:
                if len(self._pages) >= self._limit:
                    self._pages.clear()  # rare: many distinct queries; rebuilding is cheap
                self._pages[key] = built
        return built

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()
