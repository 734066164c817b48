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


# -- side by side with the vendor, over real HTTP ----------------------------------------

FAKE_CHAT = """
import sys, uvicorn
from signalwire.testing.chat import FakeChatService
uvicorn.run(FakeChatService("p", "t", keepalive=0), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", access_log=False)
"""
OUR_CHAT_GATEWAY = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from signalwire.agents.ai_chat import AIChatClient, ChatGateway
client = AIChatClient("p", "t", url=f"http://127.0.0.1:{sys.argv[2]}/api/ai/chat")
gw = ChatGateway(config_url="https://a/swml", key="pk_b", client=client, secret="x" * 32,
                 max_new_conversations=10**9, max_turns=10**9)
app = Starlette(routes=[Mount("/chat", gw.router())])
print(gw.mint_handle("c0"), flush=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""
VENDOR_CHAT_GATEWAY = """
import sys, uvicorn
from fastapi import FastAPI
from signalwire.ai_chat import AIChatClient, ChatGateway
client = AIChatClient("p", "t", url=f"http://127.0.0.1:{sys.argv[2]}/api/ai/chat")
gw = ChatGateway(config_url="https://a/swml", key="pk_b", client=client, secret="x" * 32,
                 max_new_conversations=10**9, max_turns=10**9)
app = FastAPI()
app.include_router(gw.router(), prefix="/chat")
print(gw.mint_handle("c0"), flush=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def _wait_http(url: str, timeout: float = 30) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.post(url, content=b"{}", timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


async def _load(url: str, handle: str, seconds: float, concurrency: int = 32) -> float:
    """Requests/s over keep-alive connections with a minimal HTTP/1.1 client (asyncio streams):
    a client library would cost more than the gateways under test."""
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    payload = json.dumps({"message": "hi", "handle": handle}).encode()
    request = (
        "POST /chat/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer pk_b\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    done = 0
    stop = time.perf_counter() + seconds

    async def body(reader: asyncio.StreamReader, head: bytes) -> bytes:
        lines = head.lower().split(b"\r\n")
        length = [int(h.split(b":")[1]) for h in lines if h.startswith(b"content-length")]
        if length:
            return await reader.readexactly(length[0])
        chunks = []
        while True:  # chunked
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return b"".join(chunks)
            chunks.append(chunk[:-2])

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < stop:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            data = await body(reader, head)
            assert head.startswith(b"HTTP/1.1 200") and b"You said" in data, head + data
            done += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


def chat_side_by_side(vendor: str, seconds: float, rounds: int) -> dict[str, float]:
    """Gateway req/s for both SDKs: each gateway in its own process, the fake in another."""
    fake_port = _free_port()
    procs = [subprocess.Popen([sys.executable, "-c", FAKE_CHAT, str(fake_port)])]
    sides = {"ours": (sys.executable, OUR_CHAT_GATEWAY), "vendor": (vendor, VENDOR_CHAT_GATEWAY)}
    urls: dict[str, tuple[str, str]] = {}
    try:
        _wait_http(f"http://127.0.0.1:{fake_port}/api/ai/chat")
        for side, (python, code) in sides.items():
            port = _free_port()
            proc = subprocess.Popen(
                [python, "-c", code, str(port), str(fake_port)], stdout=subprocess.PIPE, text=True
            )
            procs.append(proc)
            assert proc.stdout is not None
            handle = proc.stdout.readline().strip()
            _wait_http(f"http://127.0.0.1:{port}/chat/")
            urls[side] = (f"http://127.0.0.1:{port}/chat/", handle)
        rates: dict[str, list[float]] = {side: [] for side in sides}
        for _ in range(rounds):
            for side, (url, handle) in urls.items():
                rates[side].append(asyncio.run(_load(url, handle, seconds)))
        return {side: statistics.median(values) for side, values in rates.items()}
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def vendor_mcp_gateway(vendor: str, calls: int) -> list[float] | None:
    """The vendor's gateway (Flask) on the same server and calls; None without Flask."""
    import httpx

    probe = subprocess.run([vendor, "-c", "import flask, flask_limiter"], capture_output=True)
    if probe.returncode:
        return None
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "config.json").write_text(
            json.dumps(
                {
                    "server": {
                        "host": "127.0.0.1",
                        "port": port,
                        "auth_user": "a",
                        "auth_password": "b",
                    },
                    "services": {
                        "todo": {
                            "command": [sys.executable, str(SERVER)],
                            "sandbox": {"enabled": False},
                        }
                    },
                    "session": {"sandbox_dir": str(Path(tmp) / "sandbox")},
                    "rate_limiting": {
                        "default_limits": ["1000000 per hour"],
                        "call_limit": "1000000 per minute",
                    },
                    "logging": {"level": "WARNING"},
                }
            )
        )
        code = "from signalwire.mcp_gateway.gateway_service import main; main()"
        proc = subprocess.Popen(
            [vendor, "-c", code, "-c", "config.json"],
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=("a", "b")) as c:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        c.get("/health")
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.05)
                body = {"tool": "list_todos", "session_id": "bench", "arguments": {}}
                c.post("/services/todo/call", json=body).raise_for_status()
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
    parser.add_argument("--seconds", type=float, default=3.0, help="per side and round (HTTP)")
    parser.add_argument("--rounds", type=int, default=3)
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

    vendor = os.environ.get("SIGNALWIRE_VENDOR_PYTHON")
    if not vendor:
        print("\n(SIGNALWIRE_VENDOR_PYTHON not set: no vendor figures)")
        return
    vg = vendor_mcp_gateway(vendor, args.calls)
    if vg is None:
        print("\n(the vendor interpreter lacks flask/flask-limiter: no vendor MCP figures)")
    else:
        v = statistics.median(vg) * 1000
        print("\n| MCP tools/call through the gateway (ms) | ours | vendor 3.7.5 | ratio |")
        print("|---|---:|---:|---:|")
        print(f"| median | {g:.3f} | {v:.3f} | {v / g:.1f}x |")
        print(f"| overhead over direct stdio | {g - d:.3f} | {v - d:.3f} | |")
    rates = chat_side_by_side(vendor, args.seconds, args.rounds)
    print(
        "\n| chat gateway over HTTP (uvicorn, fake in its own process) | ours | vendor 3.7.5 "
        "| ratio |"
    )
    print("|---|---:|---:|---:|")
    ratio = rates["ours"] / rates["vendor"]
    print(
        f"| requests/s (median of {args.rounds}) | {rates['ours']:,.0f} "
        f"| {rates['vendor']:,.0f} | {ratio:.1f}x |"
    )


if __name__ == "__main__":
    main()
