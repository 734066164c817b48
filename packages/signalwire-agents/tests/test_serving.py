"""serve()/run() on real sockets: deadlines for slow clients, the banner, port in use, workers."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from agents_testkit import CREDS, ai_of, swaig_body, swml_fetch_body, token_from
from serving_helpers import ServerProcess, env_for, write_script

from signalwire.agents._hosting.serving import fast_mode
from signalwire.testing.swml import validate_swml

REQUEST = (
    b"POST /live/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic c2lnbmFsd2lyZTpzM2NyZXQ=\r\n"
    b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
)


PARSERS = ["h11"] + (["httptools"] if fast_mode()[0] else [])


@pytest.fixture(scope="module", params=PARSERS)
def server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[ServerProcess]:
    script = write_script(tmp_path_factory.mktemp("serve"))
    settings = {"request_timeout": 1, "timeout_keep_alive": 30, "http": request.param}
    env = {**env_for(**settings), "SLOW_SECONDS": "1.5"}
    proc = ServerProcess(script, env)
    yield proc
    proc.stop()


async def read_until_closed(reader: asyncio.StreamReader, timeout: float = 15) -> bytes:
    """Everything the server sends until it closes the connection."""
    return await asyncio.wait_for(reader.read(-1), timeout)


async def test_idle_connection_is_closed(server: ServerProcess) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    data = await read_until_closed(reader)
    assert data.startswith(b"HTTP/1.1 408 ")
    assert data.endswith(b'{"error": "request timeout"}')
    writer.close()


async def test_partial_headers_are_cut_off(server: ServerProcess) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(REQUEST[:40])
    await writer.drain()
    assert (await read_until_closed(reader)).startswith(b"HTTP/1.1 408 ")
    writer.close()


async def test_partial_body_is_cut_off(server: ServerProcess) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(REQUEST.replace(b"Content-Length: 2", b"Content-Length: 500"))
    await writer.drain()
    assert (await read_until_closed(reader)).startswith(b"HTTP/1.1 408 ")
    writer.close()


async def test_byte_by_byte_sender_is_cut_off(server: ServerProcess) -> None:
    """A trickle does not extend the deadline: the connection ends before the request is sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    sent = 0
    data = b""
    while sent < len(REQUEST):
        writer.write(REQUEST[sent : sent + 1])
        sent += 1
        try:
            await writer.drain()
            # Wait for the server's answer; if none comes quickly, send the next byte.
            data = await asyncio.wait_for(reader.read(-1), 0.1)
            break
        except asyncio.TimeoutError:
            continue
        except ConnectionError:
            break
    assert sent < len(REQUEST)
    assert data.startswith(b"HTTP/1.1 408 ") or data == b""
    writer.close()


async def test_complete_requests_keep_alive_and_slow_handlers_finish(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base, auth=CREDS, timeout=15) as client:
        for _ in range(3):
            resp = await client.post("/live/", json=swml_fetch_body("k1"))
            assert resp.status_code == 200
        validate_swml(resp.json())
        # The handler takes longer than request_timeout: the request itself arrived in time.
        resp = await client.post("/live/swaig/", json=swaig_body("slow", {}, "k1"))
        assert resp.json() == {"response": "finally"}


def test_banner_hides_a_configured_password(server: ServerProcess) -> None:
    text = "".join(server.output)
    assert "serving SWML at http://localhost:" in text
    assert "basic auth user 'signalwire', password from SWML_BASIC_AUTH_USER" in text
    assert "s3cret" not in text
    assert 'curl -u "signalwire:$SWML_BASIC_AUTH_PASSWORD"' in text


def test_generated_password_is_shown_and_json_logs(tmp_path: Path) -> None:
    env = {"SIGNALWIRE_LOG_FORMAT": "json", "SERVE_SETTINGS": "{}"}
    proc = ServerProcess(write_script(tmp_path), {**env, "SWML_BASIC_AUTH_USER": ""})
    try:
        text = "".join(proc.output)
    finally:
        proc.stop()
    match = re.search(r"password '([^']+)' \(generated for this process\)", text)
    assert match, text
    assert f"curl -u 'signalwire:{match.group(1)}'" in text
    import json

    banner = [json.loads(line) for line in text.splitlines() if "serving SWML" in line]
    assert banner and banner[0]["logger"] == "signalwire.agents.serve"
    assert banner[0]["level"] == "info"


def test_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    script = write_script(tmp_path)
    import os
    import subprocess
    import sys

    try:
        proc = subprocess.run(
            [sys.executable, str(script)],
            env={**os.environ, **env_for(), "PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        holder.close()
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: cannot listen on 127.0.0.1:{port}: the port is already in use "
        "(stop the other server, or choose another port with PORT= or port=)"
    ]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "serving SWML" not in proc.stdout + proc.stderr


async def test_two_workers_share_one_port_and_tokens(tmp_path: Path) -> None:
    proc = ServerProcess(write_script(tmp_path), env_for(workers=2))
    try:
        assert "(2 worker processes)" in "".join(proc.output)
        async with httpx.AsyncClient(base_url=proc.base, auth=CREDS, timeout=15) as client:
            doc = validate_swml((await client.post("/live/", json=swml_fetch_body("w1"))).json())
        url = next(
            f["web_hook_url"] for f in ai_of(doc)["SWAIG"]["functions"] if f["function"] == "whoami"
        )
        token = token_from(url)
        pids: set[str] = set()
        for _ in range(40):  # fresh connections: the kernel spreads them over both sockets
            async with httpx.AsyncClient(base_url=proc.base, auth=CREDS, timeout=15) as client:
                resp = await client.post(
                    f"/live/swaig/?__token={token}", json=swaig_body("whoami", {}, "w1")
                )
            answer = resp.json()["response"]
            assert answer.isdigit(), answer  # never the token refusal: one secret for both
            pids.add(answer)
            if len(pids) == 2:
                break
        assert len(pids) == 2
    finally:
        assert proc.stop() in (0, -15)


async def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    import os
    import signal

    proc = ServerProcess(write_script(tmp_path), env_for(workers=2))
    try:
        started = proc.wait_for_line(
            re.compile(r"started 2 worker processes: \[(\d+), (\d+)\]"), 30
        )
        assert started is not None
        os.kill(int(started.group(1)), signal.SIGKILL)
        replaced = proc.wait_for_line(re.compile(r"exited with -9; starting a new one"), 30)
        assert replaced is not None
        async with httpx.AsyncClient(base_url=proc.base, auth=CREDS, timeout=15) as client:
            for _ in range(5):
                assert (await client.post("/live/", json=swml_fetch_body("d1"))).status_code == 200
    finally:
        assert proc.stop() in (0, -15)


async def test_stalled_body_after_an_early_answer_is_closed(server: ServerProcess) -> None:
    """No credentials: the 401 comes at once; the unread, stalled body still ends the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        b"POST /live/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 500\r\n\r\n{"
    )
    await writer.drain()
    data = await read_until_closed(reader)
    assert data.startswith(b"HTTP/1.1 401 ")
    writer.close()


@pytest.mark.parametrize("workers", [1, 2])
async def test_stop_from_a_tool_ends_the_server(tmp_path: Path, workers: int) -> None:
    proc = ServerProcess(write_script(tmp_path), env_for(workers=workers))
    try:
        async with httpx.AsyncClient(base_url=proc.base, auth=CREDS, timeout=15) as client:
            resp = await client.post("/live/swaig/", json=swaig_body("shutdown", {}, "s-1"))
        assert resp.json() == {"response": "stopping"}
        assert proc.proc.wait(timeout=30) == 0  # every worker and the parent exit cleanly
    finally:
        proc.stop()


SERVER_SCRIPT = """
import os
from signalwire.agents import AgentBase, AgentServer

server = AgentServer(host="127.0.0.1", port=0)
for name in ("sales", "support"):
    agent = AgentBase(name, route=f"/{name}")
    agent.prompt_add_section("Role", f"You are {name}.")
    agent.define_tool("pid", "Which process", {}, lambda args, raw: str(os.getpid()))
    server.register(agent)
server.run(workers=2, request_timeout=1)
"""


async def test_agent_server_takes_the_serving_settings(tmp_path: Path) -> None:
    proc = ServerProcess(write_script(tmp_path, SERVER_SCRIPT), env_for())
    try:
        text = "".join(proc.output)
        assert "(2 worker processes)" in text and "sales: serving SWML at" in text
        async with httpx.AsyncClient(base_url=proc.base, auth=CREDS, timeout=15) as client:
            for route in ("/sales", "/support"):
                doc = validate_swml((await client.post(f"{route}/", json=swml_fetch_body())).json())
                url = ai_of(doc)["SWAIG"]["functions"][0]["web_hook_url"]
                assert url.startswith(
                    f"http://signalwire:s3cret@localhost:{proc.port}{route}/swaig/"
                )
        reader, writer = await asyncio.open_connection("127.0.0.1", proc.port)
        assert (await read_until_closed(reader)).startswith(b"HTTP/1.1 408 ")
        writer.close()
    finally:
        assert proc.stop() in (0, -15)
