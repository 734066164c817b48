"""The record of every request the fake REST platform received."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Journal", "JournalEntry"]


@dataclass
class JournalEntry:
    """One request and the status the fake answered with.

    ``headers`` has lower-case names (repeated headers joined by ``", "``);
    ``query`` keeps every value of a repeated key; ``body`` is the parsed JSON
    or form body (form: a dict of str, or list of str for repeated keys), or
    ``None`` when the body is empty or unparsable; ``raw_body`` is the bytes sent.
    ``raw_path`` and ``raw_query`` are exactly as sent (still percent-encoded),
    for tests that pin the wire encoding.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    raw_body: bytes
    raw_path: str = ""
    raw_query: str = ""
    operation_id: str | None = None
    spec: str | None = None
    path_template: str | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    status: int = 0
    response: Any = None
    note: str = ""

    @property
    def content_type(self) -> str:
        """The request's ``Content-Type`` header ("" when absent)."""
        return self.headers.get("content-type", "")

    def query_value(self, name: str) -> str | None:
        """The last value of query parameter ``name``, or ``None``."""
        values = self.query.get(name)
        return values[-1] if values else None


class Journal:
    """A thread-safe, append-only list of `JournalEntry` (also iterable and indexable)."""

    def __init__(self) -> None:
        self._entries: list[JournalEntry] = []
        self._lock = threading.Lock()

    def append(self, entry: JournalEntry) -> None:
        """Record one entry (used by the app)."""
        with self._lock:
            self._entries.append(entry)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    @property
    def entries(self) -> list[JournalEntry]:
        """A snapshot list of all entries, oldest first."""
        with self._lock:
            return list(self._entries)

    @property
    def last(self) -> JournalEntry:
        """The most recent entry (``IndexError`` when the journal is empty)."""
        with self._lock:
            if not self._entries:
                raise IndexError("the journal is empty: no request reached the fake")
            return self._entries[-1]

    def find(
        self,
        operation_id: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        path_prefix: str | None = None,
        status: int | None = None,
    ) -> list[JournalEntry]:
        """Entries matching every given criterion, oldest first."""
        out = []
        for e in self.entries:
            if operation_id is not None and e.operation_id != operation_id:
                continue
            if method is not None and e.method != method.upper():
                continue
            if path is not None and e.path != path:
                continue
            if path_prefix is not None and not e.path.startswith(path_prefix):
                continue
            if status is not None and e.status != status:
                continue
            out.append(e)
        return out

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries)

    def __getitem__(self, index: int) -> JournalEntry:
        with self._lock:
            return self._entries[index]

    def __repr__(self) -> str:
        return f"<Journal entries={len(self)}>"
