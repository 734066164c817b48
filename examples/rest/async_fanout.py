"""Fan out 50 requests at once with AsyncRestClient.

    uv run python examples/rest/async_fanout.py [--fake]

Each request takes its own pooled keep-alive connection; ``max_connections`` (default
100) bounds how many are open at once.
"""

from __future__ import annotations

import asyncio
import time

from _platform import platform

from signalwire.rest import AsyncRestClient

UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


async def fan_out(settings: dict[str, str]) -> None:
    async with AsyncRestClient(**settings) as client:
        start = time.perf_counter()
        lookups = [client.fabric.ai_agents.get(UUID) for _ in range(25)]
        lookups += [client.video.rooms.list(page_size=1) for _ in range(25)]
        results = await asyncio.gather(*lookups, return_exceptions=True)
        elapsed = time.perf_counter() - start
        failed = [r for r in results if isinstance(r, BaseException)]
        print(f"{len(results)} requests in {elapsed * 1000:.0f} ms, {len(failed)} failed")


def main() -> None:
    with platform() as settings:
        asyncio.run(fan_out(settings))


if __name__ == "__main__":
    main()
