"""Actions and call event plumbing against the fake platform."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from signalwire.relay import (
    Call,
    CallEndedError,
    CallStateEvent,
    CollectEvent,
    DetectEvent,
    FaxEvent,
    PlayEvent,
    RecordEvent,
    RelayClient,
    RelayConnectionError,
    RelayError,
    RelayEvent,
    RelayTimeoutError,
)

Inbound = Callable[..., Awaitable[Call]]
TTS = [{"type": "tts", "params": {"text": "hi"}}]


async def answered(inbound: Inbound) -> Call:
    call = await inbound()
    await call.answer()
    await call.wait_for_answered(timeout=5)
    return call


def end_abruptly(fake_relay: Any, call: Call) -> None:
    """The platform reports the call ended without finishing its actions first."""
    fake_relay.push_event(
        "calling.call.state",
        {
            "call_id": call.call_id,
            "node_id": call.node_id,
            "call_state": "ended",
            "end_reason": "hangup",
        },
    )


async def test_play_completes_and_fires_callbacks(within: Any, inbound: Inbound) -> None:
    call = await answered(inbound)
    sync_seen: list[RelayEvent] = []
    async_seen: asyncio.Future[RelayEvent] = asyncio.get_running_loop().create_future()

    async def on_done(ev: RelayEvent) -> None:
        async_seen.set_result(ev)

    a1 = await call.play(TTS, on_completed=sync_seen.append)
    a2 = await call.play_tts("again", on_completed=on_done)
    ev = await a1.wait(timeout=5)
    assert isinstance(ev, PlayEvent)
    assert ev.state == "finished"
    assert a1.completed and a1.is_done and a1.result is ev
    assert (await within(async_seen, "the async handler's play event")).params[
        "control_id"
    ] == a2.control_id
    assert sync_seen == [ev]
    assert await a1.wait() is ev  # completed: returns at once


async def test_play_controls(inbound: Inbound, fake_relay: Any) -> None:
    fake_relay.set_duration("play", None)
    call = await answered(inbound)
    states: list[str] = []
    call.on("calling.call.play", lambda ev: states.append(ev.state))
    action = await call.play(TTS)
    with pytest.raises(RelayTimeoutError):
        await action.wait(timeout=0.05)
    assert not action.is_done  # a timed-out wait leaves it running
    await action.pause()
    await action.volume(-3.5)
    await action.resume()
    await action.stop()
    ev = await action.wait(timeout=5)
    assert ev.params["state"] == "finished"
    assert states[0] == "playing"
    assert "paused" in states
    vol = await fake_relay.wait_for_request("calling.play.volume")
    assert vol["params"]["volume"] == -3.5
    assert vol["params"]["control_id"] == action.control_id


async def test_record_result_has_url(inbound: Inbound, fake_relay: Any) -> None:
    fake_relay.set_duration("record", None)
    call = await answered(inbound)
    action = await call.record({"format": "mp3"})
    await action.pause(behavior="silence")
    await action.resume()
    await action.stop()
    ev = await action.wait(timeout=5)
    assert isinstance(ev, RecordEvent)
    assert ev.state == "finished"
    assert ev.url.startswith("http")
    assert ev.duration > 0
    pause = await fake_relay.wait_for_request("calling.record.pause")
    assert pause["params"]["behavior"] == "silence"


async def test_play_and_collect_waits_for_the_collect_result(
    inbound: Inbound, fake_relay: Any
) -> None:
    fake_relay.queue_collect(digits="2")
    call = await answered(inbound)
    plays: list[str] = []
    call.on("calling.call.play", lambda ev: plays.append(ev.state))
    action = await call.prompt_tts("press a key", {"digits": {"max": 1}})
    ev = await action.wait(timeout=5)
    assert isinstance(ev, CollectEvent)
    assert ev.result == {"type": "digit", "params": {"digits": "2", "terminator": "#"}}
    assert "finished" in plays  # the prompt finished first but did not complete the action


async def test_collect_ignores_start_of_input_and_partials(
    inbound: Inbound, fake_relay: Any
) -> None:
    fake_relay.queue_collect(speech="hello world")
    call = await answered(inbound)
    seen: list[Any] = []
    call.on("calling.call.collect", lambda ev: seen.append((ev.result.get("type"), ev.final)))
    action = await call.collect(
        speech={"end_silence_timeout": 1}, partial_results=True, send_start_of_input=True
    )
    ev = await action.wait(timeout=5)
    assert ev.params["result"]["type"] == "speech"
    assert ev.params.get("final") is not False
    assert seen[0][0] == "start_of_input"
    await action.start_input_timers()
    await fake_relay.wait_for_request("calling.collect.start_input_timers")


async def test_detect_completes_on_first_result(inbound: Inbound, fake_relay: Any) -> None:
    fake_relay.queue_detect("MACHINE", "READY")
    call = await answered(inbound)
    action = await call.detect_answering_machine()
    ev = await action.wait(timeout=5)
    assert isinstance(ev, DetectEvent)
    assert ev.detect["params"]["event"] == "MACHINE"


@pytest.mark.parametrize("sending", [True, False])
async def test_fax_completes_on_real_event_shape(
    inbound: Inbound, fake_relay: Any, sending: bool
) -> None:
    call = await answered(inbound)
    action = await (call.send_fax("https://doc.pdf") if sending else call.receive_fax())
    ev = await action.wait(timeout=5)
    assert isinstance(ev, FaxEvent)
    assert ev.fax["type"] == "finished"
    assert "state" not in ev.params  # no top-level state: fax.type is the signal
    assert ev.fax["params"]["success"] is True


@pytest.mark.parametrize("kind", ["send_fax", "receive_fax"])
async def test_fax_stop_uses_its_own_method(inbound: Inbound, fake_relay: Any, kind: str) -> None:
    fake_relay.set_duration("fax", None)
    call = await answered(inbound)
    action = await (call.send_fax("https://d.pdf") if kind == "send_fax" else call.receive_fax())
    await action.stop()
    await fake_relay.wait_for_request(f"calling.{kind}.stop")
    await action.wait(timeout=5)


@pytest.mark.parametrize("kind", ["tap", "stream", "transcribe", "ai", "pay"])
async def test_stoppable_actions(inbound: Inbound, fake_relay: Any, kind: str) -> None:
    fake_relay.set_duration("pay", None)
    call = await answered(inbound)
    starters: dict[str, Callable[[], Awaitable[Any]]] = {
        "tap": lambda: call.tap(
            {"type": "audio", "params": {"direction": "both"}},
            {"type": "rtp", "params": {"addr": "127.0.0.1", "port": 9}},
        ),
        "stream": lambda: call.stream("wss://s"),
        "transcribe": lambda: call.transcribe(),
        "ai": lambda: call.ai(prompt={"text": "hi"}),
        "pay": lambda: call.pay("https://pay"),
    }
    action = await starters[kind]()
    assert not action.is_done
    await action.stop()
    await fake_relay.wait_for_request(f"calling.{kind}.stop")
    ev = await action.wait(timeout=5)
    assert ev.params["state"] in ("finished", "error")  # a stopped payment ends in error
    assert action.completed


async def test_call_end_resolves_every_pending_action(
    within: Any, inbound: Inbound, fake_relay: Any
) -> None:
    fake_relay.set_duration("play", None)
    call = await answered(inbound)
    play = await call.play(TTS)
    ai = await call.ai(prompt={"text": "x"})
    pending_wait = asyncio.ensure_future(play.wait())  # no timeout: must not hang
    event_wait = asyncio.ensure_future(call.wait_for("calling.call.play", lambda e: False))
    end_abruptly(fake_relay, call)
    ev = await within(pending_wait, "the pending action wait")
    assert isinstance(ev, CallStateEvent)
    assert ev.call_state == "ended"
    assert (await ai.wait(timeout=5)) is ev
    with pytest.raises(CallEndedError):
        await within(event_wait, "the event wait")
    assert call.state == "ended"
    assert call.call_id not in call._client.calls
    # after the end: waits return at once, commands are no-ops, actions complete at once
    assert (await call.wait_for_ended()) is ev
    assert (await call.wait_for_answered()) is ev
    with pytest.raises(CallEndedError):
        await call.wait_for("calling.call.play")
    late = await call.play(TTS)
    assert late.completed


async def test_call_gone_reply_completes_action(inbound: Inbound, fake_relay: Any) -> None:
    call = await answered(inbound)
    fake_relay.fail_next("calling.play", "404", "Call does not exist")
    action = await call.play(TTS)
    assert action.completed
    fake_relay.fail_next("calling.hold", "410", "Call is gone")
    assert await call.hold() == {}


async def test_other_errors_raise(inbound: Inbound, fake_relay: Any) -> None:
    call = await answered(inbound)
    fake_relay.fail_next("calling.transcribe", "409", "Transcription already active")
    with pytest.raises(RelayError) as info:
        await call.transcribe()
    assert info.value.code == 409
    assert call._actions == {}


async def test_client_close_fails_waits(
    within: Any, make_client: Callable[..., RelayClient], fake_relay: Any
) -> None:
    fake_relay.set_duration("play", None)
    c = make_client(contexts=["office"])
    await c.connect()
    got: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
    c.on_call(got.set_result)
    fake_relay.inbound_call("office")
    call = await within(got, "the inbound call")
    await call.answer()
    action = await call.play(TTS)
    waits = [
        asyncio.ensure_future(action.wait()),
        asyncio.ensure_future(call.wait_for_ended()),
        asyncio.ensure_future(c.wait_ready()),
    ]
    await asyncio.sleep(0)
    await c.disconnect()
    for w in waits[:2]:
        with pytest.raises(RelayConnectionError, match="client closed"):
            await within(w, "the wait to fail")
    await within(
        waits[2], "the wait on an already connected call"
    )  # was already connected: returned
    with pytest.raises(RelayConnectionError):
        await action.wait()


async def test_state_machine_and_waiters(inbound: Inbound, fake_relay: Any) -> None:
    call = await inbound()
    assert call.state == "created"
    assert call.direction == "inbound"
    assert call.context == "office"
    assert call.device["params"]["from_number"] == "+15550001111"
    states: list[str] = []
    call.on("calling.call.state", lambda ev: states.append(ev.call_state))
    answered_wait = asyncio.ensure_future(call.wait_for_answered(timeout=5))
    await call.answer()
    assert (await answered_wait).params["call_state"] == "answered"
    with pytest.raises(RelayTimeoutError):
        await call.wait_for("calling.call.play", timeout=0.05)
    ended = asyncio.ensure_future(call.wait_for_ended(timeout=5))
    fake_relay.hangup(call.call_id, "busy")
    ev = await ended
    assert isinstance(ev, CallStateEvent)
    assert ev.end_reason == "busy"
    assert states == ["answered", "ending", "ended"]


async def test_unknown_event_reaches_call_handlers(
    within: Any, inbound: Inbound, fake_relay: Any
) -> None:
    call = await inbound()
    got: asyncio.Future[RelayEvent] = asyncio.get_running_loop().create_future()
    call.on("calling.call.brand_new", got.set_result)
    fake_relay.push_event("calling.call.brand_new", {"call_id": call.call_id, "x": 1})
    ev = await within(got, "the event")
    assert type(ev) is RelayEvent
    assert ev.params["x"] == 1


async def test_handler_errors_are_contained(inbound: Inbound, fake_relay: Any) -> None:
    call = await inbound()

    def boom(_ev: RelayEvent) -> None:
        raise RuntimeError("handler bug")

    async def aboom(_ev: RelayEvent) -> None:
        raise RuntimeError("async handler bug")

    call.on("calling.call.state", boom)
    call.on("calling.call.state", aboom)
    await call.answer()
    assert (await call.wait_for_answered(timeout=5)).params["call_state"] == "answered"


async def test_queue_and_send_digits_return_results(inbound: Inbound, fake_relay: Any) -> None:
    call = await answered(inbound)
    res = await call.send_digits("1w2")
    assert res["code"] == "200"
    res = await call.queue_enter("support", control_id="q-ctl")
    assert res["code"] == "200"
    req = await fake_relay.wait_for_request("calling.queue.enter")
    assert req["params"]["control_id"] == "q-ctl"
