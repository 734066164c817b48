"""The lean transport with frames the fake platform does not send: fragments,
WebSocket pings, binary frames, bad UTF-8, close codes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from signalwire.relay import RelayClient, RelayConnectionError


def event(call_id: str) -> str:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": f"evt-{call_id}",
            "method": "signalwire.event",
            "params": {
                "event_type": "calling.call.receive",
                "params": {
                    "call_id": call_id,
                    "node_id": "n",
                    "call_state": "created",
                    "context": "x",
                },
            },
        }
    )


async def test_fragments_pings_and_odd_frames(
    within: Any, make_client: Callable[..., RelayClient]
) -> None:
    from websockets.asyncio.server import ServerConnection, serve

    acks: list[str] = []
    pong_ok = asyncio.Event()
    closing = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        req = json.loads(await ws.recv())
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": {"protocol": "p1"}}))
        text = event("frag-1")
        await ws.send([text[:10], text[10:40], text[40:]])  # one message in three fragments
        await ws.send(b"\x00\x01binary")  # not for us: ignored
        waiter = await ws.ping()
        await waiter  # the client's protocol answers WebSocket pings
        pong_ok.set()
        await ws.send(event("after-1"))
        async for msg in ws:
            data = json.loads(msg)
            if "result" in data:
                acks.append(data["id"])
                if data["id"] == "evt-after-1":
                    closing.set()
                    await ws.close(4000, "custom")

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        c = make_client(host=f"ws://127.0.0.1:{port}", reconnect_min_delay=5, reconnect_max_delay=5)
        seen: list[str] = []
        disconnected: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        c.on_call(lambda call: seen.append(call.call_id))
        c.on_disconnected(lambda err: disconnected.done() or disconnected.set_result(err))
        async with c:
            await within(pong_ok.wait(), "the pong to the server's WebSocket ping")
            await within(closing.wait(), "the ack of evt-after-1")
            await within(disconnected, "on_disconnected after the 4000 close")
            assert c.state == "reconnecting"
    assert seen == ["frag-1", "after-1"]
    assert acks[:2] == ["evt-frag-1", "evt-after-1"]


async def test_invalid_utf8_text_closes_with_1007(
    make_client: Callable[..., RelayClient], within: Callable[..., Any]
) -> None:
    """A text frame that is not UTF-8 fails the connection with 1007, as websockets'
    own connections do; frames after it in the same read are not delivered."""
    from websockets.asyncio.server import ServerConnection, serve

    codes: list[int | None] = []
    logins = 0
    second = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        nonlocal logins
        req = json.loads(await ws.recv())
        logins += 1
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": {"protocol": "p1"}}))
        if logins == 1:
            for frame in (
                event("before-1").encode(),
                b"\xff\xfe not utf-8",
                event("after-1").encode(),
            ):
                ws.protocol.send_text(frame)
            ws.send_data()  # all three in one write
            await ws.wait_closed()
            codes.append(ws.close_code)
            return
        second.set()
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        c = make_client(host=f"ws://127.0.0.1:{port}")
        seen: list[str] = []
        c.on_call(lambda call: seen.append(call.call_id))
        async with c:
            await within(second.wait(), "the client to log in again after the 1007 close")
    assert codes == [1007]
    assert seen == ["before-1"]


async def test_server_close_fails_in_flight_at_once(
    make_client: Callable[..., RelayClient],
) -> None:
    """A close frame (even with the TCP connection left open) ends the session promptly."""
    from websockets.asyncio.server import ServerConnection, serve

    async def handler(ws: ServerConnection) -> None:
        req = json.loads(await ws.recv())
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": {"protocol": "p1"}}))
        await ws.recv()  # the request we will never answer
        ws.protocol.send_close(1001, "going away")
        ws.send_data()  # close frame out, but the TCP connection stays up
        await ws.wait_closed()  # until the client gives up on it

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        c = make_client(host=f"ws://127.0.0.1:{port}", reconnect_min_delay=5, reconnect_max_delay=5)
        async with c:
            loop = asyncio.get_running_loop()
            start = loop.time()
            with pytest.raises(RelayConnectionError, match="connection lost"):
                await c.execute("signalwire.receive", {"contexts": ["x"]}, timeout=5)
            assert loop.time() - start < 1.0
