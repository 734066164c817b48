"""One client WebSocket connection: an ordered writer and the journal hooks.

Frames are serialised once (``json.dumps``) by the caller and queued; a single
writer task sends them in order, so scripting code can emit synchronously.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from websockets.exceptions import ConnectionClosed

from signalwire_fakes.relay._journal import Frame

if TYPE_CHECKING:
    from websockets.asyncio.server import ServerConnection

    from signalwire_fakes.relay._model import FakeSession
    from signalwire_fakes.relay._server import FakeRelayServer

__all__ = ["Connection"]

logger = logging.getLogger("signalwire_fakes.relay")

# Queue entry: (text, parsed frame or None for raw text, event id or None).
_Entry = tuple[str, Any, "str | None"]


class Connection:
    """A client connection as the fake platform sees it."""

    def __init__(self, server: FakeRelayServer, ws: ServerConnection, connection_id: str) -> None:
        self.server = server
        self.ws = ws
        self.connection_id = connection_id
        self.path = ws.request.path if ws.request is not None else "/"
        self.session: FakeSession | None = None
        self.closed = False
        self.received = 0
        self.sent = 0
        self._queue: deque[_Entry] = deque()
        self._wakeup = asyncio.Event()
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    @property
    def session_id(self) -> str | None:
        """The protocol string of the attached session, if authenticated."""
        return self.session.protocol if self.session is not None else None

    def __repr__(self) -> str:
        return f"<Connection {self.connection_id} session={self.session_id} closed={self.closed}>"

    # -- sending -----------------------------------------------------------------

    def send_text(self, text: str, data: Any, event_id: str | None = None) -> None:
        """Queue one already-serialised frame (``data`` is its parsed form,
        ``None`` for deliberately raw text)."""
        if self.closed:
            if event_id is not None and self.session is not None:
                self.session.buffer.append((event_id, text, data))
            return
        self._queue.append((text, data, event_id))
        self._wakeup.set()

    async def _write_loop(self) -> None:
        queue = self._queue
        ws = self.ws
        journal = self.server.journal
        server = self.server
        try:
            while True:
                if not queue or server.frozen:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                text, data, event_id = queue.popleft()
                session = self.session
                if event_id is not None and session is not None:
                    session.unacked[event_id] = (text, data)
                journal.record(
                    Frame(
                        "out",
                        self.connection_id,
                        self.session_id,
                        data,
                        text if data is None else None,
                    )
                )
                try:
                    await ws.send(text)
                except ConnectionClosed:
                    if event_id is not None and session is not None:
                        session.unacked.pop(event_id, None)
                        queue.appendleft((text, data, event_id))
                    break
                self.sent += 1
                server._after_sent(self)
        finally:
            self.closed = True

    def take_unsent_events(self) -> list[tuple[str, str, Any]]:
        """Remove and return the queued-but-unsent event frames, in order."""
        events = [(eid, text, data) for text, data, eid in self._queue if eid is not None]
        self._queue.clear()
        return events

    # -- closing -----------------------------------------------------------------

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close with a proper close handshake."""
        self.closed = True
        await self.ws.close(code, reason)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (a network failure)."""
        self.closed = True
        transport = self.ws.transport
        if transport is not None:
            transport.abort()

    async def stop_writer(self) -> None:
        """Cancel the writer task and wait for it."""
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._writer
