"""Client connections and the sessions they carry.

A :class:`Connection` is one client WebSocket: frames are serialised once
(``json.dumps``) by the caller and queued; a single writer task sends them in
order, so scripting code can emit synchronously. A :class:`FakeSession` is
what survives reconnects (contexts, buffered and unacknowledged events); it
is attached to at most one connection at a time. A connection sees the
server only through :class:`ConnectionHost`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
from collections import OrderedDict, deque
from typing import TYPE_CHECKING, Any, Protocol

from websockets.asyncio.server import ServerConnection
from websockets.frames import Opcode
from websockets.frames import apply_mask as _apply_mask  # type: ignore[attr-defined]
from websockets.protocol import State

from signalwire.testing.relay._journal import Frame, Journal

if TYPE_CHECKING:
    from collections.abc import Callable

    from websockets.frames import Frame as WsFrame

__all__ = ["Connection", "ConnectionHost", "FakeSession", "FastServerConnection"]

logger = logging.getLogger("signalwire.testing.relay")

# Queue entry: (text, parsed frame or None for raw text, event id or None).
_Entry = tuple[str, Any, "str | None"]
_BATCH = 256
_HEADER16 = struct.Struct("!BBH")
_HEADER64 = struct.Struct("!BBQ")
_HIGH_WATER = 1 << 20


class ConnectionHost(Protocol):
    """What a connection needs from the server that accepted it."""

    @property
    def journal(self) -> Journal:
        """Where every frame sent is recorded."""
        ...

    def _frames_sent(self, conn: Connection, count: int) -> None:
        """``count`` more frames went out on ``conn`` (disconnect rules count them)."""
        ...


class FakeSession:
    """A RELAY session: survives reconnects that present its protocol string.

    Holds the subscribed contexts, the events buffered while no connection
    is attached, and the events sent but not yet acknowledged.
    """

    __slots__ = (
        "authorization_state",
        "buffer",
        "connection",
        "contexts",
        "discarded",
        "identity",
        "project",
        "protocol",
        "resumes",
        "session_id",
        "unacked",
    )

    def __init__(self, protocol: str, session_id: str, identity: str, project: str) -> None:
        self.protocol = protocol
        self.session_id = session_id
        self.identity = identity
        self.project = project
        self.contexts: set[str] = set()
        self.connection: Connection | None = None
        # Event frames (id, text) waiting for a connection, in order.
        self.buffer: deque[tuple[str, str, dict[str, Any]]] = deque()
        # Event id -> (text, frame) for events written but not acked yet.
        self.unacked: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()
        self.authorization_state: str | None = None
        self.resumes = 0
        self.discarded = False

    @property
    def connected(self) -> bool:
        """True while a live, authenticated connection is attached."""
        return self.connection is not None and not self.connection.closed

    def __repr__(self) -> str:
        return (
            f"<FakeSession {self.protocol} contexts={sorted(self.contexts)} "
            f"connected={self.connected} buffered={len(self.buffer)} unacked={len(self.unacked)}>"
        )


class FastServerConnection(ServerConnection):
    """A websockets server connection tuned for event bursts.

    Complete, masked, unfragmented text frames are unmasked here and handed
    straight to the fake (``text_sink``) instead of going through websockets'
    frame parser and message queue, which cost more per ack than the rest of
    the fake. Every other frame (control frames, fragments, oversized or
    invalid ones) is fed to websockets unchanged, always at a frame boundary,
    so the protocol state machine (close handshake, pings, errors) is intact.
    Frames arriving before the fake attaches its sink wait in ``early``.
    """

    text_sink: Callable[[str], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.early: list[str] = []
        self._inbuf = bytearray()
        limit = getattr(self.protocol, "max_message_size", None)
        self._fast_limit: int = limit if isinstance(limit, int) else 1 << 62

    def _deliver(self, text: str) -> None:
        sink = self.text_sink
        if sink is None:
            self.early.append(text)
        else:
            sink(text)

    def data_received(self, data: bytes) -> None:
        protocol = self.protocol
        if (
            self.request is None
            or protocol.state is not State.OPEN
            or protocol.reader.buffer
            or protocol.parser_exc is not None
        ):
            # Handshake, closing, or websockets holds a partial frame: its turn.
            if self._inbuf:
                data = bytes(self._inbuf) + data
                self._inbuf.clear()
            super().data_received(data)
            return
        buf = self._inbuf
        buf += data
        size = len(buf)
        pos = 0
        limit = self._fast_limit
        while size - pos >= 2:
            first = buf[pos]
            second = buf[pos + 1]
            length = second & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                head = 10
            masked = second & 0x80
            total = head + (4 if masked else 0) + length
            if first == 0x81 and masked and length <= limit:
                if size - pos < total:
                    break
                start = pos + head + 4
                payload = _apply_mask(
                    bytes(buf[start : start + length]), bytes(buf[start - 4 : start])
                )
                pos += total
                self._deliver(payload.decode("utf-8", "replace"))
                continue
            # Anything else goes to websockets, one whole frame at a time so its
            # parser is always at a frame boundary when the fast path resumes.
            if length > limit:  # websockets will refuse it and fail the connection
                rest = bytes(buf[pos:])
                buf.clear()
                super().data_received(rest)
                return
            if size - pos < total:
                break
            chunk = bytes(buf[pos : pos + total])
            pos += total
            super().data_received(chunk)
            if protocol.state is not State.OPEN or protocol.reader.buffer:
                rest = bytes(buf[pos:])
                buf.clear()
                if rest:
                    super().data_received(rest)
                return
        del buf[:pos]

    def process_event(self, event: Any) -> None:
        if self.request is not None:
            frame: WsFrame = event
            if frame.opcode is Opcode.TEXT and frame.fin:
                self._deliver(bytes(frame.data).decode("utf-8", "replace"))
                return
        super().process_event(event)


class Connection:
    """A client connection as the fake platform sees it."""

    def __init__(self, server: ConnectionHost, ws: ServerConnection, connection_id: str) -> None:
        self.server = server
        self.ws = ws
        self.connection_id = connection_id
        self.path = ws.request.path if ws.request is not None else "/"
        self.session: FakeSession | None = None
        self.closed = False
        self.frozen = False
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
        server = self.server
        protocol = ws.protocol
        try:
            while True:
                if not queue or self.frozen:
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                if protocol.state is not State.OPEN:
                    break
                # Frame the queued messages ourselves (server frames are unmasked
                # text frames) and write them with one syscall: websockets' own
                # send path costs more than the rest of the fake per event.
                batch = [queue.popleft() for _ in range(min(len(queue), _BATCH))]
                parts = []
                for entry in batch:
                    self._account(entry)
                    payload = entry[0].encode()
                    size = len(payload)
                    if size < 126:
                        parts.append(bytes((0x81, size)))
                    elif size < 65536:
                        parts.append(_HEADER16.pack(0x81, 126, size))
                    else:
                        parts.append(_HEADER64.pack(0x81, 127, size))
                    parts.append(payload)
                transport = ws.transport
                if transport is None or transport.is_closing():
                    self._requeue(batch)
                    break
                transport.write(b"".join(parts))
                self.sent += len(batch)
                server._frames_sent(self, len(batch))
                if transport.get_write_buffer_size() > _HIGH_WATER:
                    try:
                        await ws.drain()
                    except Exception:  # noqa: BLE001 (a broken script must not kill the connection)
                        break
        except asyncio.CancelledError:
            pass

    def _account(self, entry: _Entry) -> None:
        """Journal a frame and, for events, mark it as awaiting its ack."""
        text, data, event_id = entry
        session = self.session
        if event_id is not None and session is not None:
            session.unacked[event_id] = (text, data)
        journal = self.server.journal
        if journal.enabled or journal.has_waiters:
            journal.record(
                Frame(
                    "out", self.connection_id, self.session_id, data, text if data is None else None
                )
            )

    def _requeue(self, entries: list[_Entry]) -> None:
        session = self.session
        for entry in reversed(entries):
            event_id = entry[2]
            if event_id is not None and session is not None:
                session.unacked.pop(event_id, None)
                self._queue.appendleft(entry)

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

    def cancel_writer(self) -> None:
        """Stop the writer (whatever it was sending stays in the unacked set)."""
        self._writer.cancel()

    async def stop_writer(self) -> None:
        """Cancel the writer task and wait for it."""
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._writer
