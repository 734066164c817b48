"""Coalesced event acks: one socket write per burst instead of one per event.

The reader acks each event before handling it, but while it drains frames
that are already buffered it never yields, so the acks it queues go out
together when it next waits for data (a ``call_soon`` flush). Frames stay
separate and in order; only the syscalls are shared. This goes through the
connection's public sans-I/O layer (``protocol.send_text`` /
``protocol.data_to_send``). When the write buffer is above its high-water
mark the caller falls back to ``await ws.send`` so flow control still applies.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

__all__ = ["AckWriter"]

#: Above this many buffered bytes, acks wait for the socket (``await ws.send``).
HIGH_WATER = 256 * 1024


class AckWriter:
    """Queues ack frames on one connection and flushes them in one write."""

    __slots__ = ("_loop", "_open", "_protocol", "_scheduled", "_transport")

    def __init__(self, ws: ClientConnection) -> None:
        from websockets.protocol import State

        self._protocol = ws.protocol
        self._transport = ws.transport
        self._open = State.OPEN
        self._loop = asyncio.get_running_loop()
        self._scheduled = False

    def try_ack(self, text: str) -> bool | None:
        """Queue ``text``; False if the connection is closing, None if the caller must
        ``await ws.send`` (buffer full: back-pressure)."""
        if self._protocol.state is not self._open:
            return False
        if self._transport.get_write_buffer_size() > HIGH_WATER:
            return None
        self._protocol.send_text(text.encode())
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush)
        return True

    def _flush(self) -> None:
        self._scheduled = False
        data = self._protocol.data_to_send()
        if data and not self._transport.is_closing():
            self._transport.write(b"".join(data))
