"""Fake RELAY: the default event sequence of every calling and messaging command."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from signalwire.testing.relay import FakeRelayServer, RawRelayClient


def _phone(to: str) -> dict[str, Any]:
    return {"type": "phone", "params": {"from_number": "+15550000000", "to_number": to}}


async def _setup(server: FakeRelayServer) -> tuple[RawRelayClient, dict[str, str]]:
    client = await RawRelayClient.open(server.url, contexts=["office"])
    call_id = server.inbound_call("office")
    frame = await client.next_event("calling.call.receive", call_id=call_id)
    ids = {"call_id": call_id, "node_id": frame["params"]["params"]["node_id"]}
    await client.call("calling.answer", ids)
    await client.next_event("calling.call.state", call_state="answered")
    return client, ids


async def _inner(client: RawRelayClient, event_type: str, **match: Any) -> dict[str, Any]:
    frame = await client.next_event(event_type, timeout=2, **match)
    inner: dict[str, Any] = frame["params"]["params"]
    return inner


# -- dial -----------------------------------------------------------------------------


async def test_dial_dance_parallel_group(fake_relay: FakeRelayServer) -> None:
    fake_relay.send_authorization_state = False
    client = await RawRelayClient.open(fake_relay.url)
    fake_relay.queue_dial(answer=(0, 1))
    result = await client.call(
        "calling.dial", {"tag": "T1", "devices": [[_phone("+1555A"), _phone("+1555B")]]}
    )
    assert result == {"code": "200", "message": "Dialing"}
    assert (await _inner(client, "calling.call.dial"))["dial_state"] == "dialing"
    states: list[tuple[str, str]] = []
    while True:
        frame = await client.next_event(timeout=2)
        inner = frame["params"]["params"]
        if frame["params"]["event_type"] == "calling.call.dial":
            break
        assert inner["tag"] == "T1"
        assert inner["direction"] == "outbound"
        states.append((inner["device"]["params"]["to_number"], inner["call_state"]))
    assert states == [
        ("+1555A", "created"),
        ("+1555B", "created"),
        ("+1555A", "ringing"),
        ("+1555B", "ringing"),
        ("+1555B", "answered"),
        ("+1555A", "ended"),
    ]
    assert inner["dial_state"] == "answered"
    assert "call_id" not in inner
    winner = inner["call"]
    assert winner["dial_winner"] is True
    assert winner["device"]["params"]["to_number"] == "+1555B"
    assert fake_relay.calls[winner["call_id"]].state == "answered"
    loser = next(c for c in fake_relay.calls.values() if c.call_id != winner["call_id"])
    assert loser.end_reason == "cancel"
    # The winner is a normal call now.
    ok = await client.call(
        "calling.end", {"call_id": winner["call_id"], "node_id": winner["node_id"]}
    )
    assert ok["code"] == "200"
    await client.close()


async def test_dial_serial_groups_and_failure(fake_relay: FakeRelayServer) -> None:
    client = await RawRelayClient.open(fake_relay.url)
    fake_relay.queue_dial(answer=(1, 0), dial_winner="true")
    await client.call("calling.dial", {"tag": "T2", "devices": [[_phone("+1")], [_phone("+2")]]})
    first = await _inner(client, "calling.call.state", call_state="ended")
    assert first["device"]["params"]["to_number"] == "+1"
    assert first["end_reason"] == "noAnswer"
    answered = await _inner(client, "calling.call.dial", dial_state="answered")
    assert answered["call"]["device"]["params"]["to_number"] == "+2"
    assert answered["call"]["dial_winner"] == "true"

    fake_relay.queue_dial(answer=None, reason="busy", tag="T3")
    fake_relay.queue_dial(answer=(0, 5))  # server-wide plan: not used by the tagged dial
    await client.call("calling.dial", {"tag": "T3", "devices": [[_phone("+3")]]})
    failed = await _inner(client, "calling.call.dial", tag="T3", dial_state="failed")
    assert failed == {
        "tag": "T3",
        "node_id": "fake-node-1",
        "dial_state": "failed",
        "reason": "busy",
        "source": "outbound",
    }
    assert len(fake_relay.dial_plans) == 1
    bad = await client.call("calling.dial", {"tag": "T4", "devices": [_phone("+4")]})
    assert bad["code"] == "400"
    assert "list of non-empty device lists" in bad["message"]
    await client.close()


async def test_dial_late_answer(fake_relay: FakeRelayServer) -> None:
    client = await RawRelayClient.open(fake_relay.url)
    fake_relay.queue_dial(answer_delay=0.2)
    await client.call("calling.dial", {"tag": "late", "devices": [[_phone("+1")]]})
    await _inner(client, "calling.call.state", call_state="ringing")
    with pytest.raises(TimeoutError):
        await client.next_event("calling.call.dial", timeout=0.05, dial_state="answered")
    await _inner(client, "calling.call.dial", dial_state="answered")
    await client.close()


# -- connect ------------------------------------------------------------------------------


async def test_connect_and_disconnect(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    result = await client.call(
        "calling.connect", {**ids, "devices": [[_phone("+1777")]], "tag": "peer"}
    )
    assert result["code"] == "200"
    assert (await _inner(client, "calling.call.connect"))["connect_state"] == "connecting"
    peer_created = await _inner(client, "calling.call.state", call_state="created")
    assert peer_created["peer"] == ids
    connected = await _inner(client, "calling.call.connect", connect_state="connected")
    assert connected["call_id"] == ids["call_id"]
    assert connected["peer"]["call_id"] == peer_created["call_id"]
    again = await client.call("calling.connect", {**ids, "devices": [[_phone("+1")]]})
    assert again["code"] == "409"
    await client.call("calling.disconnect", ids)
    await _inner(client, "calling.call.connect", connect_state="disconnected")
    await _inner(client, "calling.call.state", call_id=peer_created["call_id"], call_state="ended")
    fake_relay.queue_connect(answer=None, reason="busy")
    await client.call("calling.connect", {**ids, "devices": [[_phone("+1")]]})
    failed = await _inner(client, "calling.call.connect", connect_state="failed")
    assert failed["failed_reason"] == "busy"
    await client.close()


# -- media ---------------------------------------------------------------------------------


async def test_record_lifecycle(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    record = {"audio": {"format": "wav", "beep": True}}
    result = await client.call("calling.record", {**ids, "control_id": "r1", "record": record})
    assert result["control_id"] == "r1"
    assert result["url"].startswith("https://")
    assert (await _inner(client, "calling.call.record"))["state"] == "recording"
    done = await _inner(client, "calling.call.record", state="finished")
    assert done["url"].endswith("r1.wav")
    assert done["duration"] > 0
    assert done["size"] > 0
    assert done["record"] == record

    fake_relay.set_duration("record", None)
    await client.call("calling.record", {**ids, "control_id": "r2", "record": {"audio": {}}})
    for op, state in (("pause", "paused"), ("resume", "recording"), ("stop", "finished")):
        await client.call(f"calling.record.{op}", {**ids, "control_id": "r2"})
        assert (await _inner(client, "calling.call.record", control_id="r2", state=state))["state"]
    await client.close()


async def test_play_and_collect_digits_speech_and_no_input(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    play = [{"type": "tts", "params": {"text": "Press one"}}]
    collect = {"digits": {"max": 1, "terminators": "*"}}
    await client.call(
        "calling.play_and_collect", {**ids, "control_id": "c1", "play": play, "collect": collect}
    )
    order = []
    for _ in range(3):
        frame = await client.next_event(timeout=2, control_id="c1")
        order.append(frame["params"]["event_type"])
        last = frame["params"]["params"]
    assert order == ["calling.call.play", "calling.call.play", "calling.call.collect"]
    assert last["result"] == {"type": "digit", "params": {"digits": "1", "terminator": "*"}}
    assert last["final"] is True

    fake_relay.queue_collect(speech="sales please", confidence=0.8)
    await client.call(
        "calling.play_and_collect",
        {**ids, "control_id": "c2", "play": play, "collect": {"speech": {}}},
    )
    speech = await _inner(client, "calling.call.collect", control_id="c2")
    assert speech["result"] == {
        "type": "speech",
        "params": {"text": "sales please", "confidence": 0.8},
    }
    fake_relay.queue_collect(result_type="no_input")
    await client.call(
        "calling.play_and_collect", {**ids, "control_id": "c3", "play": play, "collect": collect}
    )
    assert (await _inner(client, "calling.call.collect", control_id="c3"))["result"] == {
        "type": "no_input"
    }
    fake_relay.set_duration("play", None)
    await client.call(
        "calling.play_and_collect", {**ids, "control_id": "c4", "play": play, "collect": collect}
    )
    for op in ("volume", "start_input_timers"):
        prefix = "calling.collect" if op == "start_input_timers" else "calling.play_and_collect"
        assert (await client.call(f"{prefix}.{op}", {**ids, "control_id": "c4", "volume": 1}))[
            "code"
        ] == "200"
    await client.call("calling.play_and_collect.stop", {**ids, "control_id": "c4"})
    stopped = await _inner(client, "calling.call.collect", control_id="c4")
    assert stopped["result"]["type"] == "no_input"
    await client.close()


async def test_standalone_collect_start_of_input_and_partials(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    fake_relay.default_speech = "hello world"
    await client.call(
        "calling.collect",
        {
            **ids,
            "control_id": "s1",
            "speech": {},
            "send_start_of_input": True,
            "partial_results": True,
        },
    )
    events = [await _inner(client, "calling.call.collect", control_id="s1") for _ in range(3)]
    assert events[0]["result"] == {"type": "start_of_input"}
    assert events[1]["final"] is False
    assert events[1]["result"]["params"]["text"] == "hello"
    assert events[2]["final"] is True
    assert events[2]["state"] == "finished"
    assert events[2]["result"]["params"]["text"] == "hello world"
    await client.close()


@pytest.mark.parametrize(
    ("detect", "queued", "expected"),
    [
        ({"type": "machine", "params": {}}, (), ["HUMAN", "finished"]),
        ({"type": "machine", "params": {}}, ("MACHINE", "READY"), ["MACHINE", "READY", "finished"]),
        ({"type": "fax", "params": {"tone": "CNG"}}, (), ["CNG", "finished"]),
        ({"type": "digit", "params": {"digits": "5#"}}, (), ["5", "finished"]),
    ],
)
async def test_detect(
    fake_relay: FakeRelayServer,
    detect: dict[str, Any],
    queued: tuple[str, ...],
    expected: list[str],
) -> None:
    client, ids = await _setup(fake_relay)
    if queued:
        fake_relay.queue_detect(*queued)
    result = await client.call("calling.detect", {**ids, "control_id": "d", "detect": detect})
    assert result["control_id"] == "d"
    seen = []
    for _ in expected:
        inner = await _inner(client, "calling.call.detect", control_id="d")
        assert inner["detect"]["type"] == detect["type"]
        seen.append(inner["detect"]["params"]["event"])
    assert seen == expected
    await client.close()


@pytest.mark.parametrize("method", ["calling.send_fax", "calling.receive_fax"])
async def test_fax_uses_real_event_shape(fake_relay: FakeRelayServer, method: str) -> None:
    client, ids = await _setup(fake_relay)
    await client.call(method, {**ids, "control_id": "f", "document": "https://x.test/doc.pdf"})
    page = await _inner(client, "calling.call.fax", control_id="f")
    assert page["fax"]["type"] == "page"
    assert "state" not in page
    done = await _inner(client, "calling.call.fax", control_id="f")
    assert done["fax"]["type"] == "finished"
    assert done["fax"]["params"]["success"] is True
    assert done["fax"]["params"]["direction"] == ("send" if "send" in method else "receive")
    fake_relay.fax_state_field = True
    fake_relay.set_duration("fax", None)
    await client.call(method, {**ids, "control_id": "g", "document": "https://x.test/doc.pdf"})
    await client.call(f"{method}.stop", {**ids, "control_id": "g"})
    stopped = await _inner(client, "calling.call.fax", control_id="g")
    assert stopped["state"] == "finished"
    assert stopped["fax"]["params"]["success"] is False
    await client.close()


@pytest.mark.parametrize(
    ("method", "params", "event", "running"),
    [
        (
            "calling.tap",
            {
                "tap": {"type": "audio", "params": {"direction": "both"}},
                "device": {"type": "ws", "params": {"uri": "wss://tap.test"}},
            },
            "calling.call.tap",
            "tapping",
        ),
        (
            "calling.stream",
            {"url": "wss://stream.test", "name": "s"},
            "calling.call.stream",
            "streaming",
        ),
        ("calling.transcribe", {}, "calling.call.transcribe", "transcribing"),
    ],
)
async def test_run_until_stopped_actions(
    fake_relay: FakeRelayServer, method: str, params: dict[str, Any], event: str, running: str
) -> None:
    client, ids = await _setup(fake_relay)
    result = await client.call(method, {**ids, "control_id": "a", **params})
    assert result["code"] == "200"
    if method == "calling.tap":
        assert result["source_device"]["type"] == "rtp"
    assert (await _inner(client, event, control_id="a"))["state"] == running
    with pytest.raises(TimeoutError):
        await client.next_event(event, timeout=0.05)
    await client.call(f"{method}.stop", {**ids, "control_id": "a"})
    assert (await _inner(client, event, control_id="a"))["state"] == "finished"
    await client.close()


async def test_transcribe_only_once_per_call(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    await client.call("calling.transcribe", {**ids, "control_id": "t1"})
    second = await client.call("calling.transcribe", {**ids, "control_id": "t2"})
    assert second["code"] == "409"
    await client.close()


async def test_send_digits_pay_ai(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    result = await client.call("calling.send_digits", {**ids, "control_id": "sd", "digits": "12w#"})
    assert result["message"] == "Sending Digits"
    assert (await _inner(client, "calling.call.send_digits"))["state"] == "finished"
    bad = await client.call("calling.send_digits", {**ids, "control_id": "x", "digits": "12x"})
    assert bad["code"] == "400"
    await client.call(
        "calling.pay", {**ids, "control_id": "pay", "payment_connector_url": "https://pay.test"}
    )
    assert (await _inner(client, "calling.call.pay"))["state"] == "finished"
    await client.call("calling.ai", {**ids, "control_id": "ai", "prompt": {"text": "hi"}})
    for method in ("calling.ai_message", "calling.ai_hold", "calling.ai_unhold"):
        assert (await client.call(method, ids))["code"] == "200"
    await client.call("calling.ai.stop", {**ids, "control_id": "ai"})
    assert (await _inner(client, "calling.call.ai"))["state"] == "finished"
    await client.close()


async def test_simple_commands_and_their_events(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    await client.call("calling.hold", ids)
    assert (await _inner(client, "calling.call.hold"))["state"] == "hold"
    await client.call("calling.unhold", ids)
    assert (await _inner(client, "calling.call.hold"))["state"] == "unhold"
    await client.call("calling.denoise", ids)
    assert (await _inner(client, "calling.call.denoise"))["denoised"] is True
    await client.call("calling.denoise.stop", ids)
    assert (await _inner(client, "calling.call.denoise"))["denoised"] is False
    await client.call("calling.echo", {**ids, "timeout": 0.01})
    assert (await _inner(client, "calling.call.echo"))["state"] == "echoing"
    assert (await _inner(client, "calling.call.echo"))["state"] == "finished"
    await client.call(
        "calling.refer", {**ids, "device": {"type": "sip", "params": {"to": "sip:a@b"}}}
    )
    refer = [await _inner(client, "calling.call.refer") for _ in range(2)]
    assert [r["state"] for r in refer] == ["inProgress", "success"]
    assert refer[1]["sip_refer_to"] == "sip:a@b"
    joined = await client.call("calling.join_conference", {**ids, "name": "room1"})
    conf = await _inner(client, "calling.conference")
    assert conf["conference_id"] == joined["conference_id"]
    await client.call("calling.leave_conference", {**ids, "conference_id": joined["conference_id"]})
    assert (await _inner(client, "calling.conference"))["status"] == "participant-leave"
    await client.call("calling.queue.enter", {**ids, "control_id": "q", "queue_name": "support"})
    queued = await _inner(client, "calling.call.queue")
    assert queued["name"] == "support"
    assert queued["control_id"] == "q"
    await client.call("calling.queue.leave", {**ids, "control_id": "q", "queue_name": "support"})
    assert (await _inner(client, "calling.call.queue"))["status"] == "leave"
    for method, extra in (
        ("calling.transfer", {"dest": "https://example.test/swml"}),
        ("calling.bind_digit", {"digits": "*1", "bind_method": "calling.play"}),
        ("calling.clear_digit_bindings", {}),
        ("calling.live_transcribe", {"action": {"start": {"lang": "en"}}}),
        ("calling.live_translate", {"action": {"stop": {}}}),
        ("calling.user_event", {"event": {"x": 1}}),
        ("calling.join_room", {"name": "r"}),
        ("calling.leave_room", {}),
        ("calling.amazon_bedrock", {"prompt": {"text": "x"}}),
    ):
        result = await client.call(method, {**ids, **extra})
        assert result["code"] == "200", method
        assert result["message"] == fake_relay.success_message(method)
    assert (await client.call("calling.transfer", ids))["code"] == "400"
    assert (await client.call("calling.bind_digit", ids))["code"] == "400"
    await client.close()


async def test_pass_offers_the_call_to_another_session(fake_relay: FakeRelayServer) -> None:
    first = await RawRelayClient.open(fake_relay.url, contexts=["office"])
    second = await RawRelayClient.open(fake_relay.url, contexts=["office"])
    call_id = fake_relay.inbound_call("office")  # newest live subscriber gets it first
    frame = await second.next_event("calling.call.receive", call_id=call_id)
    ids = {"call_id": call_id, "node_id": frame["params"]["params"]["node_id"]}
    await second.call("calling.pass", ids)
    await first.next_event("calling.call.receive", call_id=call_id)
    assert fake_relay.calls[call_id].session is fake_relay.sessions[first.protocol]
    await first.close()
    await second.close()


async def test_begin_is_a_single_outbound_call(fake_relay: FakeRelayServer) -> None:
    client = await RawRelayClient.open(fake_relay.url)
    result = await client.call("calling.begin", {"device": _phone("+1")})
    assert result["call_id"] in fake_relay.calls
    await _inner(client, "calling.call.state", call_id=result["call_id"], call_state="answered")
    await client.close()


async def test_missing_ids_and_control_ids(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    assert (await client.call("calling.answer", {"call_id": ids["call_id"]}))["code"] == "400"
    play = [{"type": "tts", "params": {"text": "x"}}]
    assert (await client.call("calling.play", {**ids, "play": play}))["code"] == "400"
    await client.close()


# -- messaging ----------------------------------------------------------------------------


async def test_messaging_send_states(fake_relay: FakeRelayServer) -> None:
    client = await RawRelayClient.open(fake_relay.url)
    params = {"context": "office", "from_number": "+1", "to_number": "+2", "body": "hi"}
    result = await client.call("messaging.send", params)
    assert result["code"] == "200"
    message_id = result["message_id"]
    states = [
        (await _inner(client, "messaging.state", message_id=message_id))["message_state"]
        for _ in range(4)
    ]
    assert states == ["queued", "initiated", "sent", "delivered"]
    fake_relay.queue_message("queued", "failed", reason="Carrier rejected")
    failed_id = (await client.call("messaging.send", params))["message_id"]
    await _inner(client, "messaging.state", message_id=failed_id, message_state="queued")
    failed = await _inner(client, "messaging.state", message_id=failed_id)
    assert failed["message_state"] == "failed"
    assert failed["reason"] == "Carrier rejected"
    assert fake_relay.messages[failed_id].state == "failed"
    bad = await client.call("messaging.send", {**params, "body": None})
    assert bad["code"] == "400"
    assert "body or media" in bad["message"]
    no_ctx = await client.call(
        "messaging.send", {"from_number": "+1", "to_number": "+2", "body": "x"}
    )
    assert "context" in no_ctx["message"]
    await client.close()


# -- scale --------------------------------------------------------------------------------


async def test_thousand_concurrent_calls(fake_relay: FakeRelayServer) -> None:
    fake_relay.send_authorization_state = False
    client = await RawRelayClient.open(fake_relay.url, contexts=["office"])
    n = 1000
    call_ids = [fake_relay.inbound_call("office") for _ in range(n)]

    async def flow(call_id: str) -> None:
        ids = {"call_id": call_id, "node_id": "fake-node-1"}
        await client.call("calling.answer", ids)
        play = [{"type": "silence", "params": {"duration": 1}}]
        await client.call("calling.play", {**ids, "control_id": f"p-{call_id}", "play": play})
        await client.call("calling.end", ids)

    await asyncio.wait_for(asyncio.gather(*(flow(c) for c in call_ids)), 20)
    await fake_relay.wait_all_acked(timeout=10)
    assert all(fake_relay.calls[c].ended for c in call_ids)
    # receive + answered + playing + finished + ending + ended per call
    assert client.event_count == n * 6
    await client.close()


async def test_event_burst(fake_relay_factory) -> None:  # type: ignore[no-untyped-def]
    server: FakeRelayServer = await fake_relay_factory(
        journal=False, send_authorization_state=False
    )
    client = await RawRelayClient.open(server.url, record=False)
    n = 20_000
    params = {"call_id": "c", "node_id": "n", "control_id": "k", "state": "playing"}
    server.push_events(("calling.call.play", params) for _ in range(n))
    await server.wait_all_acked(timeout=20)
    assert client.event_count == n
    assert len(server.journal) == 0
    assert client.frames == []
    await client.close()


async def test_bind_digit_runs_the_bound_method_when_pressed(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    play = {"play": [{"type": "tts", "params": {"text": "bound"}}]}
    await client.call(
        "calling.bind_digit",
        {**ids, "digits": "*1", "bind_method": "calling.play", "params": play, "max_triggers": 1},
    )
    assert fake_relay.press_digits(ids["call_id"], "*2") == []
    assert fake_relay.press_digits(ids["call_id"], "*1") == ["calling.play"]
    playing = await _inner(client, "calling.call.play")
    assert playing["state"] == "playing"
    assert playing["control_id"]
    assert fake_relay.press_digits(ids["call_id"], "*1") == []  # max_triggers reached
    await client.call(
        "calling.bind_digit", {**ids, "digits": "9", "bind_method": "calling.hold", "realm": "r"}
    )
    await client.call("calling.clear_digit_bindings", {**ids, "realm": "r"})
    assert fake_relay.press_digits(ids["call_id"], "9") == []
    # No response frame was invented for the platform-run command.
    assert all(f.id is not None for f in fake_relay.journal.sent() if f.is_response)
    await client.close()


async def test_per_call_collect_and_detect_results(fake_relay: FakeRelayServer) -> None:
    client, ids = await _setup(fake_relay)
    other = fake_relay.inbound_call("office")
    fake_relay.queue_collect(digits="42", call_id=ids["call_id"])
    fake_relay.queue_collect(digits="7")  # server-wide, used by the other call
    fake_relay.queue_detect("MACHINE", call_id=ids["call_id"])
    collect = {"digits": {"max": 2}}
    await client.call(
        "calling.collect",
        {"call_id": other, "node_id": "fake-node-1", "control_id": "o", **collect},
    )
    await client.call("calling.collect", {**ids, "control_id": "m", **collect})
    mine = await _inner(client, "calling.call.collect", control_id="m")
    theirs = await _inner(client, "calling.call.collect", control_id="o")
    assert mine["result"]["params"]["digits"] == "42"
    assert theirs["result"]["params"]["digits"] == "7"
    await client.call(
        "calling.detect", {**ids, "control_id": "d", "detect": {"type": "machine", "params": {}}}
    )
    assert (await _inner(client, "calling.call.detect"))["detect"]["params"]["event"] == "MACHINE"
    await client.close()


@pytest.mark.parametrize("phase", ["prompt", "collecting"])
async def test_hangup_during_play_and_collect(fake_relay: FakeRelayServer, phase: str) -> None:
    if phase == "prompt":
        fake_relay.set_duration("play", None)
    else:
        fake_relay.set_duration("collect", None)
    client, ids = await _setup(fake_relay)
    play = [{"type": "tts", "params": {"text": "x"}}]
    await client.call(
        "calling.play_and_collect",
        {**ids, "control_id": "pc", "play": play, "collect": {"digits": {"max": 1}}},
    )
    await _inner(client, "calling.call.play", control_id="pc", state="playing")
    if phase == "collecting":
        await _inner(client, "calling.call.play", control_id="pc", state="finished")
    fake_relay.hangup(ids["call_id"])
    await _inner(client, "calling.call.state", call_state="ended")
    rest = [f["params"] for f in client._backlog if f["params"]["params"].get("control_id") == "pc"]
    while not client.events.empty():
        frame = client.events.get_nowait()
        if frame["params"]["params"].get("control_id") == "pc":
            rest.append(frame["params"])
    kinds = [(p["event_type"], p["params"].get("state")) for p in rest]
    expected = [("calling.call.collect", "finished")]
    if phase == "prompt":
        expected.insert(0, ("calling.call.play", "finished"))
    assert kinds == expected
    assert rest[-1]["params"]["result"] == {"type": "no_input"}
    await client.close()
