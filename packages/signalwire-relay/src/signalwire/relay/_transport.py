"""A lean asyncio transport around websockets' sans-I/O ``ClientProtocol``.

The RELAY client handles every frame synchronously: parse, ack, route. So
instead of websockets' asyncio ``ClientConnection`` (a queue and a future per
message, read by a coroutine), this transport hands each complete text
message to a callback straight from ``data_received`` and writes whatever the
callback queued (acks, pongs, close replies) in one socket write.

websockets' sans-I/O layer (``websockets.client``) does the opening and
closing handshakes, control frames (ping/pong/close), fragmented messages,
protocol errors and the size limit. Two frame shapes are handled here
because they are nearly all the traffic and websockets' general code costs
more than the rest of an event's handling:

* **incoming**: a complete, final, unmasked text frame with no RSV bits and
  within the size limit is cut from the byte stream and delivered directly.
  Any other frame is passed to websockets whole, once all of its bytes have
  arrived, so websockets' parser always starts at a frame boundary; from a
  frame above the size limit, or once the connection is closing, everything
  goes to websockets.
* **outgoing**: small text messages queued while reading (acks) are framed
  and masked here with a key from a pooled :func:`os.urandom` buffer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl as ssl_module
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from websockets.client import ClientProtocol

__all__ = ["TransportClosed", "WSConnection"]

logger = logging.getLogger("signalwire.relay.transport")


class _NoFrameDebug(logging.LoggerAdapter):  # type: ignore[type-arg]
    """websockets' protocol logger, minus its frame dumps.

    At DEBUG websockets logs every frame's text, which would print the API
    token of the ``signalwire.connect`` frame; websockets asks
    ``isEnabledFor(DEBUG)`` once per connection, so saying no drops them all.
    """

    def isEnabledFor(self, level: int) -> bool:
        return level > logging.DEBUG and self.logger.isEnabledFor(level)


_NO_FRAME_LOGGER = _NoFrameDebug(logging.getLogger("signalwire.relay.websocket"), {})


#: Header of an unmasked final text frame (what the fast path accepts), by first byte.
_FIN_TEXT = 0x81
#: Precomputed 2-byte headers of masked final text frames with payloads under 126 bytes.
_SMALL_HEADERS = [bytes((_FIN_TEXT, 0x80 | n)) for n in range(126)]
_MASK_POOL_SIZE = 4096


def _mask(payload: bytes, key: bytes) -> bytes:
    """XOR ``payload`` with the repeating 4-byte ``key`` (RFC 6455 section 5.3)."""
    n = len(payload)
    keystream = (key * ((n >> 2) + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(keystream, "big")).to_bytes(n, "big")


class TransportClosed(Exception):
    """The WebSocket is closing or closed; nothing more can be sent."""


class WSConnection(asyncio.Protocol):
    """One client WebSocket connection.

    ``on_text(text)`` is called for every complete text message, in order,
    from the event loop's read callback; it must not block. ``closed``
    resolves (with the reason, or None) as soon as the connection stops being
    usable: when a close frame arrives or the TCP connection is lost.
    """

    def __init__(
        self,
        protocol: ClientProtocol,
        on_text: Callable[[WSConnection, str], None],
        user_agent: str | None,
        close_timeout: float,
        max_size: int | None = None,
    ) -> None:
        from websockets.frames import Opcode
        from websockets.protocol import State

        self._OPEN = State.OPEN
        self._TEXT, self._CONT, self._BINARY = Opcode.TEXT, Opcode.CONT, Opcode.BINARY
        self.protocol = protocol
        self._on_text = on_text
        self._user_agent = user_agent
        self._close_timeout = close_timeout
        loop = asyncio.get_running_loop()
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self.handshake: asyncio.Future[None] = loop.create_future()
        #: Resolves with the close reason (None for a clean close) once the link is unusable.
        self.closed: asyncio.Future[BaseException | None] = loop.create_future()
        self._lost: asyncio.Future[None] = loop.create_future()
        self._fragments: list[bytes] | None = None
        self._fragment_text = False
        self._in_callback = False
        self._flush_scheduled = False
        self._paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._close_timer: asyncio.TimerHandle | None = None
        self._max_size = max_size
        # fast path state: on once the handshake is done and websockets holds no partial frame
        self._fast = False
        self._buffer = bytearray()
        self._out: list[bytes] = []
        self._mask_pool = b""
        self._mask_at = 0
        self._apply_mask: Callable[[bytes, bytes], bytes] = _mask
        try:  # websockets' C helper when its wheel has it (the same one its own frames use)
            from websockets.speedups import apply_mask

            self._apply_mask = apply_mask
        except ImportError:  # pragma: no cover - pure-Python websockets install
            pass

    # -- opening -------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        url: str,
        on_text: Callable[[WSConnection, str], None],
        *,
        ssl: ssl_module.SSLContext | None,
        max_size: int | None,
        open_timeout: float,
        user_agent: str | None = None,
        close_timeout: float = 0.5,
    ) -> WSConnection:
        """Connect TCP (and TLS), run the opening handshake, return the open connection."""
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        wsuri = parse_uri(url)
        protocol = ClientProtocol(wsuri, max_size=max_size, logger=_NO_FRAME_LOGGER)
        loop = asyncio.get_running_loop()
        conn = cls(protocol, on_text, user_agent, close_timeout, max_size)

        async def connect() -> None:
            await loop.create_connection(
                lambda: conn,
                wsuri.host,
                wsuri.port,
                ssl=ssl if wsuri.secure else None,
                server_hostname=wsuri.host if wsuri.secure else None,
            )
            await conn.handshake

        try:
            await asyncio.wait_for(connect(), open_timeout)
        except BaseException:
            conn.abort()
            raise
        return conn

    # -- asyncio.Protocol --------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        request = self.protocol.connect()
        if self._user_agent:
            request.headers["User-Agent"] = self._user_agent
        self.protocol.send_request(request)
        self._write_out()

    def data_received(self, data: bytes) -> None:
        self._in_callback = True
        try:
            if self._fast:
                self._receive_fast(data)
            else:
                self._receive_slow(data)
                self._maybe_go_fast()
        finally:
            self._in_callback = False
        self._write_out()
        if self.protocol.state is not self._OPEN and self.handshake.done():
            self._closing()

    def _receive_slow(self, data: bytes | bytearray) -> None:
        """Hand bytes to websockets and handle the events it parsed."""
        protocol = self.protocol
        protocol.receive_data(data)
        for event in protocol.events_received():
            self._event(event)

    def _maybe_go_fast(self) -> None:
        handshake = self.handshake
        if not handshake.done() or handshake.cancelled() or handshake.exception() is not None:
            return
        protocol = self.protocol
        reader_buffer = getattr(getattr(protocol, "reader", None), "buffer", None)
        if (
            protocol.state is self._OPEN
            and not protocol.extensions
            and self._fragments is None
            # websockets must be at a frame boundary (and this version must let us see it)
            and isinstance(reader_buffer, bytearray)
            and not reader_buffer
        ):
            self._fast = True

    def _receive_fast(self, data: bytes) -> None:
        """Cut whole frames from the stream: plain text frames are delivered here, the rest
        go to websockets whole (see the module docstring)."""
        if self.protocol.state is not self._OPEN:
            self._fast = False
            if self._buffer:
                data, self._buffer = bytes(self._buffer) + data, bytearray()
            self._receive_slow(data)
            return
        buf = self._buffer
        if buf:
            buf += data
            view: bytes | bytearray = buf
        else:
            view = data
        end = len(view)
        pos = 0
        limit = self._max_size
        while end - pos >= 2:
            b0 = view[pos]
            b1 = view[pos + 1]
            n = b1 & 0x7F
            head = 2
            if n == 126:
                if end - pos < 4:
                    break
                n = (view[pos + 2] << 8) | view[pos + 3]
                head = 4
            elif n == 127:
                if end - pos < 10:
                    break
                n = int.from_bytes(view[pos + 2 : pos + 10], "big")
                head = 10
            if limit is not None and n > limit:
                # too big: websockets reports it (close 1009); from here on it reads everything
                self._fast = False
                rest = bytes(view[pos:])
                pos = end
                self._receive_slow(rest)
                break
            stop = pos + head + n
            if stop > end:
                break  # the rest of this frame has not arrived yet
            if b0 == _FIN_TEXT and not b1 & 0x80 and self._fragments is None:
                self._deliver(view[pos + head : stop])
                pos = stop
                continue
            frame = bytes(view[pos:stop])
            pos = stop
            self._receive_slow(frame)
            if self.protocol.state is not self._OPEN:
                # closing: websockets takes the rest of the stream
                self._fast = False
                if pos < end:
                    rest = bytes(view[pos:])
                    pos = end
                    self._receive_slow(rest)
                break
        if buf:
            del buf[:pos]
        elif pos < end:
            self._buffer = bytearray(view[pos:])

    def eof_received(self) -> bool | None:
        if self._buffer:
            # a partial frame: let websockets see it before the EOF
            self.protocol.receive_data(bytes(self._buffer))
            self._buffer = bytearray()
        self._fast = False
        self.protocol.receive_eof()
        for event in self.protocol.events_received():
            self._event(event)
        self._write_out()
        self._closing()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._close_timer is not None:
            self._close_timer.cancel()
        if not self.handshake.done():
            self.handshake.set_exception(
                exc or ConnectionError("connection closed during the opening handshake")
            )
            self.handshake.exception()
        reason: BaseException | None = exc
        if reason is None and self.protocol.close_rcvd is None:
            reason = ConnectionError("connection closed without a close frame")
        if not self.closed.done():
            self.closed.set_result(reason)
        if not self._lost.done():
            self._lost.set_result(None)
        for w in self._drain_waiters:
            if not w.done():
                w.set_exception(TransportClosed("connection lost"))
                w.exception()
        self._drain_waiters = []

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        waiters, self._drain_waiters = self._drain_waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)

    # -- frames --------------------------------------------------------------------

    def _event(self, event: Any) -> None:
        if not self.handshake.done():
            # the first event is the handshake response
            exc = self.protocol.handshake_exc
            if exc is not None:
                self.handshake.set_exception(exc)
                self.handshake.exception()
            else:
                self.handshake.set_result(None)
            return
        opcode = event.opcode
        if opcode is self._TEXT or opcode is self._BINARY:
            if event.fin:
                if opcode is self._TEXT:
                    self._deliver(event.data)
            else:
                self._fragments = [bytes(event.data)]
                self._fragment_text = opcode is self._TEXT
        elif opcode is self._CONT and self._fragments is not None:
            self._fragments.append(bytes(event.data))
            if event.fin:
                data = b"".join(self._fragments)
                self._fragments = None
                if self._fragment_text:
                    self._deliver(data)
        # ping (auto-pong queued by the protocol), pong and close need nothing here

    def _deliver(self, data: bytes | bytearray | memoryview) -> None:
        try:
            text = str(data, "utf-8")  # no copy for bytes, bytearray or memoryview
        except UnicodeDecodeError:
            logger.warning("text frame is not valid UTF-8: ignored")
            return
        try:
            self._on_text(self, text)
        except Exception:
            logger.exception("frame handler failed")

    def _closing(self) -> None:
        """The link is no longer usable: tell the client now, finish the close soon."""
        if not self.closed.done():
            close = self.protocol.close_rcvd
            reason: BaseException | None = None
            if close is not None and close.code not in (1000, 1001):
                reason = ConnectionError(f"closed by the server: {close.code} {close.reason}")
            elif close is None:
                reason = ConnectionError("connection closed without a close frame")
            self.closed.set_result(reason)
        if self._close_timer is None and not self._lost.done():
            self._close_timer = self._loop.call_later(self._close_timeout, self.abort)

    # -- writing -----------------------------------------------------------------------

    def _write_out(self) -> None:
        self._flush_scheduled = False
        transport = self.transport
        if transport is None:
            return
        chunks = self.protocol.data_to_send()
        if self._out:
            # our frames first: they were queued while the connection was open, and a close
            # frame websockets queued since must stay last
            chunks[:0] = self._out
            self._out = []
        if not chunks:
            return
        data = b"".join(chunks)
        if data and not transport.is_closing():
            transport.write(data)
        if chunks[-1] == b"" and not transport.is_closing():  # the protocol asks for EOF
            if transport.can_write_eof():
                transport.write_eof()
            else:
                transport.close()

    @property
    def is_open(self) -> bool:
        """True while messages can be sent."""
        return self.protocol.state is self._OPEN and not self.closed.done()

    def queue_text(self, text: str) -> bool:
        """Queue a message; it goes out with the next write (this read's, or soon).

        Returns False when the connection is closing: the message was not sent.
        """
        if self.protocol.state is not self._OPEN or self.closed.done():  # not is_open
            return False
        if self._fast:
            self._out.append(self._text_frame(text.encode()))
        else:
            self.protocol.send_text(text.encode())
        if not self._in_callback and not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._write_out)
        return True

    def _text_frame(self, payload: bytes) -> bytes:
        """A masked final text frame (client to server) carrying ``payload``."""
        at = self._mask_at
        if at >= len(self._mask_pool):
            self._mask_pool = os.urandom(_MASK_POOL_SIZE)  # one syscall per 1024 frames
            at = 0
        key = self._mask_pool[at : at + 4]
        self._mask_at = at + 4
        n = len(payload)
        if n < 126:
            header = _SMALL_HEADERS[n]
        elif n < 65536:
            header = bytes((_FIN_TEXT, 0xFE)) + n.to_bytes(2, "big")
        else:
            header = bytes((_FIN_TEXT, 0xFF)) + n.to_bytes(8, "big")
        return header + key + self._apply_mask(payload, key)

    async def send(self, text: str) -> None:
        """Send a message now, waiting while the socket's write buffer is full."""
        if not self.is_open:
            raise TransportClosed("connection is closing")
        self.protocol.send_text(text.encode())
        self._write_out()
        if self._paused:
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._drain_waiters.append(waiter)
            await waiter

    def abort(self) -> None:
        """Drop the connection now (no closing handshake)."""
        if self.transport is not None:
            self.transport.abort()

    async def close(self) -> None:
        """Closing handshake, bounded by the close timeout; then the socket is gone."""
        if self.transport is None:
            return
        if self.protocol.state is self._OPEN:
            self.protocol.send_close(1000)
            self._write_out()
        try:
            await asyncio.wait_for(asyncio.shield(self._lost), self._close_timeout)
        except (TimeoutError, asyncio.TimeoutError):  # distinct classes on 3.10
            self.abort()
            await asyncio.shield(self._lost)

    async def wait_lost(self) -> None:
        """Wait until the TCP connection is gone."""
        await asyncio.shield(self._lost)
