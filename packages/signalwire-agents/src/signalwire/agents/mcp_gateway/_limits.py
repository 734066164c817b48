"""Per-client request limits written as ``"N per minute"`` (second, minute, hour, day)."""

from __future__ import annotations

import re
import time
from collections import deque

__all__ = ["RateLimit"]

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_SPEC = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
_MAX_CLIENTS = 10_000


class RateLimit:
    """A sliding window per client key; ``spec`` None or empty means no limit."""

    def __init__(self, spec: str | None) -> None:
        self.count = 0
        self.window = 0.0
        if spec:
            m = _SPEC.match(spec)
            if not m:
                raise ValueError(f"rate limit {spec!r} must read like '10 per minute'")
            self.count, self.window = int(m.group(1)), float(_UNITS[m.group(2).lower()])
        self._hits: dict[str, deque[float]] = {}

    def allow(self, client: str) -> bool:
        """Count one request from ``client``; False when over the limit."""
        if not self.count:
            return True
        now = time.monotonic()
        hits = self._hits.get(client)
        if hits is None:
            if len(self._hits) >= _MAX_CLIENTS:  # bounded memory under address spraying
                self._hits.clear()
            hits = self._hits[client] = deque()
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.count:
            return False
        hits.append(now)
        return True
