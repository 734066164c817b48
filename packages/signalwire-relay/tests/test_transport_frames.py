"""The transport's own frame handling, checked against websockets' sans-I/O server.

The client side is the real ``WSConnection`` over websockets' ``ClientProtocol``;
the peer is websockets' ``ServerProtocol``, which writes the frames (texts,
fragments, pings, close) and parses everything the client writes back (acks
framed and masked by the transport, pongs and close replies by websockets).
Hypothesis cuts the byte stream at arbitrary points, as TCP may.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.frames import Opcode
from websockets.server import ServerProtocol
from websockets.uri import parse_uri

from signalwire.relay._transport import WSConnection, _mask

LIMIT = 200_000


class Wire(asyncio.Transport):
    """Collects what the connection writes (the socket under the transport)."""

    def __init__(self) -> None:
        super().__init__()
        self.data = bytearray()
        self.closed = False

    def write(self, data: Any) -> None:
        self.data += data

    def is_closing(self) -> bool:
        return self.closed

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        out, self.data = bytes(self.data), bytearray()
        return out


class Peer:
    """An open client connection and the server protocol at the other end."""

    def __init__(self, *, echo: bool = True) -> None:
        from websockets.client import ClientProtocol

        self.texts: list[str] = []
        client = ClientProtocol(parse_uri("ws://127.0.0.1/"), max_size=LIMIT)
        self.conn = WSConnection(client, self._on_text, None, 0.5, LIMIT)
        self.echo = echo
        self.wire = Wire()
        self.conn.connection_made(self.wire)
        self.server = ServerProtocol(max_size=None)
        self.server.receive_data(self.wire.take())
        request = self.server.events_received()[0]
        self.server.send_response(self.server.accept(request))  # type: ignore[arg-type]
        self.conn.data_received(b"".join(self.server.data_to_send()))
        assert self.conn.handshake.done() and self.conn.handshake.exception() is None
        assert self.conn._fast  # the transport's own frame path is what these tests exercise

    def _on_text(self, conn: WSConnection, text: str) -> None:
        self.texts.append(text)
        if self.echo:
            conn.queue_text(f"ack:{text[:20]}")

    def server_bytes(self) -> bytes:
        return b"".join(self.server.data_to_send())

    def feed(self, data: bytes, cuts: list[int]) -> None:
        points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
        for a, b in itertools.pairwise(points):
            self.conn.data_received(data[a:b])

    def client_frames(self) -> list[Any]:
        self.server.receive_data(self.wire.take())
        return list(self.server.events_received())


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
sizes = st.sampled_from([0, 1, 125, 126, 127, 65535, 65536, 70000])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=st.lists(st.one_of(texts, sizes.map(lambda n: "x" * n)), min_size=1, max_size=12),
    pings=st.lists(st.booleans(), min_size=12, max_size=12),
    fragment=st.lists(st.booleans(), min_size=12, max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=10**6), max_size=30),
)
def test_any_chunking_delivers_every_message_in_order(
    messages: list[str], pings: list[bool], fragment: list[bool], cuts: list[int]
) -> None:
    async def run() -> None:
        peer = Peer()
        for i, text in enumerate(messages):
            if pings[i]:
                peer.server.send_ping(f"p{i}".encode())
            data = text.encode()
            if fragment[i] and len(data) > 2:
                peer.server.send_text(data[:1], fin=False)
                peer.server.send_continuation(data[1:2], fin=False)
                peer.server.send_continuation(data[2:], fin=True)
            else:
                peer.server.send_text(data)
        peer.feed(peer.server_bytes(), cuts)
        assert peer.texts == messages
        frames = peer.client_frames()
        acks = [f.data.decode() for f in frames if f.opcode is Opcode.TEXT]
        assert acks == [f"ack:{t[:20]}" for t in messages]
        pongs = [bytes(f.data) for f in frames if f.opcode is Opcode.PONG]
        assert pongs == [f"p{i}".encode() for i, t in enumerate(messages) if pings[i]]
        assert peer.conn.is_open

    asyncio.run(run())


async def test_close_frame_hands_the_rest_to_websockets() -> None:
    peer = Peer()
    peer.server.send_text(b"before")
    peer.server.send_close(4000, "bye")
    peer.conn.data_received(peer.server_bytes())
    assert peer.texts == ["before"]
    assert peer.conn.closed.done()
    reason = peer.conn.closed.result()
    assert isinstance(reason, ConnectionError) and "4000" in str(reason)
    frames = peer.client_frames()
    assert [f.opcode for f in frames] == [Opcode.TEXT, Opcode.CLOSE]  # the ack, then the reply
    assert not peer.conn.is_open
    assert peer.conn.queue_text("late") is False


async def test_frame_over_the_limit_fails_the_connection() -> None:
    peer = Peer(echo=False)
    peer.server.send_text(b"ok")
    peer.server.send_text(b"y" * (LIMIT + 1))
    data = peer.server_bytes()
    peer.conn.data_received(data[:50])  # the big frame's header arrives first
    assert peer.texts == ["ok"]
    assert peer.conn.closed.done()
    frames = peer.client_frames()
    assert frames[-1].opcode is Opcode.CLOSE
    assert frames[-1].data[:2] == (1009).to_bytes(2, "big")  # message too big


async def test_masked_server_frame_is_a_protocol_error() -> None:
    peer = Peer(echo=False)
    payload = b"hello"
    key = b"\x01\x02\x03\x04"
    peer.conn.data_received(bytes((0x81, 0x80 | len(payload))) + key + _mask(payload, key))
    assert peer.texts == []
    assert peer.conn.closed.done()
    frames = peer.client_frames()
    assert frames[-1].opcode is Opcode.CLOSE
    assert frames[-1].data[:2] == (1002).to_bytes(2, "big")  # protocol error


async def test_partial_frame_then_eof_is_reported() -> None:
    peer = Peer(echo=False)
    peer.server.send_text(b"x" * 300)
    data = peer.server_bytes()
    peer.conn.data_received(data[:100])
    peer.conn.eof_received()
    assert peer.texts == []
    assert peer.conn.closed.done()
    assert isinstance(peer.conn.closed.result(), ConnectionError)


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 125, 126, 65535, 65536])
def test_mask_round_trips(n: int) -> None:
    key = b"\xa1\xb2\xc3\xd4"
    data = bytes(range(256)) * (n // 256 + 1)
    data = data[:n]
    masked = _mask(data, key)
    assert len(masked) == n
    assert _mask(masked, key) == data
    assert all(masked[i] == data[i] ^ key[i % 4] for i in range(min(n, 64)))


def test_pure_python_mask_matches_websockets() -> None:
    from websockets.frames import Frame

    key = b"\x10\x20\x30\x40"
    for n in (0, 5, 130, 70000):
        data = bytes((i * 7) & 0xFF for i in range(n))
        assert _mask(data, key) == Frame(Opcode.TEXT, _mask(data, key)).data
        assert _mask(_mask(data, key), key) == data
    try:
        from websockets.speedups import apply_mask
    except ImportError:  # pragma: no cover - pure-Python websockets install
        return
    data = bytes(range(200))
    assert _mask(data, key) == apply_mask(data, key)
