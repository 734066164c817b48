"""Stopping run() while handlers wait leaves nothing for asyncio to complain about."""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# An IVR-like handler parked on three kinds of waits when the signal arrives: a call
# event wait, an action wait and a state wait. "waiting" tells the test it got there.
SCRIPT = """
import asyncio, gc, logging, sys
from signalwire.relay import RelayClient
logging.basicConfig(level=logging.WARNING)
client = RelayClient("test-project", "test-token", host=sys.argv[1], contexts=["office"],
                     environ={}, ping_interval=0)
@client.on_call
async def on_call(call):
    await call.answer()
    play = await call.play_tts("please hold")
    waits = [
        asyncio.ensure_future(call.wait_for("calling.call.collect")),
        asyncio.ensure_future(call.wait_for_ended()),
        asyncio.ensure_future(play.wait()),
    ]
    print("waiting", flush=True)
    await asyncio.gather(*waits)
client.run()
gc.collect()
print("run returned", flush=True)
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_stop_with_pending_waits_logs_no_asyncio_error(
    fake_relay: Any, sig: signal.Signals
) -> None:
    fake_relay.set_duration("play", None)  # the play runs until the call ends
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SCRIPT,
        fake_relay.url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake_relay.wait_connected(timeout=20)
        fake_relay.inbound_call("office")
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 20)
        assert line == b"waiting\n"
        proc.send_signal(sig)
        out, err = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    text = err.decode()
    assert proc.returncode == 0, text
    assert b"run returned" in out
    assert "never retrieved" not in text, text
    assert "ERROR" not in text, text
    assert "Traceback" not in text, text
    # the script configured logging (WARNING): run() adds no console handler of its own
    assert "INFO" not in text, text
