"""Bench client: the vendor's signalwire-sdk 3.7.5 RelayClient (run with the vendor's python).

The vendor client only speaks wss://; inside this process only, its
``websockets.connect`` is wrapped to use ws:// without TLS, so both clients
meet the same plain-WebSocket fake. Prints events/s and CPU µs/event as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import websockets

_original_connect = websockets.connect


def _plain_connect(uri: str, *args: Any, **kwargs: Any) -> Any:
    kwargs.pop("ssl", None)
    return _original_connect(uri.replace("wss://", "ws://", 1), *args, **kwargs)


websockets.connect = _plain_connect  # type: ignore[assignment]

from signalwire.relay import RelayClient  # noqa: E402  (after the wrap)


async def main(port: int, n: int) -> None:
    client = RelayClient(project="p", token="t", host=f"127.0.0.1:{port}")
    done = asyncio.get_running_loop().create_future()
    stamps: dict[str, float] = {}
    count = 0

    def on_state(_ev: Any) -> None:
        nonlocal count
        count += 1
        if count == 1:
            stamps["t0"], stamps["c0"] = time.perf_counter(), time.process_time()
        if count == n:
            stamps["t1"], stamps["c1"] = time.perf_counter(), time.process_time()
            done.set_result(None)

    @client.on_call
    async def on_call(call: Any) -> None:
        call.on("calling.call.state", on_state)
        await client.receive(["go"])

    await client.connect()
    try:
        await asyncio.wait_for(done, 300)
    finally:
        await client.disconnect()
    wall = stamps["t1"] - stamps["t0"]
    cpu = stamps["c1"] - stamps["c0"]
    print(json.dumps({"events_per_s": (n - 1) / wall, "cpu_us_per_event": cpu / (n - 1) * 1e6}))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
