"""AI Chat gateway throughput and MCP gateway overhead.

    uv run python benchmarks/agents/toolbox.py [--calls N] [--requests N]

* Chat gateway: requests per second a ``ChatGateway`` mounted on an agent forwards to the
  fake AI Chat service (signalwire.testing.chat), everything in one process on one core:
  browser -> agent app -> gateway -> AIChatClient -> fake, in process through
  ``httpx.ASGITransport`` (32 requests in flight). Target: at least 1,000 requests/s.
* MCP gateway: the median time of one ``tools/call`` through the gateway (``mcp-gateway``
  in its own process, uvicorn on 127.0.0.1, one session, keep-alive HTTP) minus the median of
  the same call sent straight to the same MCP server over stdio. Target: at most 5 ms.

The vendor's MCP gateway needs Flask (its ``mcp-gateway`` extra) and its chat gateway
FastAPI; when ``SIGNALWIRE_VENDOR_PYTHON`` names an interpreter with them, their figures are
printed beside ours, otherwise only ours. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "examples" / "agents" / "mcp_gateway_demo" / "todo_server.py"


async def chat_rate(requests: int, concurrency: int = 32) -> float:
    import httpx

    from signalwire.agents import AgentBase
    from signalwire.agents.ai_chat import AIChatClient, ChatGateway
    from signalwire.testing.chat import FakeChatService

    fake = FakeChatService("p", "t", keepalive=0)
    upstream = httpx.AsyncClient(transport=httpx.ASGITransport(app=fake))
    client = AIChatClient("p", "t", url="http://chat.local/api/ai/chat", session=upstream)
    gw = ChatGateway(
        config_url="https://a/swml",
        key="pk_b",
        client=client,
        max_new_conversations=10**9,
        max_turns=10**9,
        secret="x" * 32,
    )
    agent = AgentBase("bench", basic_auth=("u", "p"))
    agent.mount(gw.router(), prefix="/chat")
    handles = [gw.mint_handle(f"c{i}") for i in range(concurrency)]
    for h in handles:
        await client.create_conversation(gw.read_handle(h), "https://a/swml")
    app = agent.get_app()

    async def post(body: bytes) -> tuple[int, bytes]:
        # A minimal ASGI driver plays the browser, so the figure is the gateway's and the
        # forwarding client's work rather than a client library's on the browser side too.
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/chat/",
            "raw_path": b"/chat/",
            "root_path": "",
            "query_string": b"",
            "server": ("b.local", 80),
            "client": ("127.0.0.1", 5000),
            "headers": [
                (b"host", b"b.local"),
                (b"authorization", b"Bearer pk_b"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        sent = False
        status, chunks = 0, []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(scope, receive, send)
        return status, b"".join(chunks)

    async def worker(handle: str, n: int) -> None:
        body = json.dumps({"message": "hi", "handle": handle}).encode()
        for _ in range(n):
            status, data = await post(body)
            assert status == 200 and b"You said" in data, data

    await worker(handles[0], 50)  # warm up
    per = requests // concurrency
    started = time.perf_counter()
    await asyncio.gather(*(worker(h, per) for h in handles))
    elapsed = time.perf_counter() - started
    await upstream.aclose()
    return per * concurrency / elapsed


def direct_stdio(calls: int) -> list[float]:
    proc = subprocess.Popen(
        [sys.executable, str(SERVER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert proc.stdin and proc.stdout

    def rpc(i: int, method: str, params: dict[str, Any]) -> Any:
        proc.stdin.write(
            json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n"
        )
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    rpc(
        0,
        "initialize",
        {
            "protocolVersion": "2025-03-26",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "1"},
        },
    )
    times = []
    for i in range(1, calls + 1):
        t = time.perf_counter()
        rpc(i, "tools/call", {"name": "list_todos", "arguments": {}})
        times.append(time.perf_counter() - t)
    proc.stdin.close()
    proc.wait(5)
    return times


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def through_gateway(calls: int) -> list[float]:
    import httpx

    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "server": {
                        "host": "127.0.0.1",
                        "port": port,
                        "auth_user": "a",
                        "auth_password": "b",
                    },
                    "services": {"todo": {"command": [sys.executable, str(SERVER)]}},
                    "session": {"sandbox_dir": str(Path(tmp) / "sandbox")},
                    "rate_limiting": {"call_limit": None},
                    "logging": {"level": "WARNING"},
                }
            )
        )
        code = "from signalwire.agents.mcp_gateway._cli import console_main; console_main()"
        proc = subprocess.Popen([sys.executable, "-c", code, "-c", str(config)])
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=("a", "b")) as c:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        c.get("/health")
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.05)
                body = {"tool": "list_todos", "session_id": "bench", "arguments": {}}
                c.post("/services/todo/call", json=body).raise_for_status()  # spawn the session
                times = []
                for _ in range(calls):
                    t = time.perf_counter()
                    c.post("/services/todo/call", json=body).raise_for_status()
                    times.append(time.perf_counter() - t)
        finally:
            proc.terminate()
            proc.wait(10)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--requests", type=int, default=4000)
    args = parser.parse_args()
    os.environ.setdefault("SWML_BASIC_AUTH_USER", "u")

    rates = [asyncio.run(chat_rate(args.requests)) for _ in range(3)]
    print("| chat gateway (in process, one core) | ours |")
    print("|---|---:|")
    print(f"| requests/s forwarded (median of 3) | {statistics.median(rates):,.0f} |")
    print("\nTarget: at least 1,000 requests/s.\n")

    direct = direct_stdio(args.calls)
    gateway = through_gateway(args.calls)
    d, g = statistics.median(direct) * 1000, statistics.median(gateway) * 1000
    p99 = sorted(gateway)[int(len(gateway) * 0.99) - 1] * 1000
    print("| MCP tools/call (ms) | median | p99 |")
    print("|---|---:|---:|")
    print(f"| direct stdio | {d:.3f} | {sorted(direct)[int(len(direct) * 0.99) - 1] * 1000:.3f} |")
    print(f"| through the gateway | {g:.3f} | {p99:.3f} |")
    print(f"| gateway overhead | {g - d:.3f} | |")
    print("\nTarget: overhead at most 5 ms.")


if __name__ == "__main__":
    main()
