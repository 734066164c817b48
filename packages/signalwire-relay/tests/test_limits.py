"""Inbound calls beyond max_active_calls are refused visibly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

from signalwire.relay import Call, RelayClient


@pytest.mark.parametrize(("rule", "method"), [("busy", "calling.end"), ("pass", "calling.pass")])
async def test_over_limit_calls_are_refused(
    within: Any,
    make_client: Callable[..., RelayClient],
    fake_relay: Any,
    caplog: pytest.LogCaptureFixture,
    rule: str,
    method: str,
) -> None:
    caplog.set_level(logging.WARNING, "signalwire.relay")
    c = make_client(contexts=["office"], max_active_calls=2, over_limit=rule)
    accepted: list[Call] = []
    two = asyncio.Event()

    def on_call(call: Call) -> None:
        accepted.append(call)
        if len(accepted) == 2:
            two.set()

    c.on_call(on_call)
    async with c:
        fake_relay.inbound_call("office")
        fake_relay.inbound_call("office")
        await within(two.wait(), "the second inbound call")
        refused = fake_relay.inbound_call("office")
        req = await fake_relay.wait_for_request(method, timeout=5)
        assert req["params"]["call_id"] == refused
        if rule == "busy":
            assert req["params"]["reason"] == "busy"
        assert len(accepted) == 2
        assert refused not in c.calls
        assert f"refusing inbound call {refused}" in caplog.text
        # once a call ends there is room again
        await accepted[0].hangup()
        await accepted[0].wait_for_ended(timeout=5)
        third = fake_relay.inbound_call("office")
        await fake_relay.wait_for_event(
            "calling.call.receive", predicate=lambda p: p["call_id"] == third
        )
        await fake_relay.wait_all_acked()
        assert third in c.calls


async def test_inbound_call_without_handler_is_refused_visibly(
    client: RelayClient, fake_relay: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Nobody would control the call, so it is refused by the over-limit rule (busy), not left ringing.
    caplog.set_level(logging.WARNING, "signalwire.relay")
    call_id = fake_relay.inbound_call("office")
    req = await fake_relay.wait_for_request("calling.end", timeout=5)
    assert req["params"]["call_id"] == call_id
    assert req["params"]["reason"] == "busy"
    assert "no on_call handler" in caplog.text
    assert call_id not in client.calls
