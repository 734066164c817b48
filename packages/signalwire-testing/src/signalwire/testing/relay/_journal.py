"""The journal: every frame the fake sent or received, in order.

Frames are stored as they are (the parsed JSON object, never copied) so that
journaling costs one small object per frame even in benchmarks.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

__all__ = ["Frame", "Journal"]

Direction = Literal["in", "out"]


class Frame:
    """One WebSocket frame, as seen by the fake server.

    ``direction`` is ``"in"`` (client to server) or ``"out"`` (server to
    client); ``data`` is the parsed JSON (``None`` when the text was not
    JSON); ``raw`` is the text for frames that were not JSON or were sent raw
    on purpose (``None`` otherwise, to save memory).
    """

    __slots__ = ("connection_id", "data", "direction", "raw", "session_id", "timestamp")

    def __init__(
        self,
        direction: Direction,
        connection_id: str,
        session_id: str | None,
        data: Any,
        raw: str | None,
    ) -> None:
        self.direction: Direction = direction
        self.connection_id = connection_id
        self.session_id = session_id
        self.data = data
        self.raw = raw
        self.timestamp = time.time()

    @property
    def method(self) -> str | None:
        """The JSON-RPC method, or ``None`` for responses and non-JSON frames."""
        data = self.data
        if isinstance(data, dict):
            method = data.get("method")
            return method if isinstance(method, str) else None
        return None

    @property
    def id(self) -> Any:
        """The JSON-RPC id, or ``None``."""
        return self.data.get("id") if isinstance(self.data, dict) else None

    @property
    def params(self) -> dict[str, Any]:
        """The request params (``{}`` when absent)."""
        if isinstance(self.data, dict):
            params = self.data.get("params")
            if isinstance(params, dict):
                return params
        return {}

    @property
    def is_request(self) -> bool:
        """True for JSON-RPC requests (frames with a ``method``)."""
        return self.method is not None

    @property
    def is_response(self) -> bool:
        """True for JSON-RPC responses (``result`` or ``error``, no ``method``)."""
        data = self.data
        return (
            isinstance(data, dict)
            and "method" not in data
            and ("result" in data or "error" in data)
        )

    @property
    def event_type(self) -> str | None:
        """For ``signalwire.event`` frames, the ``event_type``."""
        if self.method == "signalwire.event":
            value = self.params.get("event_type")
            return value if isinstance(value, str) else None
        return None

    @property
    def event_params(self) -> dict[str, Any]:
        """For ``signalwire.event`` frames, the inner ``params``."""
        inner = self.params.get("params")
        return inner if isinstance(inner, dict) else {}

    def __repr__(self) -> str:
        arrow = "C->S" if self.direction == "in" else "S->C"
        what = self.event_type or self.method or ("response" if self.is_response else "raw")
        return f"<Frame {arrow} {self.connection_id} {what} id={self.id!r}>"


Predicate = Callable[[Frame], bool]


class Journal:
    """Ordered record of every frame in both directions, with awaitable lookups.

    ``wait_for_request`` hands out each matching request once (a cursor per
    server), so two waits for ``calling.play`` return the first and then the
    second play request, whether they arrived before or after the wait.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.frames: list[Frame] = []
        self._claimed: set[int] = set()
        # Client requests by method, and how many leading ones are claimed, so
        # wait_for_request stays cheap with thousands of calls in the journal.
        self._requests: dict[str, list[Frame]] = {}
        self._claimed_prefix: dict[str, int] = {}
        self._waiters: list[tuple[Predicate, asyncio.Future[Frame], bool]] = []
        # Callables run on every frame (e.g. printing), journaling on or off.
        self.observers: list[Callable[[Frame], None]] = []

    def __len__(self) -> int:
        return len(self.frames)

    def __iter__(self) -> Iterator[Frame]:
        return iter(list(self.frames))

    @property
    def has_waiters(self) -> bool:
        """True while frames are wanted even with journaling off (waiters, observers)."""
        return bool(self._waiters) or bool(self.observers)

    def record(self, frame: Frame) -> None:
        """Append a frame, tell the observers and wake the waiters it satisfies."""
        if self.enabled:
            self.frames.append(frame)
            if frame.direction == "in":
                method = frame.method
                if method is not None:
                    self._requests.setdefault(method, []).append(frame)
        for observer in self.observers:
            observer(frame)
        if self._waiters:
            self._wake(frame)

    def _wake(self, frame: Frame) -> None:
        remaining = []
        claimed = False
        for predicate, future, claim in self._waiters:
            if future.done():
                continue
            if (not (claim and claimed)) and predicate(frame):
                future.set_result(frame)
                if claim:
                    claimed = True
                    self._claimed.add(id(frame))
                continue
            remaining.append((predicate, future, claim))
        self._waiters = remaining

    def dump(self, path: str | os.PathLike[str]) -> None:
        """Write the journal as JSON lines (one frame per line), for debugging."""
        with open(path, "w", encoding="utf-8") as fh:
            for frame in self.frames:
                record = {
                    "t": frame.timestamp,
                    "dir": frame.direction,
                    "conn": frame.connection_id,
                    "session": frame.session_id,
                    "frame": frame.data if frame.data is not None else frame.raw,
                }
                fh.write(json.dumps(record) + "\n")

    def clear(self) -> None:
        """Forget every recorded frame."""
        self.frames.clear()
        self._claimed.clear()
        self._requests.clear()
        self._claimed_prefix.clear()

    # -- queries -----------------------------------------------------------------

    def requests(self, method: str | None = None) -> list[Frame]:
        """Client-to-server requests, optionally only those of ``method``."""
        return [
            f
            for f in self.frames
            if f.direction == "in" and f.is_request and (method is None or f.method == method)
        ]

    def commands(self, method: str | None = None) -> list[dict[str, Any]]:
        """The ``params`` of each client command (e.g. ``"calling.play"``), oldest first."""
        return [f.params for f in self.requests(method)]

    def events(self, event_type: str | None = None) -> list[Frame]:
        """Server-to-client ``signalwire.event`` frames, optionally of one type."""
        return [
            f
            for f in self.frames
            if f.direction == "out"
            and f.method == "signalwire.event"
            and (event_type is None or f.event_type == event_type)
        ]

    def sent(self) -> list[Frame]:
        """Every server-to-client frame."""
        return [f for f in self.frames if f.direction == "out"]

    def received(self) -> list[Frame]:
        """Every client-to-server frame."""
        return [f for f in self.frames if f.direction == "in"]

    def methods(self) -> list[str]:
        """The methods of client requests, in order (handy in assertions)."""
        return [f.method for f in self.requests() if f.method is not None]

    # -- waiting -----------------------------------------------------------------

    async def wait_for(
        self, predicate: Predicate, *, timeout: float = 5.0, past: bool = True
    ) -> Frame:
        """Return the first frame matching ``predicate`` (already recorded when
        ``past`` is true, else a future one), waiting up to ``timeout`` seconds."""
        if past:
            for frame in self.frames:
                if predicate(frame):
                    return frame
        return await self._wait(predicate, timeout, claim=False, what="frame")

    async def claim(self, predicate: Predicate, *, timeout: float, what: str) -> Frame:
        """Return the oldest unclaimed matching frame and mark it claimed."""
        for frame in self.frames:
            if id(frame) not in self._claimed and predicate(frame):
                self._claimed.add(id(frame))
                return frame
        return await self._wait(predicate, timeout, claim=True, what=what)

    async def claim_request(
        self,
        method: str,
        predicate: Callable[[Any], bool] | None,
        *,
        timeout: float,
    ) -> Frame:
        """Return the oldest unclaimed client request of ``method`` whose parsed
        object satisfies ``predicate``, waiting up to ``timeout`` seconds."""
        frames = self._requests.get(method, [])
        start = self._claimed_prefix.get(method, 0)
        claimed = self._claimed
        for index in range(start, len(frames)):
            frame = frames[index]
            if id(frame) in claimed:
                if index == start:
                    start += 1
                continue
            if predicate is None or predicate(frame.data):
                claimed.add(id(frame))
                if index == start:
                    start += 1
                self._claimed_prefix[method] = start
                return frame
        self._claimed_prefix[method] = start

        def match(frame: Frame) -> bool:
            return (
                frame.direction == "in"
                and frame.method == method
                and (predicate is None or predicate(frame.data))
            )

        return await self._wait(match, timeout, claim=True, what=f"{method} request")

    async def _wait(self, predicate: Predicate, timeout: float, *, claim: bool, what: str) -> Frame:
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        entry = (predicate, future, claim)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no {what} within {timeout} s") from None
        finally:
            if entry in self._waiters:
                self._waiters.remove(entry)
