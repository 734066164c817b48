"""The API token never reaches a log line, even with every logger at DEBUG."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from signalwire.relay import RelayClient


async def test_token_not_logged_at_debug(fake_relay: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # root: websockets' own loggers included
    # No contexts: the token then ends the connect frame, where a truncated frame dump shows it.
    client = RelayClient(project="test-project", token="test-token", host=fake_relay.url)
    async with client:
        await client.wait_ready()
    assert "signalwire.connect" in caplog.text or "connected" in caplog.text.lower()
    assert "test-token" not in caplog.text
    assert "test-token" not in repr(client)
