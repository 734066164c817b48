"""Bench baseline: a bare websockets client that only parses and acks the same frames."""

from __future__ import annotations

import asyncio
import json
import sys
import time

from websockets.asyncio.client import connect


async def main(port: int, n: int) -> None:
    async with connect(f"ws://127.0.0.1:{port}", compression=None, ping_interval=None) as ws:
        await ws.send(
            json.dumps({"jsonrpc": "2.0", "id": "c1", "method": "signalwire.connect", "params": {}})
        )
        count = 0
        t0 = c0 = 0.0
        async for text in ws:
            msg = json.loads(text)
            if msg.get("method") == "signalwire.event":
                await ws.send(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {}}))
                et = msg["params"]["event_type"]
                if et == "calling.call.receive":
                    await ws.send(
                        json.dumps(
                            {
                                "jsonrpc": "2.0",
                                "id": "go",
                                "method": "signalwire.receive",
                                "params": {"contexts": ["go"]},
                            }
                        )
                    )
                elif et == "calling.call.state":
                    count += 1
                    if count == 1:
                        t0, c0 = time.perf_counter(), time.process_time()
                    if count == n:
                        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                        break
    print(json.dumps({"events_per_s": (n - 1) / wall, "cpu_us_per_event": cpu / (n - 1) * 1e6}))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
