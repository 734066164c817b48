"""Stopping at any moment: a cancelled open or a disconnect during a reconnect never
leaves a socket running (Python < 3.12's ``wait_for`` can swallow a cancellation)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from signalwire.relay import RelayClient, RelayConnectionError
from signalwire.relay._transport import WSConnection
from signalwire.relay._util import bounded

Within = Callable[..., Awaitable[Any]]
#: Loop turns to sweep: enough to pass TCP connect, the upgrade and the RELAY login.
STEPS = 40


async def test_cancelled_open_never_returns_a_connection(fake_relay: Any, within: Within) -> None:
    """Cancel the opening at every loop turn: it either finished first or raises
    CancelledError; never a connection returned to a task that was cancelled."""
    opened_anyway = []
    for step in range(STEPS):
        task = asyncio.ensure_future(
            WSConnection.open(
                fake_relay.url, lambda _c, _t: None, ssl=None, max_size=None, open_timeout=5
            )
        )
        for _ in range(step):
            await asyncio.sleep(0)
        if task.done():
            conn = task.result()
            conn.abort()
            await within(conn.wait_lost(), "the aborted socket to close")
            continue
        task.cancel()
        try:
            conn = await within(asyncio.shield(task), f"the open cancelled at turn {step}")
        except asyncio.CancelledError:
            continue
        opened_anyway.append(step)
        conn.abort()
    assert opened_anyway == [], f"cancellation lost at loop turns {opened_anyway}"


async def test_disconnect_during_reconnect_returns(
    make_client: Callable[..., RelayClient], fake_relay: Any, within: Within
) -> None:
    """disconnect() at every loop turn of a reconnect returns promptly and leaves no
    session connected (it used to hang when the cancel hit a finished handshake)."""
    for step in range(STEPS):
        c = make_client(reconnect_min_delay=0.0, reconnect_max_delay=0.0)
        reconnecting = asyncio.Event()
        c.on_reconnecting(lambda _attempt, _delay, ev=reconnecting: ev.set())
        await within(c.connect(), "the first connect")
        await fake_relay.drop_connections(abrupt=True)
        await within(reconnecting.wait(), "the client to start reconnecting")
        for _ in range(step):
            await asyncio.sleep(0)
        await within(c.disconnect(), f"disconnect() at reconnect turn {step}")
        assert c.state == "closed"
        await fake_relay.wait_disconnected()


async def test_bounded_times_out_and_propagates_cancellation(within: Within) -> None:
    loop = asyncio.get_running_loop()
    never: asyncio.Future[None] = loop.create_future()
    try:
        await bounded(asyncio.shield(never), 0.01)
    except TimeoutError:
        pass
    else:
        raise AssertionError("bounded() did not time out")
    assert await bounded(asyncio.sleep(0, "done"), 1) == "done"

    gate: asyncio.Future[None] = loop.create_future()

    async def finishes_with_the_gate() -> str:
        await gate
        return "result"

    async def outer() -> str:
        return await bounded(finishes_with_the_gate(), 5)

    task = asyncio.ensure_future(outer())
    for _ in range(3):
        await asyncio.sleep(0)
    gate.set_result(None)  # the inner work finishes in the same turn as the cancel
    task.cancel()
    try:
        await within(task, "the cancelled bounded() call")
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("bounded() swallowed a cancellation")


async def test_cancelled_disconnect_propagates_and_still_fails_waiters(
    make_client: Callable[..., RelayClient], fake_relay: Any, within: Within
) -> None:
    """Cancelling disconnect() raises CancelledError in the caller (it used to be
    swallowed) and still fails what was waiting on the client."""
    for step in range(1, 5):  # from turn 1: cancelled before it starts, it never ran
        c = make_client(reconnect_min_delay=5, reconnect_max_delay=5)
        await within(c.connect(), "the connect")
        await fake_relay.drop_connections()
        await fake_relay.wait_disconnected()
        ready = asyncio.ensure_future(c.wait_ready(30))
        await asyncio.sleep(0)  # the waiter is registered
        task = asyncio.ensure_future(c.disconnect())
        for _ in range(step):
            await asyncio.sleep(0)
        if task.done():
            continue
        task.cancel()
        await asyncio.wait((task,), timeout=5)
        assert task.done(), f"the cancelled disconnect() at turn {step} did not end within 5s"
        assert task.cancelled(), f"disconnect() swallowed the cancellation at turn {step}"
        assert c.state == "closed"
        with pytest.raises(RelayConnectionError):
            await within(ready, "wait_ready() to fail")
    del task, ready
    # The cancelled tasks' tracebacks keep the clients in reference cycles. Collected later,
    # while pytest rewrites a module imported at session end (hypothesis, in runs that did not
    # load it earlier), CPython 3.11.7's AST builder reported "AST constructor recursion depth
    # mismatch" (a SystemError) and the run failed after every test had passed: collect now.
    gc.collect()
