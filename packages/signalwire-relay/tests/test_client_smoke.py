from __future__ import annotations

import asyncio
from typing import Any

from signalwire.relay import Call, RelayClient


async def test_inbound_call_answer_play_hangup(
    within: Any, client: RelayClient, fake_relay: Any
) -> None:
    done: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    @client.on_call
    async def handle(call: Call) -> None:
        await call.answer()
        action = await call.play_tts("Hello")
        ev = await action.wait(timeout=5)
        await call.hangup()
        done.set_result(ev.params["state"])

    call_id = fake_relay.inbound_call("office")
    assert await within(done, "the call flow to finish") == "finished"
    await fake_relay.wait_call_state(call_id, "ended")
