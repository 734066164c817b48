"""signalwire-testing benchmarks: the offline platform's own capacity.

    uv run python benchmarks/testing/run.py [--calls 1000] [--requests 4000] [--tool-calls 2000]
                                            [--only relay|rest|tool]

* fake RELAY: ``--calls`` concurrent scripted inbound calls, each answered, played to
  the end and hung up by a ``RelayClient``; all calls are live at once (target 1,000);
* fake REST over real HTTP (uvicorn on 127.0.0.1): req/s of ``GET`` list calls from
  4 keep-alive stdlib ``http.client`` connections, each answer's status and body checked
  (target >= 2,000 req/s);
* in-process ``AgentSession`` tool call (ASGI, token, actions applied): ms per call
  (target < 1 ms), beside the vendor SDK's own in-process route for the same request
  (signalwire-sdk 3.7.5's ``/swaig/`` through httpx's ASGI transport, when
  ``SIGNALWIRE_VENDOR_PYTHON`` is set): the vendor ships no platform simulator, so its
  figure is the bare HTTP round trip without SWML fetch/validation or state.

Prints a markdown table and exits 0. Final figures are taken on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

VENDOR_TOOL_CALL = r"""
import asyncio, sys, time, httpx
from signalwire import AgentBase
from signalwire.core.function_result import SwaigFunctionResult
agent = AgentBase(name="bench", route="/", basic_auth=("u", "p"))
agent.define_tool("ping", "Ping", {}, lambda args, raw: SwaigFunctionResult("pong").update_global_data({"n": 1}), secure=False)
app = agent.get_app()
n = int(sys.argv[1])
body = {"function": "ping", "argument": {"parsed": [{}], "raw": "{}"}, "call_id": "c1"}
async def main():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a", auth=("u", "p")) as c:
        for _ in range(20):
            r = await c.post("/swaig/", json=body, follow_redirects=True)
            assert r.status_code == 200 and "pong" in r.text, (r.status_code, r.text[:200])
        start = time.perf_counter()
        for _ in range(n):
            r = await c.post("/swaig/", json=body, follow_redirects=True)
        print((time.perf_counter() - start) / n * 1000)
asyncio.run(main())
"""


def vendor_python() -> str | None:
    candidate = os.environ.get("SIGNALWIRE_VENDOR_PYTHON") or "/work/vendor-venv/bin/python"
    return candidate if Path(candidate).exists() else None


async def relay_calls(count: int) -> tuple[float, int]:
    """Seconds for ``count`` concurrent scripted calls; the peak of live calls."""
    from signalwire.relay import RelayClient
    from signalwire.testing.relay import FakeRelayServer

    server = FakeRelayServer(project="p", token="t", journal=False)
    server.set_duration("play", None)  # every play runs until all calls are live
    await server.start()
    answered = 0
    all_live = asyncio.Event()
    finished = asyncio.Event()
    ended = 0
    client = RelayClient("p", "t", host=server.url, contexts=["bench"], max_active_calls=count + 10)

    @client.on_call
    async def handle(call: Any) -> None:
        nonlocal answered, ended
        await call.answer()
        play = await call.play_tts("hello")
        answered += 1
        if answered == count:
            all_live.set()
        await all_live.wait()
        await play.stop()
        await call.hangup()
        ended += 1
        if ended == count:
            finished.set()

    try:
        async with client:
            await server.wait_connected(timeout=10)
            start = time.perf_counter()
            for _ in range(count):
                server.inbound_call("bench")
            await asyncio.wait_for(finished.wait(), timeout=max(60, count / 5))
            elapsed = time.perf_counter() - start
    finally:
        await server.stop()
    return elapsed, answered


def rest_rps(total: int, clients: int = 4) -> float:
    """req/s against ``python -m signalwire.testing.rest`` in its own process (as users run
    it standalone), from ``clients`` keep-alive clients in this one."""
    import base64
    import http.client
    from urllib.parse import urlsplit

    from signalwire.testing.rest import FakeRestPlatform

    proc = subprocess.Popen(
        [sys.executable, "-m", "signalwire.testing.rest", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # printed once the socket listens
        base_url = first.rsplit(" ", 1)[-1].strip()
        basic = base64.b64encode(":".join(FakeRestPlatform().auth).encode()).decode()
        headers = {"Authorization": f"Basic {basic}", "Accept": "application/json"}
        where = urlsplit(base_url)
        per = total // clients
        barrier = threading.Barrier(clients + 1)

        # stdlib keep-alive clients: httpx's sync client costs ~0.7 ms of CPU a request
        # under the GIL, which capped the figure near 1,100 req/s whatever the server did.
        def get(conn: http.client.HTTPConnection) -> None:
            conn.request("GET", "/api/video/rooms", headers=headers)
            answer = conn.getresponse()
            body = answer.read()
            if answer.status != 200 or not body.startswith(b"{"):
                raise RuntimeError(f"fake REST answered {answer.status}: {body[:200]!r}")

        def worker() -> None:
            conn = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port)
            try:
                get(conn)
                barrier.wait()
                for _ in range(per):
                    get(conn)
            finally:
                conn.close()

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        return per * clients / (time.perf_counter() - start)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def tool_call_ms(count: int) -> float:
    from signalwire.agents import AgentBase, FunctionResult
    from signalwire.testing.agents import AgentSession

    agent = AgentBase(name="bench", route="/", basic_auth=("u", "p"))
    agent.define_tool(
        "ping", "Ping", {}, lambda a, r: FunctionResult("pong").update_global_data({"n": 1})
    )
    async with AgentSession(agent) as call:
        for _ in range(20):
            await call.call_tool("ping")
        start = time.perf_counter()
        for _ in range(count):
            await call.call_tool("ping")
        return (time.perf_counter() - start) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--tool-calls", type=int, default=2000)
    parser.add_argument(
        "--only", choices=("relay", "rest", "tool"), help="run one figure (the others: skipped)"
    )
    opts = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)

    wanted = {opts.only} if opts.only else {"relay", "rest", "tool"}
    relay = asyncio.run(relay_calls(opts.calls)) if "relay" in wanted else None
    rps = rest_rps(opts.requests) if "rest" in wanted else None
    ours_ms = asyncio.run(tool_call_ms(opts.tool_calls)) if "tool" in wanted else None
    vendor = vendor_python() if ours_ms is not None else None
    vendor_ms = "n/a (set SIGNALWIRE_VENDOR_PYTHON)"
    if vendor:
        out = subprocess.run(
            [vendor, "-c", VENDOR_TOOL_CALL, str(opts.tool_calls)],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        lines = out.stdout.strip().splitlines()
        vendor_ms = (
            f"{float(lines[-1]):.3f} ms (bare /swaig/ round trip, secure=False)"
            if out.returncode == 0 and lines
            else f"failed: {out.stderr.strip()[-200:]}"
        )

    print("| benchmark | signalwire-testing | target | signalwire-sdk 3.7.5 |")
    print("|---|---|---|---|")
    if relay is not None:
        elapsed, peak = relay
        print(
            f"| fake RELAY, concurrent scripted calls | {peak} live at once, all done in {elapsed:.2f} s | 1,000 | no fake platform |"
        )
    if rps is not None:
        print(
            f"| fake REST over HTTP, GET /api/video/rooms (4 clients) | {rps:,.0f} req/s | >= 2,000 req/s | no fake platform |"
        )
    if ours_ms is not None:
        print(f"| AgentSession tool call, in process | {ours_ms:.3f} ms | < 1 ms | {vendor_ms} |")


if __name__ == "__main__":
    sys.exit(main())
