"""Outbound dial: the dial dance, failures, timeouts and orphan handling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from signalwire.core import SignalWireConfigError
from signalwire.relay import Call, RelayClient, RelayError, RelayTimeoutError


def phone(n: int) -> dict[str, Any]:
    return {
        "type": "phone",
        "params": {"from_number": "+15550000000", "to_number": f"+1555000{n:04d}"},
    }


async def test_dial_parallel_group_one_answers(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.queue_dial(answer=(0, 1))
    call = await client.dial([[phone(1), phone(2)]], dial_timeout=5)
    assert call.state == "answered"
    assert call.direction == "outbound"
    assert call.device["params"]["to_number"] == "+15550000002"
    assert call.tag
    # the losing leg ended and is no longer tracked; the winner is
    assert list(client.calls) == [call.call_id]
    action = await call.play_tts("hello")
    await action.wait(timeout=5)
    await call.hangup()
    await call.wait_for_ended(timeout=5)


async def test_dial_serial_groups(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.queue_dial(answer=(1, 0))
    call = await client.dial([[phone(1)], [phone(2)]], dial_timeout=5)
    assert call.device["params"]["to_number"] == "+15550000002"
    await call.hangup()


async def test_dial_winner_as_string(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.queue_dial(dial_winner="true")
    call = await client.dial([[phone(1)]], dial_timeout=5)
    assert call.state == "answered"
    await call.hangup()


async def test_dial_failure(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.queue_dial(answer=None, reason="busy")
    with pytest.raises(RelayError, match="dial failed") as info:
        await client.dial([[phone(1)]], tag="t-fail", dial_timeout=5)
    assert "t-fail" in str(info.value)
    assert client.calls == {}


async def test_dial_rpc_error(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.fail_next("calling.dial", "400", "Invalid devices")
    with pytest.raises(RelayError) as info:
        await client.dial([[phone(1)]])
    assert info.value.code == 400


@pytest.mark.parametrize(
    "devices", [[], [phone(1)], [[]], [[phone(1)], "x"], "phone", [[{"type": "phone"}, 3]]]
)
async def test_dial_rejects_wrong_device_shapes(client: RelayClient, devices: Any) -> None:
    with pytest.raises(SignalWireConfigError, match="list of non-empty lists"):
        await client.dial(devices)


async def test_dial_timeout_then_late_answer_is_hung_up(
    client: RelayClient, fake_relay: Any
) -> None:
    fake_relay.queue_dial(answer=(0, 0), answer_delay=0.5)
    with pytest.raises(RelayTimeoutError, match="dial timed out"):
        await client.dial([[phone(1)]], dial_timeout=0.1)
    # the client cancels the ringing leg; the platform may still answer it: either way it ends
    end = await fake_relay.wait_for_request("calling.end", timeout=5)
    assert end["params"]["reason"] in ("cancel", "hangup")
    leg = end["params"]["call_id"]
    call = client.calls.get(leg)
    if call is not None:
        await call.wait_for_ended(timeout=5)
    assert leg not in client.calls


async def test_late_answer_without_cancel_is_hung_up(client: RelayClient, fake_relay: Any) -> None:
    # the platform ignores our cancel: the leg answers anyway, so the client hangs it up
    fake_relay.queue_dial(answer=(0, 0), answer_delay=0.4)
    fake_relay.ignore_next("calling.end")
    with pytest.raises(RelayTimeoutError):
        await client.dial([[phone(1)]], dial_timeout=0.1)
    await fake_relay.wait_for_request("calling.end", timeout=5)  # the ignored cancel
    hangup = await fake_relay.wait_for_request("calling.end", timeout=5)
    assert hangup["params"]["reason"] == "hangup"
    await fake_relay.wait_call_state(hangup["params"]["call_id"], "ended", timeout=5)


async def test_orphan_callback_instead_of_hangup(
    within: Any, make_client: Callable[..., RelayClient], fake_relay: Any
) -> None:
    adopted: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
    c = make_client(on_dial_orphan=adopted.set_result)
    async with c:
        fake_relay.queue_dial(answer=(0, 0), answer_delay=0.4)
        fake_relay.ignore_next("calling.end")
        with pytest.raises(RelayTimeoutError):
            await c.dial([[phone(1)]], dial_timeout=0.1)
        call = await within(adopted, "the orphan handed to on_dial_orphan")
        assert call.state == "answered"
        await call.hangup()


async def test_cancelled_dial_leaves_no_orphan(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.queue_dial(answer=(0, 0), answer_delay=0.3)
    task = asyncio.ensure_future(client.dial([[phone(1)]], dial_timeout=5))
    await fake_relay.wait_for_request("calling.dial")
    await fake_relay.wait_for_event(
        "calling.call.state", predicate=lambda p: p.get("call_state") == "ringing"
    )
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    end = await fake_relay.wait_for_request("calling.end", timeout=5)
    await fake_relay.wait_call_state(end["params"]["call_id"], "ended", timeout=5)
