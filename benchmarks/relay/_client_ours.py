"""Bench client: signalwire.relay's RelayClient. Prints events/s and CPU µs/event as JSON."""

from __future__ import annotations

import asyncio
import json
import sys
import time

from signalwire.relay import Call, RelayClient, RelayEvent


async def main(port: int, n: int) -> None:
    client = RelayClient("p", "t", host=f"ws://127.0.0.1:{port}", environ={}, ping_interval=0)
    done = asyncio.get_running_loop().create_future()
    stamps: dict[str, float] = {}
    count = 0

    def on_state(_ev: RelayEvent) -> None:
        nonlocal count
        count += 1
        if count == 1:
            stamps["t0"], stamps["c0"] = time.perf_counter(), time.process_time()
        if count == n:
            stamps["t1"], stamps["c1"] = time.perf_counter(), time.process_time()
            done.set_result(None)

    async def on_call(call: Call) -> None:
        call.on("calling.call.state", on_state)
        await client.receive(["go"])

    client.on_call(on_call)
    async with client:
        await asyncio.wait_for(done, 120)
    wall = stamps["t1"] - stamps["t0"]
    cpu = stamps["c1"] - stamps["c0"]
    print(json.dumps({"events_per_s": (n - 1) / wall, "cpu_us_per_event": cpu / (n - 1) * 1e6}))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
