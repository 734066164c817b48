"""Fixtures clean up, and a scripted handler that raised fails the test at teardown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

USER_TEST = """
import asyncio

import pytest
from signalwire.relay import RelayClient


@pytest.mark.asyncio
async def test_handler_breaks(fake_relay, relay_connection):
    def broken(request, ctx):
        raise RuntimeError("scripted play handler is broken")

    fake_relay.on("calling.play", broken)
    done = asyncio.Event()
    client = RelayClient(contexts=["office"], request_timeout=1, **relay_connection)

    @client.on_call
    async def handle(call):
        try:
            await call.answer()
            await call.play_tts("hi")
        except Exception:
            pass
        done.set()

    async with client:
        await fake_relay.wait_connected(timeout=5)
        fake_relay.inbound_call("office")
        await asyncio.wait_for(done.wait(), timeout=10)
"""


def test_failed_handler_fails_at_teardown_with_its_error(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TEST, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "1 passed, 1 error" in out, out
    assert "ERROR at teardown" in out, out
    assert "RuntimeError: scripted play handler is broken" in out, out
