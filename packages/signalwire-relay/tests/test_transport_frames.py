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

    def __init__(self, *, echo: bool = True, respond: bool = True) -> None:
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
        #: The handshake response (fed already unless ``respond`` is False).
        self.response = b"".join(self.server.data_to_send())
        if respond:
            self.conn.data_received(self.response)
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


# -- edge cases: every split point, bad frames in a batch -----------------------------------


def close_code(frame: Any) -> int:
    return int.from_bytes(frame.data[:2], "big")


def batch(peer: Peer) -> tuple[bytes, list[str]]:
    """Frames of every length encoding (7-bit, 16-bit, 64-bit), a ping and a fragmented
    message (a 3-byte character split across its fragments); returns (bytes, texts)."""
    texts = ["a", "b" * 126, "c" * 65536, "d" * 125, "frag\u20acment", "last"]
    peer.server.send_text(texts[0].encode())
    peer.server.send_text(texts[1].encode())
    peer.server.send_ping(b"p")
    peer.server.send_text(texts[2].encode())
    peer.server.send_text(texts[3].encode())
    frag = texts[4].encode()
    peer.server.send_text(frag[:5], fin=False)  # cuts the euro sign after its first byte
    peer.server.send_continuation(frag[5:6], fin=False)
    peer.server.send_continuation(frag[6:], fin=True)
    peer.server.send_text(texts[5].encode())
    return peer.server_bytes(), texts


def split_points(data: bytes) -> list[int]:
    """Every position, except inside the 64-bit frame's payload (its edges are kept)."""
    big = data.index(b"c" * 64)
    return [i for i in range(len(data) + 1) if i < big + 32 or i > big + 65536 - 32]


async def test_every_split_point_delivers_everything() -> None:
    probe = Peer()
    data, texts = batch(probe)
    for point in split_points(data):
        peer = Peer()
        assert batch(peer)[0] == data
        peer.conn.data_received(data[:point])
        peer.conn.data_received(data[point:])
        assert peer.texts == texts, f"split at byte {point}"
        frames = peer.client_frames()
        assert [f.opcode for f in frames].count(Opcode.PONG) == 1
        assert len([f for f in frames if f.opcode is Opcode.TEXT]) == len(texts)
        assert peer.conn.is_open


async def test_byte_by_byte_delivers_everything() -> None:
    peer = Peer()
    data, texts = batch(peer)
    for i in range(len(data)):
        peer.conn.data_received(data[i : i + 1])
    assert peer.texts == texts
    assert peer.conn.is_open


async def test_frames_in_the_handshake_read_cut_anywhere() -> None:
    """Frames arriving in the same read as the handshake response, that read ending at
    any byte (inside a header too: websockets then holds no bytes but is mid-frame)."""
    probe = Peer(respond=False)
    data, texts = batch(probe)
    for point in split_points(data):
        peer = Peer(respond=False)
        assert batch(peer)[0] == data
        peer.conn.data_received(peer.response + data[:point])
        peer.conn.data_received(data[point:])
        assert peer.texts == texts, f"handshake read ends at frame byte {point}"
        assert peer.conn.is_open


async def test_response_split_across_reads_then_frames() -> None:
    for point in range(1, 200):
        peer = Peer(respond=False)
        peer.server.send_text(b"x" * 130)
        data = peer.response + peer.server_bytes()
        peer.conn.data_received(data[:point])
        peer.conn.data_received(data[point:])
        assert peer.texts == ["x" * 130], f"split at byte {point}"


def raw_frame(first: int, payload: bytes, *, mask: bytes | None = None) -> bytes:
    n = len(payload)
    bit = 0x80 if mask is not None else 0
    if n < 126:
        head = bytes((first, bit | n))
    elif n < 65536:
        head = bytes((first, bit | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((first, bit | 127)) + n.to_bytes(8, "big")
    if mask is None:
        return head + payload
    return head + mask + _mask(payload, mask)


#: Frames that end the connection, with the close code the client sends.
BAD = {
    "masked": (raw_frame(0x81, b"masked", mask=b"\x01\x02\x03\x04"), 1002),
    "not utf-8": (raw_frame(0x81, b"ok \xff\xfe"), 1007),
    "stray continuation": (raw_frame(0x80, b"orphan"), 1002),
    "rsv bit": (raw_frame(0xC1, b"deflated?"), 1002),
    "too big": (raw_frame(0x81, b"y" * (LIMIT + 1)), 1009),
    "64-bit length above 2**63": (bytes((0x81, 127)) + (2**63 + 5).to_bytes(8, "big"), 1009),
    "server close": (raw_frame(0x88, (4000).to_bytes(2, "big") + b"bye"), 4000),
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(st.one_of(texts, st.just("ping")), max_size=5),
    bad=st.sampled_from(sorted(BAD)),
    after=st.lists(st.one_of(texts, st.just("ping")), min_size=1, max_size=3),
    cuts=st.lists(st.integers(min_value=0, max_value=10**6), max_size=8),
)
def test_bad_frame_in_a_batch_closes_and_stops_delivery(
    before: list[str], bad: str, after: list[str], cuts: list[int]
) -> None:
    """Whatever comes before a bad frame is delivered; nothing after it is; the client
    closes with the code websockets would use (or echoes the server's close)."""

    async def run() -> None:
        peer = Peer()
        chunks: list[bytes] = []
        for item in before:
            if item == "ping":
                peer.server.send_ping(b"p")
            else:
                peer.server.send_text(item.encode())
            chunks.append(peer.server_bytes())
        bad_bytes, code = BAD[bad]
        chunks.append(bad_bytes)
        for item in after:
            chunks.append(raw_frame(0x89, b"late") if item == "ping" else raw_frame(0x81, b"z"))
        peer.feed(b"".join(chunks), cuts)
        assert peer.texts == [t for t in before if t != "ping"]
        assert peer.conn.closed.done()
        assert not peer.conn.is_open
        frames = peer.client_frames()
        assert frames[-1].opcode is Opcode.CLOSE
        assert close_code(frames[-1]) == code
        assert [f.opcode for f in frames].count(Opcode.PONG) == before.count("ping")
        assert peer.conn.queue_text("late") is False

    asyncio.run(run())


async def test_invalid_utf8_reason_names_the_close() -> None:
    peer = Peer(echo=False)
    peer.conn.data_received(raw_frame(0x81, b"\xc3\x28"))
    reason = peer.conn.closed.result()
    assert isinstance(reason, ConnectionError) and "1007" in str(reason)


async def test_invalid_utf8_in_a_fragmented_message_closes_1007() -> None:
    peer = Peer(echo=False)
    peer.server.send_text(b"\xe2\x82", fin=False)
    peer.server.send_continuation(b"\x28", fin=True)  # not a valid 3-byte sequence
    peer.server.send_text(b"after")
    peer.conn.data_received(peer.server_bytes())
    assert peer.texts == []
    assert close_code(peer.client_frames()[-1]) == 1007


async def test_text_frame_during_a_fragmented_message_is_a_protocol_error() -> None:
    peer = Peer(echo=False)
    peer.server.send_text(b"part", fin=False)
    data = peer.server_bytes() + raw_frame(0x81, b"whole") + raw_frame(0x80, b"end")
    peer.conn.data_received(data)
    assert peer.texts == []
    assert close_code(peer.client_frames()[-1]) == 1002


async def test_continuation_after_a_cut_text_frame_is_a_protocol_error() -> None:
    """The fast path delivered the text frame itself; websockets still knows no message
    is open, so a continuation after it is refused."""
    peer = Peer(echo=False)
    peer.conn.data_received(raw_frame(0x81, b"cut here") + raw_frame(0x80, b"more"))
    assert peer.texts == ["cut here"]
    assert close_code(peer.client_frames()[-1]) == 1002


@pytest.mark.parametrize("n", [0, 125, 126, 65535, 65536, 70000])
def test_outgoing_frames_of_every_length_encoding(n: int) -> None:
    async def run() -> None:
        peer = Peer(echo=False)
        peer.server.send_text(b"x")
        peer.conn.data_received(peer.server_bytes())  # queue_text below uses the fast framing
        peer.conn.queue_text("q" * n)
        peer.conn._write_out()
        frames = peer.client_frames()
        assert [(f.opcode, bytes(f.data)) for f in frames] == [(Opcode.TEXT, b"q" * n)]

    asyncio.run(run())
