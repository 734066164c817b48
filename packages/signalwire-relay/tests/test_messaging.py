"""Messaging: send, state events, final-state wait, inbound messages."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from signalwire.core import SignalWireConfigError
from signalwire.relay import Message, MessageStateEvent, RelayClient, RelayTimeoutError


async def test_send_and_wait_delivered(client: RelayClient, fake_relay: Any) -> None:
    states: list[str] = []
    msg = await client.send_message(
        to_number="+15550001111", from_number="+15550002222", body="hi", tags=["t"]
    )
    msg.on(lambda ev: states.append(ev.params["message_state"]))
    assert msg.message_id
    assert msg.direction == "outbound"
    ev = await msg.wait(timeout=5)
    assert isinstance(ev, MessageStateEvent)
    assert ev.message_state == "delivered"
    assert msg.state == "delivered"
    assert msg.is_done
    assert msg.result is ev
    req = (await fake_relay.wait_for_request("messaging.send"))["params"]
    assert req["context"] == client.relay_protocol  # state events come back to this session
    assert req["body"] == "hi"
    assert req["tags"] == ["t"]
    assert "media" not in req


async def test_failed_message_has_reason(within: Any, client: RelayClient, fake_relay: Any) -> None:
    fake_relay.queue_message("queued", "failed", reason="Carrier rejected")
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    msg = await client.send_message(
        to_number="+1", from_number="+2", media=["https://m/1.png"], on_completed=done.set_result
    )
    ev = await msg.wait(timeout=5)
    assert ev.params["message_state"] == "failed"
    assert msg.reason == "Carrier rejected"
    assert (await within(done, "the message's final state")) is ev


async def test_wait_times_out_clearly(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.queue_message("queued", "initiated")
    msg = await client.send_message(to_number="+1", from_number="+2", body="x")
    with pytest.raises(RelayTimeoutError, match="no final state"):
        await msg.wait(timeout=0.2)


async def test_body_or_media_required(client: RelayClient) -> None:
    with pytest.raises(SignalWireConfigError, match="body or media"):
        await client.send_message(to_number="+1", from_number="+2")


async def test_inbound_message(within: Any, client: RelayClient, fake_relay: Any) -> None:
    got: asyncio.Future[Message] = asyncio.get_running_loop().create_future()

    @client.on_message
    async def handle(message: Message) -> None:
        got.set_result(message)

    fake_relay.inbound_message("office", body="ping", media=["https://m/x.jpg"], tags=["a"])
    msg = await within(got, "the inbound message")
    assert (msg.body, msg.state, msg.direction, msg.context) == (
        "ping",
        "received",
        "inbound",
        "office",
    )
    assert msg.media == ["https://m/x.jpg"]
    assert msg.tags == ["a"]
