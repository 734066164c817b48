"""Shared fixtures: a RelayClient wired to the fake RELAY platform."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from signalwire.relay import RelayClient

FAST = {
    "request_timeout": 3.0,
    "reconnect_min_delay": 0.01,
    "reconnect_max_delay": 0.05,
    "ping_interval": 0,
}


@pytest.fixture
def make_client(fake_relay: Any) -> Callable[..., RelayClient]:
    """Build (not connect) a client for ``fake_relay``; closed after the test."""
    made: list[RelayClient] = []

    def make(**kwargs: Any) -> RelayClient:
        opts: dict[str, Any] = {
            "project": "test-project",
            "token": "test-token",
            "host": fake_relay.url,
            "environ": {},
            **FAST,
        }
        opts.update(kwargs)
        client = RelayClient(**opts)
        made.append(client)
        return client

    yield make  # type: ignore[misc]
    # closing is async: tests close their clients; this is a safety net
    for c in made:
        assert c.state in ("closed", "disconnected"), f"test left a client {c.state}"


@pytest.fixture
async def client(make_client: Callable[..., RelayClient]) -> AsyncIterator[RelayClient]:
    """A connected client subscribed to context ``office``."""
    c = make_client(contexts=["office"])
    await c.connect()
    try:
        yield c
    finally:
        await c.disconnect()


@pytest.fixture
def inbound(client: RelayClient, fake_relay: Any) -> Callable[..., Any]:
    """``await inbound()`` offers a call on ``office`` and returns the client's Call."""
    import asyncio

    from signalwire.relay import Call

    async def make(**kwargs: Any) -> Call:
        fut: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        client.on_call(lambda call: fut.set_result(call) if not fut.done() else None)
        fake_relay.inbound_call("office", **kwargs)
        return await asyncio.wait_for(fut, 5)

    return make
