"""A few requests over real sockets: the agent on uvicorn on 127.0.0.1, and hello_agent.py."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from agents_testkit import CREDS, ai_of, swaig_body, swml_fetch_body, token_from

from signalwire.agents import AgentBase, FunctionResult
from signalwire.testing.swml import validate_swml

REPO = Path(__file__).resolve().parents[3]


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@pytest.fixture
async def served() -> AsyncIterator[tuple[AgentBase, str]]:
    import uvicorn

    agent = AgentBase("live", route="/live", basic_auth=CREDS, swaig_secret="live-secret")
    agent.prompt_add_section("Role", "You are live.")

    @agent.tool
    async def lookup(order_id: str) -> FunctionResult:
        """Look up an order."""
        return FunctionResult(f"order {order_id} shipped")

    sock = bound_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(agent.get_app(), log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield agent, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


async def test_over_real_http(served: tuple[AgentBase, str]) -> None:
    _agent, base = served
    async with httpx.AsyncClient(base_url=base, auth=CREDS, timeout=10) as client:
        resp = await client.post("/live/", json=swml_fetch_body("real-1"))
        assert resp.status_code == 200
        doc = validate_swml(resp.json())
        url = ai_of(doc)["SWAIG"]["functions"][0]["web_hook_url"]
        # A loopback Host header is not a public address: the configured host:port is used.
        assert url.startswith("http://signalwire:s3cret@localhost:3000/live/swaig/?__token=")
        token = token_from(url)
        resp = await client.post(
            f"/live/swaig/?__token={token}", json=swaig_body("lookup", {"order_id": "7"}, "real-1")
        )
        assert resp.json() == {"response": "order 7 shipped"}
        results = await asyncio.gather(
            *(client.post("/live/", json=swml_fetch_body(f"c{i}")) for i in range(20))
        )
        assert {r.status_code for r in results} == {200}
        assert (await client.get("/health")).json()["status"] == "healthy"
    async with httpx.AsyncClient(base_url=base, timeout=10) as anonymous:
        resp = await anonymous.post("/live/", json={})
        assert resp.status_code == 401
    # A declared oversize body is refused before it is read.
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    auth = base64.b64encode(f"{CREDS[0]}:{CREDS[1]}".encode()).decode()
    writer.write(
        (
            "POST /live/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Authorization: Basic {auth}\r\nContent-Length: {11 * 1024 * 1024}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    assert status_line.startswith(b"HTTP/1.1 413"), status_line
    writer.close()


async def test_hello_agent_example_starts_and_prints_credentials() -> None:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()  # free it for the child; a race here only fails the test loudly
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    for name in ("SWML_BASIC_AUTH_USER", "SWML_BASIC_AUTH_PASSWORD", "SWML_PROXY_URL_BASE"):
        env.pop(name, None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "examples" / "agents" / "hello_agent.py"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert proc.stdout is not None
        lines: dict[str, str] = {}

        async def read_until_running() -> None:
            while True:
                line = (await proc.stdout.readline()).decode()  # type: ignore[union-attr]
                if not line:
                    raise AssertionError(f"example exited early: {lines}")
                key, _, value = line.partition(":")
                lines[key.strip()] = value.strip()
                if "Uvicorn running" in line or "Application startup complete" in line:
                    return

        await asyncio.wait_for(read_until_running(), 30)
        assert lines["SWML URL"] == f"http://localhost:{port}/"
        user, password = lines["Basic auth"].split(" ")[0].split(":", 1)
        assert user == "signalwire"
        assert len(password) > 20
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            resp = await client.post("/", json=swml_fetch_body(), auth=(user, password))
            assert resp.status_code == 200
            validate_swml(resp.json())
            resp = await client.post(
                "/swaig/", json=swaig_body("get_time", {}), auth=(user, password)
            )
            assert resp.json()["response"].startswith("It is ")
            assert (await client.post("/", json={})).status_code == 401
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)


def test_examples_compile() -> None:
    for path in sorted((REPO / "examples" / "agents").glob("*.py")):
        compile(path.read_text(), str(path), "exec")
