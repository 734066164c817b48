"""The fake RELAY platform, driven by a bare websockets client."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from signalwire.testing.relay import FakeRelayServer, RawRelayClient, Script

CALL = {"type": "phone", "params": {"from_number": "+15550002222", "to_number": "+15550003333"}}


async def _open(server: FakeRelayServer, **kwargs: object) -> RawRelayClient:
    return await RawRelayClient.open(server.url, **kwargs)  # type: ignore[arg-type]


async def _answered_call(server: FakeRelayServer, client: RawRelayClient) -> dict[str, str]:
    call_id = server.inbound_call("office")
    frame = await client.next_event("calling.call.receive", call_id=call_id)
    inner = frame["params"]["params"]
    ids = {"call_id": call_id, "node_id": inner["node_id"]}
    result = await client.call("calling.answer", ids)
    assert result["code"] == "200"
    await client.next_event("calling.call.state", call_id=call_id, call_state="answered")
    return ids


# -- handshake ---------------------------------------------------------------------


async def test_connect_result_and_authorization_state(fake_relay: FakeRelayServer) -> None:
    assert fake_relay.url.startswith("ws://127.0.0.1:")
    assert fake_relay.host == fake_relay.url.removeprefix("ws://")
    client = await _open(fake_relay, contexts=["office"])
    result = client.connect_result
    assert result["protocol"].startswith("signalwire_")
    assert result["identity"]
    assert result["sessionid"]
    assert result["authorization"]["project"] == "test-project"
    assert result["session_restored"] is False
    assert "code" not in result
    event = await client.next_event("signalwire.authorization.state")
    assert ":" in event["params"]["params"]["authorization_state"]
    session = await fake_relay.wait_connected(timeout=2)
    assert session.contexts == {"office"}
    await fake_relay.wait_all_acked(timeout=2)
    await client.close()


async def test_jwt_authentication(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, jwt_token="test-jwt")
    assert client.connect_result["authorization"]["type"] == "jwt"
    await client.close()


@pytest.mark.parametrize(
    "creds",
    [
        {"project": "test-project", "token": "wrong"},
        {"project": "other", "token": "test-token"},
        {"jwt_token": "bad-jwt"},
        {"project": None, "token": None},
    ],
)
async def test_bad_credentials_get_error_and_close(
    fake_relay: FakeRelayServer, creds: dict[str, str | None]
) -> None:
    async with connect(fake_relay.url, compression=None) as ws:
        auth = {k: v for k, v in creds.items() if v is not None}
        await ws.send(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": "a1",
                    "method": "signalwire.connect",
                    "params": {"event_acks": True, "authentication": auth},
                }
            )
        )
        response = json.loads(await asyncio.wait_for(ws.recv(), 2))
        assert response["id"] == "a1"
        assert response["error"]["code"] == -32002
        assert "401" in response["error"]["message"]
        await asyncio.wait_for(ws.wait_closed(), 2)
    assert fake_relay.connect_count == 0


async def test_requests_before_connect_are_refused(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, handshake=False)
    response = await client.request("calling.answer", {"call_id": "x", "node_id": "y"})
    assert response["error"]["code"] == -32000
    await client.close()


async def test_any_path_is_accepted(fake_relay: FakeRelayServer) -> None:
    client = await RawRelayClient.open(fake_relay.url + "/api/relay/ws")
    assert client.protocol
    assert fake_relay.connections[0].path == "/api/relay/ws"
    await client.close()


# -- subscriptions and inbound traffic ---------------------------------------------------


async def test_receive_unreceive_and_inbound_routing(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay)
    with pytest.raises(LookupError, match="sales"):
        fake_relay.inbound_call("sales")
    result = await client.call("signalwire.receive", {"contexts": ["sales"]})
    assert result == {"code": "200", "message": "Receiving events"}
    call_id = fake_relay.inbound_call("sales", from_number="+15551112222")
    frame = await client.next_event("calling.call.receive")
    inner = frame["params"]["params"]
    assert inner["call_id"] == call_id
    assert inner["context"] == "sales"
    assert inner["call_state"] == "created"
    assert inner["direction"] == "inbound"
    assert inner["device"]["params"]["from_number"] == "+15551112222"
    assert frame["params"]["event_channel"] == client.protocol
    assert isinstance(frame["params"]["timestamp"], float)
    result = await client.call("signalwire.unreceive", {"contexts": ["sales"]})
    assert result["code"] == "200"
    with pytest.raises(LookupError):
        fake_relay.inbound_call("sales")
    bad = await client.call("signalwire.receive", {"contexts": []})
    assert bad["code"] == "400"
    await client.close()


async def test_inbound_message(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    message_id = fake_relay.inbound_message("office", body="hi there", media=["https://x/y.png"])
    frame = await client.next_event("messaging.receive", message_id=message_id)
    inner = frame["params"]["params"]
    assert inner["body"] == "hi there"
    assert inner["message_state"] == "received"
    assert inner["media"] == ["https://x/y.png"]
    await client.close()


# -- calling: basics ---------------------------------------------------------------------


async def test_answer_play_hangup_sequence(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    ids = await _answered_call(fake_relay, client)
    result = await client.call(
        "calling.play",
        {**ids, "control_id": "k1", "play": [{"type": "tts", "params": {"text": "Hello"}}]},
    )
    assert result == {"code": "200", "message": "Playing", "control_id": "k1"}
    playing = await client.next_event("calling.call.play", control_id="k1")
    assert playing["params"]["params"]["state"] == "playing"
    finished = await client.next_event("calling.call.play", control_id="k1")
    assert finished["params"]["params"]["state"] == "finished"
    result = await client.call("calling.end", {**ids, "reason": "hangup"})
    assert result["message"] == "Disconnecting call"
    await client.next_event("calling.call.state", call_id=ids["call_id"], call_state="ending")
    ended = await client.next_event(
        "calling.call.state", call_id=ids["call_id"], call_state="ended"
    )
    assert ended["params"]["params"]["end_reason"] == "hangup"
    gone = await client.call("calling.answer", ids)
    assert gone["code"] == "410"
    unknown = await client.call("calling.answer", {"call_id": "nope", "node_id": "n"})
    assert unknown["code"] == "404"
    await fake_relay.wait_all_acked(timeout=2)
    assert fake_relay.journal.methods()[:3] == [
        "signalwire.connect",
        "calling.answer",
        "calling.play",
    ]
    await client.close()


async def test_wait_for_request_hands_out_each_request_once(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    ids = await _answered_call(fake_relay, client)
    first = await fake_relay.wait_for_request("calling.answer", timeout=1)
    assert first["params"]["call_id"] == ids["call_id"]
    waiter = asyncio.create_task(fake_relay.wait_for_request("calling.answer", timeout=2))
    await client.call("calling.answer", ids)
    second = await waiter
    assert second["id"] != first["id"]
    with pytest.raises(TimeoutError, match=r"calling\.answer"):
        await fake_relay.wait_for_request("calling.answer", timeout=0.05)
    await client.close()


async def test_play_pause_resume_stop_and_bad_media(fake_relay: FakeRelayServer) -> None:
    fake_relay.set_duration("play", None)
    client = await _open(fake_relay, contexts=["office"])
    ids = await _answered_call(fake_relay, client)
    media = [{"type": "audio", "params": {"url": "https://example.test/a.mp3"}}]
    await client.call("calling.play", {**ids, "control_id": "p", "play": media})
    states = []
    for op in ("pause", "resume", "volume", "stop"):
        result = await client.call(f"calling.play.{op}", {**ids, "control_id": "p", "volume": 3})
        assert result["code"] == "200"
    for _ in range(4):
        ev = await client.next_event("calling.call.play", control_id="p")
        states.append(ev["params"]["params"]["state"])
    assert states == ["playing", "paused", "playing", "finished"]
    missing = await client.call("calling.play.stop", {**ids, "control_id": "p"})
    assert missing["code"] == "404"
    await client.call("calling.play", {**ids, "control_id": "bad", "play": [{"type": "video"}]})
    ev = await client.next_event("calling.call.play", control_id="bad")
    assert ev["params"]["params"]["state"] == "error"
    await client.close()


async def test_hangup_finishes_running_actions(fake_relay: FakeRelayServer) -> None:
    fake_relay.set_duration("play", None)
    client = await _open(fake_relay, contexts=["office"])
    ids = await _answered_call(fake_relay, client)
    media = [{"type": "silence", "params": {"duration": 60}}]
    await client.call("calling.play", {**ids, "control_id": "long", "play": media})
    await client.next_event("calling.call.play", control_id="long")
    fake_relay.hangup(ids["call_id"], "busy")
    await client.next_event("calling.call.state", call_state="ending")
    finished = await client.next_event("calling.call.play", control_id="long")
    assert finished["params"]["params"]["state"] == "finished"
    ended = await client.next_event("calling.call.state", call_state="ended")
    assert ended["params"]["params"]["end_reason"] == "busy"
    await client.close()


async def test_unknown_method_gets_method_not_found(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay)
    response = await client.request("calling.fly", {})
    assert response["error"]["code"] == -32601
    await client.close()


# -- overrides ---------------------------------------------------------------------------


async def test_handler_override_and_default(fake_relay: FakeRelayServer) -> None:
    seen: list[str] = []

    def handler(request: dict[str, object], ctx: Script) -> None:
        seen.append(str(request["id"]))
        ctx.default()
        ctx.emit_call("calling.call.custom", note="after default")

    fake_relay.on("calling.answer", handler)
    client = await _open(fake_relay, contexts=["office"])
    ids = await _answered_call(fake_relay, client)
    ev = await client.next_event("calling.call.custom", call_id=ids["call_id"])
    assert ev["params"]["params"]["note"] == "after default"
    assert len(seen) == 1

    async def slow(request: dict[str, object], ctx: Script) -> dict[str, str]:
        await ctx.sleep(0.01)
        return {"code": "200", "message": "custom"}

    fake_relay.on("calling.hold", slow, once=True)
    assert (await client.call("calling.hold", ids))["message"] == "custom"
    assert (await client.call("calling.hold", ids))["message"] == "Call on hold"

    fake_relay.fail_next("calling.hold", "409", "conflict")
    assert (await client.call("calling.hold", ids))["code"] == "409"
    fake_relay.error_next("calling.hold", -32000, "boom")
    assert (await client.request("calling.hold", ids))["error"]["message"] == "boom"
    fake_relay.ignore_next("calling.hold")
    with pytest.raises(asyncio.TimeoutError):
        await client.request("calling.hold", ids, timeout=0.1)

    def broken(request: dict[str, object], ctx: Script) -> None:
        raise ValueError("scripting bug")

    fake_relay.on("calling.unhold", broken)
    response = await client.request("calling.unhold", ids)
    assert response["error"]["code"] == -32603
    assert "scripting bug" in response["error"]["message"]
    assert isinstance(fake_relay.errors[-1], ValueError)
    fake_relay.errors.clear()
    await client.close()


async def test_set_delay_delays_the_reply(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    ids = await _answered_call(fake_relay, client)
    fake_relay.set_delay("calling.hold", 0.3)
    with pytest.raises(asyncio.TimeoutError):
        await client.request("calling.hold", ids, timeout=0.05)
    await fake_relay.wait_for_event("calling.call.hold", timeout=2)
    await client.close()


async def test_wait_for_request_with_predicate_skips_but_keeps_others(
    fake_relay: FakeRelayServer,
) -> None:
    client = await _open(fake_relay, contexts=["office"])
    first = await _answered_call(fake_relay, client)
    second = await _answered_call(fake_relay, client)
    got = await fake_relay.wait_for_request(
        "calling.answer", predicate=lambda r: r["params"]["call_id"] == second["call_id"]
    )
    assert got["params"]["call_id"] == second["call_id"]
    oldest = await fake_relay.wait_for_request("calling.answer")
    assert oldest["params"]["call_id"] == first["call_id"]
    with pytest.raises(TimeoutError):
        await fake_relay.wait_for_request("calling.answer", timeout=0.05)
    await client.close()


async def test_script_delayed_emit_later_and_drop(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    ids = await _answered_call(fake_relay, client)
    fired: list[str] = []

    def handler(request: dict[str, object], ctx: Script) -> None:
        ctx.reply(custom=True)
        ctx.emit_call("calling.call.custom", delay=0.05, step="late")
        ctx.emit_call("calling.call.custom", step="now")
        ctx.later(0.01, lambda: fired.append("later"))

    fake_relay.on("calling.user_event", handler)
    result = await client.call("calling.user_event", {**ids, "event": {}})
    assert result["custom"] is True
    first = await client.next_event("calling.call.custom")
    second = await client.next_event("calling.call.custom")
    assert [first["params"]["params"]["step"], second["params"]["params"]["step"]] == [
        "now",
        "late",
    ]
    assert fired == ["later"]

    fake_relay.on("calling.hold", lambda _r, ctx: ctx.drop(abrupt=True))
    with pytest.raises(ConnectionError):
        await client.request("calling.hold", ids, timeout=2)
    await fake_relay.wait_disconnected(timeout=2)


async def test_fragmented_client_message_is_served(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay)
    await client.ws.send(
        iter(['{"jsonrpc":"2.0","id":"frag",', '"method":"signalwire.ping","params":{}}'])
    )
    response = await fake_relay.journal.wait_for(
        lambda f: f.direction == "out" and f.id == "frag", timeout=2
    )
    assert response.data["result"] == {}
    await client.close()


async def test_unknown_call_ids_in_server_helpers(fake_relay: FakeRelayServer) -> None:
    with pytest.raises(LookupError, match="no call 'nope'"):
        fake_relay.hangup("nope")
    with pytest.raises(LookupError, match="no call"):
        fake_relay.press_digits("nope", "1")
    with pytest.raises(LookupError, match="no client has connected"):
        fake_relay.push_event("calling.call.play", {})
    with pytest.raises(KeyError, match="unknown duration kind"):
        fake_relay.set_duration("teleport", 1)
    with pytest.raises(ValueError, match="needs digits"):
        fake_relay.queue_collect()


async def test_fixture_teardown_check_reports_handler_errors(fake_relay: FakeRelayServer) -> None:
    from signalwire.testing.relay.pytest_plugin import _check_errors

    _check_errors(fake_relay)  # no errors: silent
    fake_relay.errors.append(ValueError("scripted bug"))
    with pytest.raises(pytest.fail.Exception, match="ValueError: scripted bug"):
        _check_errors(fake_relay)
    fake_relay.errors.clear()
