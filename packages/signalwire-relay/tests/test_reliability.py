"""Reliability against the fake platform: random connection drops during 200 scripted
calls, and 1,000 concurrent calls on one client."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from signalwire.relay import (
    Call,
    CallEndedError,
    RelayClient,
    RelayConnectionError,
    RelayEvent,
    RelayTimeoutError,
)

T = TypeVar("T")
TTS = [{"type": "tts", "params": {"text": "hi"}}]
CLEAR_ERRORS = (RelayConnectionError, RelayTimeoutError, CallEndedError)


class Flow:
    """Runs one call's script; records its outcome and every await's duration."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.overruns: list[tuple[str, float, float]] = []
        self.unclear: list[BaseException] = []
        self.messages: Counter[str] = Counter()

    async def timed(self, what: str, aw: Awaitable[T], timeout: float) -> T:
        start = time.monotonic()
        try:
            return await aw
        finally:
            spent = time.monotonic() - start
            if spent > timeout + 1.0:
                self.overruns.append((what, spent, timeout))

    async def run(self, call: Call, request_timeout: float) -> None:
        try:
            await self.timed("answer", call.answer(), request_timeout)
            play = await self.timed("play", call.play(TTS), request_timeout)
            await self.timed("play.wait", play.wait(timeout=5), 5)
            collect = await self.timed(
                "collect", call.prompt_tts("pick", {"digits": {"max": 1}}), request_timeout
            )
            await self.timed("collect.wait", collect.wait(timeout=5), 5)
            await self.timed("hangup", call.hangup(), request_timeout)
            await self.timed("ended", call.wait_for_ended(timeout=5), 5)
            self.outcomes["ok"] += 1
        except CLEAR_ERRORS as exc:
            self.outcomes[type(exc).__name__] += 1
            self.messages[str(exc)[:90]] += 1
            if call.state != "ended":
                with contextlib.suppress(*CLEAR_ERRORS):  # best effort: do not leave it up
                    await self.timed("cleanup", call.hangup(), request_timeout)
        except BaseException as exc:
            self.unclear.append(exc)


def event_key(ev: RelayEvent) -> tuple[Any, ...]:
    p = ev.params
    result = p.get("result")
    return (
        ev.event_type,
        p.get("call_id"),
        p.get("control_id"),
        p.get("state"),
        p.get("call_state"),
        result.get("type") if isinstance(result, dict) else None,
    )


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 5])
async def test_random_drops_during_200_calls(
    within: Any, make_client: Callable[..., RelayClient], fake_relay: Any, seed: int
) -> None:
    rng = random.Random(seed)
    request_timeout = 2.0
    # each flow lasts a few hundred ms, so drops land in every phase of it
    fake_relay.set_duration("play", 0.1)
    fake_relay.set_duration("collect", 0.05)
    c = make_client(contexts=["office"], request_timeout=request_timeout, reconnect_max_delay=0.1)
    flow = Flow()
    handled: Counter[tuple[Any, ...]] = Counter()
    # every call event of these flows is distinct (auth-state events repeat per connect)
    c.on_event(lambda ev: ev.call_id and handled.update([event_key(ev)]))
    done = 0
    all_done = asyncio.Event()
    total = 200

    async def on_call(call: Call) -> None:
        nonlocal done
        try:
            await flow.run(call, request_timeout)
        finally:
            done += 1
            if done == total:
                all_done.set()

    c.on_call(on_call)

    async def chaos() -> None:
        while not all_done.is_set():
            await asyncio.sleep(rng.uniform(0.1, 0.4))
            choice = rng.random()
            if choice < 0.3:
                await fake_relay.drop_connections(abrupt=True)
            elif choice < 0.5:
                await fake_relay.drop_connections(abrupt=False)
            elif choice < 0.75:
                fake_relay.disconnect_after(received=rng.randint(1, 20))
            else:  # right after an event is written: its ack may not make it
                fake_relay.disconnect_after(sent=rng.randint(1, 20), abrupt=True)

    async with c:
        chaos_task = asyncio.ensure_future(chaos())
        try:
            for i in range(total):
                fake_relay.inbound_call("office")
                if i % 4 == 3:
                    await asyncio.sleep(0.06)  # arrivals spread over the chaos
            await within(all_done.wait(), "all 200 calls to finish under the chaos", 90)
        finally:
            chaos_task.cancel()
    assert flow.unclear == []
    assert flow.overruns == []
    assert sum(flow.outcomes.values()) == total
    assert flow.outcomes["ok"] >= total // 2, flow.outcomes
    assert fake_relay.connect_count > 5  # the connection really was dropped many times
    dupes = {k: n for k, n in handled.items() if n > 1}
    assert dupes == {}


@pytest.mark.slow
async def test_1000_concurrent_calls(
    within: Any, make_client: Callable[..., RelayClient], fake_relay: Any
) -> None:
    total = 1000
    c = make_client(contexts=["office"], max_active_calls=total, request_timeout=30)
    finished = 0
    failures: list[BaseException] = []
    all_done = asyncio.Event()
    started = asyncio.Event()
    active = 0

    async def on_call(call: Call) -> None:
        nonlocal finished, active
        active += 1
        try:
            await call.answer()
            if active == total:
                started.set()
            await started.wait()  # every call is up at the same time
            play = await call.play(TTS)
            await play.wait(timeout=60)
            await call.hangup()
            await call.wait_for_ended(timeout=60)
        except BaseException as exc:
            failures.append(exc)
        finally:
            finished += 1
            if finished == total:
                all_done.set()

    c.on_call(on_call)
    async with c:
        for _ in range(total):
            fake_relay.inbound_call("office")
        await within(all_done.wait(), "all 1,000 calls to finish", 100)
        assert failures == []
        assert c.calls == {}
