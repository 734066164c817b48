"""Connection lifecycle against the fake platform: handshake, acks, pings, reconnect, resume."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from signalwire.relay import (
    Call,
    RelayAuthError,
    RelayClient,
    RelayConnectionError,
    RelayError,
    RelayTimeoutError,
)

MakeClient = Callable[..., RelayClient]


async def test_handshake_frame(make_client: MakeClient, fake_relay: Any) -> None:
    c = make_client(contexts=["office", "sales"])
    async with c:
        assert c.state == "connected"
        assert c.relay_protocol and c.relay_protocol.startswith("signalwire_")
        req = await fake_relay.wait_for_request("signalwire.connect")
    p = req["params"]
    assert p["event_acks"] is True
    assert p["version"] == {"major": 2, "minor": 0, "revision": 0}
    assert p["authentication"] == {"project": "test-project", "token": "test-token"}
    assert p["contexts"] == ["office", "sales"]
    assert "protocol" not in p
    assert isinstance(req["id"], str)
    assert c.state == "closed"


async def test_jwt_handshake(make_client: MakeClient, fake_relay: Any) -> None:
    c = make_client(project=None, token=None, jwt_token="a.eyJwcm9qZWN0X2lkIjoicCJ9.c")
    with pytest.raises(RelayError):
        await c.connect()  # the fake only accepts its own JWT
    req = await fake_relay.wait_for_request("signalwire.connect")
    assert req["params"]["authentication"] == {"jwt_token": "a.eyJwcm9qZWN0X2lkIjoicCJ9.c"}


async def test_bad_credentials_raise_and_close(make_client: MakeClient) -> None:
    c = make_client(token="wrong")
    with pytest.raises(RelayAuthError) as info:
        await c.connect()
    assert isinstance(info.value, RelayError)
    assert info.value.code == -32002
    assert info.value.credential == "token"
    text = str(info.value)
    assert "wrong" not in text
    # names what to check, then keeps the platform's reason
    assert "check token= (or SIGNALWIRE_API_TOKEN)" in text
    assert "'test-project'" in text
    assert "401 Unauthorized" in text
    assert c.state == "closed"


async def test_rejected_jwt_names_the_jwt(make_client: MakeClient, fake_relay: Any) -> None:
    jwt = "a.eyJwcm9qZWN0X2lkIjoicCJ9.wrongsig"
    c = make_client(project=None, token=None, jwt_token=jwt)
    with pytest.raises(RelayAuthError) as info:
        await c.connect()
    assert info.value.credential == "jwt_token"
    assert "check jwt_token= (or SIGNALWIRE_JWT_TOKEN)" in str(info.value)
    assert jwt not in str(info.value)


async def test_unreachable_server(make_client: MakeClient) -> None:
    c = make_client(host="ws://127.0.0.1:9")
    with pytest.raises(RelayConnectionError, match="cannot connect"):
        await c.connect()
    assert c.state == "closed"


async def test_execute_before_connect_is_a_clear_error(make_client: MakeClient) -> None:
    c = make_client()
    with pytest.raises(RelayConnectionError, match="connect"):
        await c.execute("calling.answer", {})
    with pytest.raises(RelayConnectionError):
        await c.wait_ready()


async def test_every_event_is_acked(client: RelayClient, fake_relay: Any) -> None:
    seen: list[str] = []
    client.on_event(lambda ev: seen.append(ev.event_type))
    for _ in range(20):
        fake_relay.send_unknown_event("calling.call.mystery")
    await fake_relay.wait_all_acked()
    assert fake_relay.outstanding_events == 0
    assert seen.count("calling.call.mystery") == 20


async def test_server_ping_is_answered(client: RelayClient, fake_relay: Any) -> None:
    replies = await fake_relay.ping()
    assert replies
    assert all("result" in r for r in replies)


async def test_client_pings_and_detects_half_open(make_client: MakeClient, fake_relay: Any) -> None:
    c = make_client(ping_interval=0.1, ping_timeout=0.2)
    dropped = asyncio.Event()
    c.on_disconnected(lambda _err: dropped.set())
    async with c:
        await fake_relay.wait_for_request("signalwire.ping")
        fake_relay.freeze()
        await asyncio.wait_for(dropped.wait(), 5)
        fake_relay.unfreeze()
        await c.wait_ready(5)
        assert c.state == "connected"


async def test_drop_reconnects_and_resumes(make_client: MakeClient, fake_relay: Any) -> None:
    c = make_client(contexts=["office"])
    log: list[Any] = []
    c.on_connected(lambda: log.append("connected"))
    c.on_disconnected(lambda err: log.append("disconnected"))
    c.on_reconnecting(lambda attempt, delay: log.append(("reconnecting", attempt)))
    c.on_reconnected(lambda resumed: log.append(("reconnected", resumed)))
    c.on_session_lost(lambda: log.append("session_lost"))
    async with c:
        protocol = c.relay_protocol
        await c.receive(["sales"])
        await fake_relay.drop_connections(abrupt=True)
        await fake_relay.wait_connected(count=2)
        await c.wait_ready(5)
        second = fake_relay.journal.requests("signalwire.connect")[-1].data["params"]
        assert second["protocol"] == protocol
        assert second["authorization_state"]
        assert second["contexts"] == ["office", "sales"]
        assert c.relay_protocol == protocol
        # inbound calls on the re-subscribed context still arrive
        got: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        c.on_call(lambda call: got.set_result(call))
        fake_relay.inbound_call("sales")
        assert (await asyncio.wait_for(got, 5)).context == "sales"
    assert log[0] == "connected"
    assert "disconnected" in log
    assert ("reconnecting", 1) in log
    assert ("reconnected", True) in log
    assert "session_lost" not in log


async def test_server_disconnect_without_restart_resumes(
    make_client: MakeClient, fake_relay: Any
) -> None:
    c = make_client()
    resumed: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    c.on_reconnected(lambda r: resumed.set_result(r))
    async with c:
        protocol = c.relay_protocol
        await fake_relay.send_disconnect(restart=False)
        assert await asyncio.wait_for(resumed, 5) is True
        assert c.relay_protocol == protocol


async def test_server_disconnect_with_restart_starts_fresh(
    make_client: MakeClient, fake_relay: Any
) -> None:
    c = make_client(contexts=["office"])
    lost = asyncio.Event()
    c.on_session_lost(lost.set)
    async with c:
        call_ready: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        c.on_call(lambda call: call_ready.set_result(call))
        fake_relay.inbound_call("office")
        call = await asyncio.wait_for(call_ready, 5)
        old = c.relay_protocol
        waiter = asyncio.ensure_future(call.wait_for_ended())
        await fake_relay.send_disconnect(restart=True)
        await asyncio.wait_for(lost.wait(), 5)
        await c.wait_ready(5)
        params = fake_relay.journal.requests("signalwire.connect")[-1].data["params"]
        assert "protocol" not in params
        assert c.relay_protocol != old
        with pytest.raises(RelayConnectionError, match="session lost"):
            await asyncio.wait_for(waiter, 5)


async def test_command_queued_while_disconnected(make_client: MakeClient, fake_relay: Any) -> None:
    c = make_client(reconnect_min_delay=0.3, reconnect_max_delay=0.3)
    async with c:
        await fake_relay.drop_connections()
        await fake_relay.wait_disconnected()
        # sent only once the session is back, within its timeout
        result = await c.execute("signalwire.receive", {"contexts": ["late"]}, timeout=5)
        assert result["code"] == "200"
        assert fake_relay.connect_count == 2


async def test_command_fails_if_not_reconnected_in_time(
    make_client: MakeClient, fake_relay: Any
) -> None:
    c = make_client(reconnect_min_delay=2.0, reconnect_max_delay=2.0)
    async with c:
        await fake_relay.drop_connections()
        await fake_relay.wait_disconnected()
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(RelayTimeoutError, match=r"not connected within 0\.2"):
            await c.execute("signalwire.receive", {"contexts": ["x"]}, timeout=0.2)
        assert loop.time() - start < 1.0
        assert not fake_relay.journal.requests("signalwire.receive")


async def test_in_flight_command_fails_on_drop(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.disconnect_after(method="signalwire.receive", reply=False)
    with pytest.raises(RelayConnectionError, match="connection lost"):
        await client.execute("signalwire.receive", {"contexts": ["x"]})
    await client.wait_ready(5)  # and the client comes back


async def test_per_command_timeout(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.ignore_next("signalwire.receive")
    loop = asyncio.get_running_loop()
    start = loop.time()
    with pytest.raises(RelayTimeoutError, match=r"within 0\.3"):
        await client.execute("signalwire.receive", {"contexts": ["x"]}, timeout=0.3)
    assert loop.time() - start < 2
    # the late/absent reply does not break the next command
    assert (await client.execute("signalwire.receive", {"contexts": ["y"]}))["code"] == "200"


async def test_receive_unreceive(client: RelayClient, fake_relay: Any) -> None:
    await client.receive([])
    await client.receive(["sales"])
    await client.unreceive(["office"])
    assert client.contexts == ["sales"]
    assert (await fake_relay.wait_for_request("signalwire.receive"))["params"] == {
        "contexts": ["sales"]
    }
    assert (await fake_relay.wait_for_request("signalwire.unreceive"))["params"] == {
        "contexts": ["office"]
    }


async def test_error_results_raise(client: RelayClient, fake_relay: Any) -> None:
    fake_relay.fail_next("signalwire.receive", "402", "Payment required")
    with pytest.raises(RelayError) as info:
        await client.receive(["paid"])
    assert info.value.code == 402
    assert "Payment required" in str(info.value)
    assert "paid" not in client.contexts


async def test_garbage_is_logged_and_survived(
    client: RelayClient, fake_relay: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "signalwire.relay")
    generic: list[Any] = []
    client.on_event(generic.append)
    fake_relay.send_malformed()
    fake_relay.send_orphan_response()
    fake_relay.send_raw("[1, 2, 3]")
    fake_relay.send_unknown_event("brand.new.thing")
    await fake_relay.wait_all_acked()
    assert (await client.execute("signalwire.receive", {"contexts": ["ok"]}))["code"] == "200"
    assert [e.event_type for e in generic] == ["brand.new.thing"]
    text = caplog.text
    assert "not valid JSON" in text
    assert "unknown id" in text
    assert "not a JSON object" in text


async def test_oversized_frame_is_survived(
    make_client: MakeClient, fake_relay: Any, caplog: pytest.LogCaptureFixture
) -> None:
    c = make_client(max_size=64 * 1024)
    seen: list[Any] = []
    c.on_event(seen.append)
    async with c:
        fake_relay.send_oversized(100 * 1024)  # above max_size: acked, logged, dropped
        await fake_relay.wait_all_acked()
        assert "exceeds max_size" in caplog.text
        assert [e for e in seen if e.event_type == "calling.call.play"] == []
        assert c.state == "connected"
        assert (await c.execute("signalwire.receive", {"contexts": ["ok"]}))["code"] == "200"


async def test_wait_ready_timeout(make_client: MakeClient, fake_relay: Any) -> None:
    c = make_client(reconnect_min_delay=5, reconnect_max_delay=5)
    async with c:
        await c.wait_ready(0.1)  # connected: immediate
        await fake_relay.drop_connections()
        await fake_relay.wait_disconnected()
        with pytest.raises(RelayTimeoutError):
            await c.wait_ready(0.1)


async def test_disconnect_is_idempotent(make_client: MakeClient) -> None:
    c = make_client()
    await c.connect()
    await c.disconnect()
    await c.disconnect()
    assert c.state == "closed"
    with pytest.raises(RelayConnectionError, match="closed"):
        await c.execute("calling.answer", {})


async def test_redelivered_event_is_handled_once(
    client: RelayClient, fake_relay: Any, inbound: Callable[..., Any]
) -> None:
    call = await inbound()
    seen: list[str] = []
    call.on("calling.call.play", lambda ev: seen.append(ev.params["state"]))
    frame = {
        "jsonrpc": "2.0",
        "id": "evt-dup-1",
        "method": "signalwire.event",
        "params": {
            "event_type": "calling.call.play",
            "params": {
                "call_id": call.call_id,
                "node_id": call.node_id,
                "control_id": "k",
                "state": "playing",
            },
        },
    }
    fake_relay.send_frame(frame)
    fake_relay.send_frame(frame)  # same id again: a replay
    await call.wait_for("calling.call.play", timeout=5)
    await fake_relay.wait_for_response("evt-dup-1")
    await fake_relay.drop_connections()
    await fake_relay.wait_connected(count=2)
    await client.wait_ready(5)
    fake_relay.send_frame(frame)  # replayed after the resume
    fake_relay.send_frame({**frame, "id": "evt-dup-2"})  # a new event
    await call.wait_for("calling.call.play", timeout=5)
    assert seen == ["playing", "playing"]  # evt-dup-1 once, evt-dup-2 once
    await fake_relay.wait_for_response("evt-dup-2")  # acks go out in order
    acks = [f for f in fake_relay.journal if f.direction == "in" and f.id == "evt-dup-1"]
    assert len(acks) == 3  # every copy is acked


async def test_event_whose_ack_cannot_be_sent_is_still_handled(make_client: MakeClient) -> None:
    """A socket that dies right after delivering an event: the event is handled
    (and remembered, so the platform's redelivery after resume is skipped)."""
    from websockets.asyncio.server import ServerConnection, serve

    event = {
        "jsonrpc": "2.0",
        "id": "evt-last",
        "method": "signalwire.event",
        "params": {
            "event_type": "calling.call.receive",
            "params": {
                "call_id": "c-last",
                "node_id": "n",
                "call_state": "created",
                "context": "office",
            },
        },
    }
    connects = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal connects
        req = json.loads(await ws.recv())
        connects += 1
        await ws.send(
            json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": {"protocol": "signalwire_x"}})
        )
        if connects == 1:
            # the event and a close frame in one write: the client reads the event
            # only after the close started, so its ack cannot be sent
            ws.protocol.send_text(json.dumps(event).encode())
            ws.protocol.send_close(1001, "going away")
            ws.transport.write(b"".join(ws.protocol.data_to_send()))
            await ws.wait_closed()
            return
        await ws.send(json.dumps(event))  # redelivered after the resume, same id
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        c = make_client(host=f"ws://127.0.0.1:{port}")
        seen: list[str] = []
        c.on_call(lambda call: seen.append(call.call_id))
        await c.connect()
        try:
            for _ in range(200):
                if connects >= 2:
                    break
                await asyncio.sleep(0.01)
            await c.wait_ready(5)
        finally:
            await c.disconnect()
    assert seen == ["c-last"]


async def test_session_not_resumed_is_reported(
    make_client: MakeClient, fake_relay: Any, inbound: Callable[..., Any]
) -> None:
    c = make_client(contexts=["office"])
    lost = asyncio.Event()
    resumed: list[bool] = []
    c.on_session_lost(lost.set)
    c.on_reconnected(resumed.append)
    async with c:
        got: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        c.on_call(got.set_result)
        fake_relay.inbound_call("office")
        call = await asyncio.wait_for(got, 5)
        waiter = asyncio.ensure_future(call.wait_for_ended())
        old = c.relay_protocol
        fake_relay.session.discarded = True  # the platform forgets the session
        await fake_relay.drop_connections()
        await asyncio.wait_for(lost.wait(), 5)
        await c.wait_ready(5)
        # the old protocol was presented, but a new session came back
        later = fake_relay.journal.requests("signalwire.connect")[1:]
        assert any(f.data["params"].get("protocol") == old for f in later)
        assert c.relay_protocol != old
        assert resumed[0] is False
        with pytest.raises(RelayConnectionError, match="session lost"):
            await asyncio.wait_for(waiter, 5)
        assert c.calls == {}


async def test_message_wait_fails_when_client_closes(
    make_client: MakeClient, fake_relay: Any
) -> None:
    fake_relay.queue_message("queued")  # never reaches a final state
    c = make_client()
    await c.connect()
    msg = await c.send_message(to_number="+1", from_number="+2", body="x")
    waiter = asyncio.ensure_future(msg.wait())
    await asyncio.sleep(0)
    await c.disconnect()
    with pytest.raises(RelayConnectionError, match="client closed"):
        await asyncio.wait_for(waiter, 5)


async def test_late_reply_after_timeout_is_logged_at_debug(
    client: RelayClient, fake_relay: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "signalwire.relay")
    arrived = asyncio.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "late reply" in record.getMessage():
                arrived.set()

    watch = Watch()
    logging.getLogger("signalwire.relay").addHandler(watch)
    try:
        fake_relay.set_delay("signalwire.receive", 0.3)
        with pytest.raises(RelayTimeoutError):
            await client.execute("signalwire.receive", {"contexts": ["late"]}, timeout=0.05)
        await asyncio.wait_for(arrived.wait(), 10)
    finally:
        logging.getLogger("signalwire.relay").removeHandler(watch)
    late = [r for r in caplog.records if "late reply" in r.getMessage()]
    assert [r.levelno for r in late] == [logging.DEBUG]
    assert "signalwire.receive" in late[0].getMessage()
    assert not [
        r for r in caplog.records if r.levelno >= logging.WARNING and "ignored" in r.getMessage()
    ]
