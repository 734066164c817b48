"""Every Call command's wire frame, checked in the fake platform's journal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from signalwire.relay import Call, RelayClient

DEV = {"type": "phone", "params": {"from_number": "+1", "to_number": "+2"}}
TTS = [{"type": "tts", "params": {"text": "hi"}}]
COLLECT = {"digits": {"max": 1}}

Cmd = Callable[[Call], Awaitable[Any]]

CASES: list[tuple[str, Cmd, str, dict[str, Any]]] = [
    ("answer", lambda c: c.answer(), "calling.answer", {}),
    ("answer kw", lambda c: c.answer(max_duration=60), "calling.answer", {"max_duration": 60}),
    ("hangup", lambda c: c.hangup(), "calling.end", {"reason": "hangup"}),
    ("hangup busy", lambda c: c.hangup("busy"), "calling.end", {"reason": "busy"}),
    ("pass", lambda c: c.pass_(), "calling.pass", {}),
    (
        "play",
        lambda c: c.play(TTS, volume=2, loop=1),
        "calling.play",
        {"play": TTS, "volume": 2, "loop": 1},
    ),
    (
        "play_tts",
        lambda c: c.play_tts("hi", voice="v"),
        "calling.play",
        {"play": [{"type": "tts", "params": {"text": "hi", "voice": "v"}}]},
    ),
    (
        "play_audio",
        lambda c: c.play_audio("https://a/b.mp3"),
        "calling.play",
        {"play": [{"type": "audio", "params": {"url": "https://a/b.mp3"}}]},
    ),
    (
        "play_silence",
        lambda c: c.play_silence(2),
        "calling.play",
        {"play": [{"type": "silence", "params": {"duration": 2}}]},
    ),
    (
        "play_ringtone",
        lambda c: c.play_ringtone("us", duration=3),
        "calling.play",
        {"play": [{"type": "ringtone", "params": {"name": "us", "duration": 3}}]},
    ),
    (
        "record",
        lambda c: c.record({"beep": True}),
        "calling.record",
        {"record": {"audio": {"beep": True}}},
    ),
    ("record default", lambda c: c.record(), "calling.record", {"record": {"audio": {}}}),
    (
        "play_and_collect",
        lambda c: c.play_and_collect(TTS, COLLECT),
        "calling.play_and_collect",
        {"play": TTS, "collect": COLLECT},
    ),
    (
        "prompt_tts",
        lambda c: c.prompt_tts("pick", COLLECT),
        "calling.play_and_collect",
        {"play": [{"type": "tts", "params": {"text": "pick"}}], "collect": COLLECT},
    ),
    (
        "prompt_audio",
        lambda c: c.prompt_audio("https://a", COLLECT),
        "calling.play_and_collect",
        {"play": [{"type": "audio", "params": {"url": "https://a"}}], "collect": COLLECT},
    ),
    (
        "collect",
        lambda c: c.collect(digits={"max": 2}, initial_timeout=3.0, partial_results=True),
        "calling.collect",
        {"digits": {"max": 2}, "initial_timeout": 3.0, "partial_results": True},
    ),
    (
        "detect",
        lambda c: c.detect({"type": "digit", "params": {}}, timeout=5),
        "calling.detect",
        {"detect": {"type": "digit", "params": {}}, "timeout": 5},
    ),
    (
        "detect_answering_machine",
        lambda c: c.detect_answering_machine(initial_timeout=4.5, detect_message_end=True),
        "calling.detect",
        {
            "detect": {
                "type": "machine",
                "params": {"initial_timeout": 4.5, "detect_message_end": True},
            }
        },
    ),
    (
        "detect_fax",
        lambda c: c.detect_fax(tone="CED"),
        "calling.detect",
        {"detect": {"type": "fax", "params": {"tone": "CED"}}},
    ),
    (
        "detect_digit",
        lambda c: c.detect_digit(digits="12"),
        "calling.detect",
        {"detect": {"type": "digit", "params": {"digits": "12"}}},
    ),
    (
        "connect",
        lambda c: c.connect([[DEV]], ringback=TTS, max_duration=10),
        "calling.connect",
        {"devices": [[DEV]], "ringback": TTS, "max_duration": 10},
    ),
    ("disconnect", lambda c: c.disconnect(), "calling.disconnect", {}),
    ("send_digits", lambda c: c.send_digits("12#"), "calling.send_digits", {"digits": "12#"}),
    (
        "refer",
        lambda c: c.refer({"type": "sip", "params": {"to": "sip:a@b"}}),
        "calling.refer",
        {"device": {"type": "sip", "params": {"to": "sip:a@b"}}},
    ),
    (
        "transfer",
        lambda c: c.transfer("https://swml"),
        "calling.transfer",
        {"dest": "https://swml"},
    ),
    (
        "pay",
        lambda c: c.pay("https://pay", input_method="dtmf", charge_amount="9.99"),
        "calling.pay",
        {"payment_connector_url": "https://pay", "input": "dtmf", "charge_amount": "9.99"},
    ),
    (
        "send_fax",
        lambda c: c.send_fax("https://doc.pdf", identity="+1"),
        "calling.send_fax",
        {"document": "https://doc.pdf", "identity": "+1"},
    ),
    ("receive_fax", lambda c: c.receive_fax(), "calling.receive_fax", {}),
    (
        "tap",
        lambda c: c.tap(
            {"type": "audio", "params": {"direction": "both"}},
            {"type": "ws", "params": {"uri": "wss://t"}},
        ),
        "calling.tap",
        {
            "tap": {"type": "audio", "params": {"direction": "both"}},
            "device": {"type": "ws", "params": {"uri": "wss://t"}},
        },
    ),
    (
        "stream",
        lambda c: c.stream("wss://s", track="both_tracks", custom_parameters={"a": 1}),
        "calling.stream",
        {"url": "wss://s", "track": "both_tracks", "custom_parameters": {"a": 1}},
    ),
    (
        "transcribe",
        lambda c: c.transcribe(status_url="https://cb"),
        "calling.transcribe",
        {"status_url": "https://cb"},
    ),
    (
        "ai",
        lambda c: c.ai(
            prompt={"text": "be nice"}, SWAIG={"functions": []}, ai_params={"temperature": 0.2}
        ),
        "calling.ai",
        {"prompt": {"text": "be nice"}, "SWAIG": {"functions": []}, "params": {"temperature": 0.2}},
    ),
    (
        "amazon_bedrock",
        lambda c: c.amazon_bedrock(prompt="p", ai_params={"x": 1}),
        "calling.amazon_bedrock",
        {"prompt": "p", "params": {"x": 1}},
    ),
    (
        "ai_message",
        lambda c: c.ai_message(message_text="hi", role="user"),
        "calling.ai_message",
        {"message_text": "hi", "role": "user"},
    ),
    ("ai_hold", lambda c: c.ai_hold(timeout="30"), "calling.ai_hold", {"timeout": "30"}),
    ("ai_unhold", lambda c: c.ai_unhold(prompt="back"), "calling.ai_unhold", {"prompt": "back"}),
    (
        "join_conference",
        lambda c: c.join_conference(
            "room", muted=True, beep="onEnter", stream_obj={"url": "wss://x"}
        ),
        "calling.join_conference",
        {"name": "room", "muted": True, "beep": "onEnter", "stream": {"url": "wss://x"}},
    ),
    (
        "leave_conference",
        lambda c: c.leave_conference("conf-1"),
        "calling.leave_conference",
        {"conference_id": "conf-1"},
    ),
    ("join_room", lambda c: c.join_room("r1"), "calling.join_room", {"name": "r1"}),
    ("leave_room", lambda c: c.leave_room(), "calling.leave_room", {}),
    ("hold", lambda c: c.hold(), "calling.hold", {}),
    ("unhold", lambda c: c.unhold(), "calling.unhold", {}),
    ("denoise", lambda c: c.denoise(), "calling.denoise", {}),
    ("denoise_stop", lambda c: c.denoise_stop(), "calling.denoise.stop", {}),
    ("echo", lambda c: c.echo(timeout=5), "calling.echo", {"timeout": 5}),
    (
        "bind_digit",
        lambda c: c.bind_digit("*1", "calling.play", bind_params={"play": TTS}, max_triggers=2),
        "calling.bind_digit",
        {"digits": "*1", "bind_method": "calling.play", "params": {"play": TTS}, "max_triggers": 2},
    ),
    (
        "clear_digit_bindings",
        lambda c: c.clear_digit_bindings(realm="r"),
        "calling.clear_digit_bindings",
        {"realm": "r"},
    ),
    (
        "live_transcribe",
        lambda c: c.live_transcribe({"start": {"lang": "en"}}),
        "calling.live_transcribe",
        {"action": {"start": {"lang": "en"}}},
    ),
    (
        "live_translate",
        lambda c: c.live_translate({"stop": {}}, status_url="https://cb"),
        "calling.live_translate",
        {"action": {"stop": {}}, "status_url": "https://cb"},
    ),
    (
        "user_event",
        lambda c: c.user_event(event={"k": "v"}, extra=1),
        "calling.user_event",
        {"event": {"k": "v"}, "extra": 1},
    ),
    (
        "queue_enter",
        lambda c: c.queue_enter("support"),
        "calling.queue.enter",
        {"queue_name": "support"},
    ),
    (
        "queue_leave",
        lambda c: c.queue_leave("support", queue_id="q1"),
        "calling.queue.leave",
        {"queue_name": "support", "queue_id": "q1"},
    ),
]

ACTION_METHODS = {
    "calling.play", "calling.record", "calling.play_and_collect", "calling.collect",
    "calling.detect", "calling.pay", "calling.send_fax", "calling.receive_fax", "calling.tap",
    "calling.stream", "calling.transcribe", "calling.ai", "calling.send_digits",
    "calling.queue.enter", "calling.queue.leave",
}  # fmt: skip


@pytest.mark.parametrize(("name", "cmd", "method", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_command_wire_frame(
    client: RelayClient,
    fake_relay: Any,
    inbound: Callable[..., Awaitable[Call]],
    name: str,
    cmd: Cmd,
    method: str,
    expected: dict[str, Any],
) -> None:
    call = await inbound()
    if method not in ("calling.answer", "calling.pass", "calling.end"):
        await call.answer()
    await cmd(call)
    req = await fake_relay.wait_for_request(method)
    params = dict(req["params"])
    assert params.pop("call_id") == call.call_id
    assert params.pop("node_id") == call.node_id
    if method in ACTION_METHODS:
        assert isinstance(params.pop("control_id"), str)
    assert params == expected
    if call.state != "ended":
        await call.hangup()


async def test_dial_has_no_call_ids_and_nested_devices(
    client: RelayClient, fake_relay: Any
) -> None:
    call = await client.dial([[DEV]], tag="t1", max_duration=30)
    req = (await fake_relay.wait_for_request("calling.dial"))["params"]
    assert req == {"tag": "t1", "devices": [[DEV]], "max_duration": 30}
    await call.hangup()
