"""Static files are streamed: a large file served to slow clients keeps the server's memory flat.

The server runs in its own process (AgentServer and WebService on uvicorn); its resident memory
is read from /proc while several clients hold GETs of a 96 MB file half-read and send HEADs.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")

BIG = 96 * 1024 * 1024

SERVER = """
import socket, sys, uvicorn
from signalwire.agents import AgentServer, WebService

directory, kind = sys.argv[1], sys.argv[2]
if kind == "agent_server":
    server = AgentServer()
    server.serve_static_files(directory, "/files")
    app = server.app
else:
    app = WebService(directories={"/files": directory}, basic_auth=("u", "p")).app
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen(64)
print(sock.getsockname()[1], flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:  # sparse: costs no disk, but a whole-file read costs memory
        handle.truncate(BIG)
        handle.seek(BIG - 5)
        handle.write(b"tail!")
    (tmp_path / "small.txt").write_text("0123456789")
    return tmp_path


@pytest.fixture(params=["agent_server", "web_service"])
def server(request: pytest.FixtureRequest, site: Path) -> Iterator[tuple[int, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(site), request.param],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield proc.pid, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


async def test_slow_gets_and_heads_of_a_large_file_keep_memory_flat(
    server: tuple[int, str],
) -> None:
    pid, base = server
    async with httpx.AsyncClient(base_url=base, auth=("u", "p"), timeout=30) as client:
        assert (await client.get("/files/small.txt")).text == "0123456789"  # warm up
        before = rss_kib(pid)
        for _ in range(4):
            head = await client.head("/files/big.bin")
            assert head.status_code == 200
            assert head.headers["content-length"] == str(BIG)
            assert head.headers["accept-ranges"] == "bytes"
        streams = [client.stream("GET", "/files/big.bin") for _ in range(4)]
        responses = [await s.__aenter__() for s in streams]
        try:
            for resp in responses:  # read a little of each and then stall
                assert resp.status_code == 200
                got = 0
                async for chunk in resp.aiter_raw():
                    got += len(chunk)
                    if got >= 1024 * 1024:
                        break
            await asyncio.sleep(0)  # let the server run: its sends block on full socket buffers
            during = rss_kib(pid)
        finally:
            for s in streams:
                await s.__aexit__(None, None, None)
        # A whole-file read would add 96 MB per request; streaming holds a few chunks each.
        print(f"server RSS: {before} KiB before, {during} KiB during 4 stalled GETs")
        assert during - before < 48 * 1024, (before, during)
        tail = await client.get("/files/big.bin", headers={"Range": "bytes=-5"})
        assert tail.status_code == 206 and tail.content == b"tail!"
        assert tail.headers["content-range"] == f"bytes {BIG - 5}-{BIG - 1}/{BIG}"
        after = rss_kib(pid)
        assert after - before < 48 * 1024, (before, after)


async def test_range_requests(server: tuple[int, str]) -> None:
    _pid, base = server
    async with httpx.AsyncClient(base_url=base, auth=("u", "p"), timeout=10) as client:
        cases = {
            "bytes=2-4": (206, b"234", "bytes 2-4/10"),
            "bytes=7-": (206, b"789", "bytes 7-9/10"),
            "bytes=-3": (206, b"789", "bytes 7-9/10"),
            "bytes=8-100": (206, b"89", "bytes 8-9/10"),
            "bytes=0-1,4-5": (200, b"0123456789", None),  # several ranges: whole file
            "items=0-1": (200, b"0123456789", None),
            "bytes=x-y": (200, b"0123456789", None),
            "bytes=10-": (416, None, "bytes */10"),
        }
        for header, (status, body, content_range) in cases.items():
            resp = await client.get("/files/small.txt", headers={"Range": header})
            assert resp.status_code == status, header
            if body is not None:
                assert resp.content == body, header
                assert resp.headers["content-length"] == str(len(body))
            else:
                assert resp.json() == {"error": "Range not satisfiable"}
            assert resp.headers.get("content-range") == content_range, header
        head = await client.head("/files/small.txt", headers={"Range": "bytes=2-4"})
        assert head.status_code == 206 and head.content == b""
        assert head.headers["content-length"] == "3"
