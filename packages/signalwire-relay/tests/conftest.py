"""Shared fixtures: a RelayClient wired to the fake RELAY platform."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import pytest

from signalwire.relay import RelayClient

T = TypeVar("T")

FAST = {
    "request_timeout": 3.0,
    "reconnect_min_delay": 0.01,
    "reconnect_max_delay": 0.05,
    "ping_interval": 0,
}


async def _within(aw: Awaitable[T], what: str, timeout: float = 5.0) -> T:
    """Await ``aw`` for at most ``timeout`` seconds; on timeout fail naming ``what``.

    Not ``asyncio.wait_for``: that cancels on timeout, and an awaitable that
    swallows the cancellation would then look as if it had finished in time.
    """
    task = asyncio.ensure_future(aw)
    await asyncio.wait((task,), timeout=timeout)
    if not task.done():
        task.cancel()
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")
    return task.result()


@pytest.fixture
def within() -> Callable[..., Awaitable[Any]]:
    """``await within(aw, "what")``: ``aw``'s result, or a failure naming what it waited for."""
    return _within


@pytest.fixture
async def make_client(fake_relay: Any) -> AsyncIterator[Callable[..., RelayClient]]:
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

    yield make
    # tests close their clients; this is a safety net that cannot hang the run
    left = [c.state for c in made if c.state not in ("closed", "disconnected")]
    for c in made:
        await _within(c.disconnect(), f"disconnect() of a {c.state} client at teardown")
    assert not left, f"test left clients {left}"


@pytest.fixture
async def client(make_client: Callable[..., RelayClient]) -> AsyncIterator[RelayClient]:
    """A connected client subscribed to context ``office``."""
    c = make_client(contexts=["office"])
    await c.connect()
    try:
        yield c
    finally:
        await _within(c.disconnect(), "disconnect() of the client fixture")


@pytest.fixture
def inbound(client: RelayClient, fake_relay: Any) -> Callable[..., Any]:
    """``await inbound()`` offers a call on ``office`` and returns the client's Call."""
    from signalwire.relay import Call

    async def make(**kwargs: Any) -> Call:
        fut: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        client.on_call(lambda call: fut.set_result(call) if not fut.done() else None)
        fake_relay.inbound_call("office", **kwargs)
        return await _within(fut, "the inbound call on office")

    return make
