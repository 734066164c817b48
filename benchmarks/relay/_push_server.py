"""Bench-only push server: answers the handshake, offers one call, then on the
client's go signal (a ``signalwire.receive``) pushes N pre-serialised
``calling.call.state`` events and counts the acks with a substring check.

Run as ``python _push_server.py PORT_FILE N``; it serves until killed. With N = 0 it
only answers the connect (no call is offered): what ``coldstart.py`` measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

CALL = "bench-call-1"
NODE = "bench-node-1"


def frame(i: int, event_type: str, params: dict[str, object]) -> str:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": f"evt-{i:08d}-0000-0000-0000-000000000000",
            "method": "signalwire.event",
            "params": {
                "event_type": event_type,
                "event_channel": "signalwire_bench",
                "timestamp": 1700000000.0 + i / 1000,
                "project_id": "00000000-0000-0000-0000-000000000001",
                "space_id": "00000000-0000-0000-0000-000000000002",
                "params": params,
            },
        },
        separators=(",", ":"),
    )


def burst(n: int) -> list[str]:
    device = {
        "type": "phone",
        "params": {"from_number": "+15550001111", "to_number": "+15550002222"},
    }
    return [
        frame(
            i + 10,
            "calling.call.state",
            {
                "call_id": CALL,
                "node_id": NODE,
                "segment_id": "seg-1",
                "tag": "",
                "call_state": "ringing" if i % 2 else "answered",
                "direction": "inbound",
                "device": device,
            },
        )
        for i in range(n)
    ]


def encode(text: str) -> bytes:
    """A complete unmasked WebSocket text frame (server to client)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes([0x81, size])
    elif size < 65536:
        header = bytes([0x81, 126]) + size.to_bytes(2, "big")
    else:
        header = bytes([0x81, 127]) + size.to_bytes(8, "big")
    return header + payload


async def main(port_file: str, n: int) -> None:
    wire = [encode(f) for f in burst(n)]
    receive = frame(
        1,
        "calling.call.receive",
        {
            "call_id": CALL,
            "node_id": NODE,
            "call_state": "created",
            "context": "bench",
            "direction": "inbound",
            "device": {"type": "phone", "params": {"from_number": "+1", "to_number": "+2"}},
        },
    )

    async def handler(ws: ServerConnection) -> None:
        # a cold-start client leaves without a close frame: expected here
        with contextlib.suppress(ConnectionClosed):
            await serve_one(ws)

    async def serve_one(ws: ServerConnection) -> None:
        acks = 0
        async for msg in ws:
            text = msg if isinstance(msg, str) else msg.decode()
            if '"method"' not in text:
                acks += 1  # an event ack (cheap check: the server must not be the bottleneck)
                continue
            req = json.loads(text)
            method = req["method"]
            if method == "signalwire.connect":
                result = {"identity": "bench", "protocol": "signalwire_bench", "authorization": {}}
                await ws.send(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": result}))
                if n:  # N = 0 (the cold-start benchmark): a connect answered, no call offered
                    await ws.send(receive)
            elif method == "signalwire.receive":
                await ws.send(
                    json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "id": req["id"],
                            "result": {"code": "200", "message": "go"},
                        }
                    )
                )
                # pre-encoded server frames written in chunks: the server must not be
                # the bottleneck (it shares the 2 cores with the client under test)
                transport = ws.transport
                for i in range(0, len(wire), 256):
                    transport.write(b"".join(wire[i : i + 256]))
                    while transport.get_write_buffer_size() > 4 * 1024 * 1024:  # noqa: ASYNC110
                        await asyncio.sleep(0.001)  # bench-only back-pressure
                    await asyncio.sleep(0)
            else:
                await ws.send(
                    json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": {"code": "200"}})
                )

    async with serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        Path(port_file).write_text(str(port))  # noqa: ASYNC240 - once, at start-up
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
