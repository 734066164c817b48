"""RelayClient.run(): blocking, reconnecting, clean shutdown on Ctrl-C / SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

import pytest

SCRIPT = """
import sys
from signalwire.relay import RelayClient
client = RelayClient("test-project", sys.argv[2], host=sys.argv[1], contexts=["office"],
                     environ={}, reconnect_min_delay=0.01, reconnect_max_delay=0.05,
                     max_auth_failures=2)
@client.on_call
async def on_call(call):
    await call.answer()
client.run()
print("run returned")
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


async def start(fake_relay: Any, token: str = "test-token") -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SCRIPT,
        fake_relay.url,
        token,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_run_serves_until_signalled(fake_relay: Any, sig: signal.Signals) -> None:
    proc = await start(fake_relay)
    try:
        await fake_relay.wait_connected(timeout=20)
        call_id = fake_relay.inbound_call("office")
        await fake_relay.wait_call_state(call_id, "answered", timeout=10)
        # the connection survives a drop: run() reconnects by itself
        await fake_relay.drop_connections(abrupt=True)
        await fake_relay.wait_connected(timeout=10, count=2)
        proc.send_signal(sig)
        out, err = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err
    assert b"run returned" in out
    # no logging configured by the script: run() still shows its one "connected" line
    lines = err.decode().splitlines()
    connected = [ln for ln in lines if ln.startswith("INFO signalwire.relay.client: connected to ")]
    assert len(connected) == 1, lines
    assert fake_relay.url in connected[0] and "project test-project" in connected[0]
    await fake_relay.wait_disconnected(timeout=5)


async def test_run_gives_up_on_bad_credentials(fake_relay: Any) -> None:
    proc = await start(fake_relay, token="wrong")
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 1
    assert b"RelayAuthError" in err
    assert b"-32002" in err
    assert b"check token= (or SIGNALWIRE_API_TOKEN)" in err
    assert b"wrong" not in err  # the token is never printed
    assert len(fake_relay.journal.requests("signalwire.connect")) == 2  # max_auth_failures
