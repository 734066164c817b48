"""Fake RELAY: sessions, resume, acks, pings, forced disconnects and faults."""

from __future__ import annotations

import asyncio
import json

import pytest

from signalwire.testing.relay import FakeRelayServer, RawRelayClient


async def _open(server: FakeRelayServer, **kwargs: object) -> RawRelayClient:
    return await RawRelayClient.open(server.url, **kwargs)  # type: ignore[arg-type]


async def test_resume_keeps_subscriptions_calls_and_buffers_events(
    fake_relay: FakeRelayServer,
) -> None:
    client = await _open(fake_relay, contexts=["office"])
    protocol = client.protocol
    auth_state = (await client.next_event("signalwire.authorization.state"))["params"]["params"]
    call_id = fake_relay.inbound_call("office")
    receive = await client.next_event("calling.call.receive", call_id=call_id)
    node_id = receive["params"]["params"]["node_id"]
    await fake_relay.wait_all_acked(timeout=2)

    await client.close()
    await fake_relay.wait_disconnected(timeout=2)
    # While nobody is connected the platform keeps going: events are buffered.
    second = fake_relay.inbound_call("office")
    fake_relay.hangup(call_id, "hangup")
    assert fake_relay.outstanding_events == 3

    resumed = await _open(
        fake_relay,
        protocol=protocol,
        authorization_state=auth_state["authorization_state"],
    )
    assert resumed.protocol == protocol
    assert resumed.connect_result["session_restored"] is True
    assert fake_relay.session.authorization_state is not None
    # Order: the fresh authorization state, then the buffered events in order.
    assert (await resumed.next_event())["params"]["event_type"] == "signalwire.authorization.state"
    got = await resumed.next_event()
    assert got["params"]["params"]["call_id"] == second
    ending = await resumed.next_event("calling.call.state", call_id=call_id)
    assert ending["params"]["params"]["call_state"] == "ending"
    await resumed.next_event("calling.call.state", call_id=call_id, call_state="ended")
    # Subscriptions persisted; the call from before the drop is still controllable.
    assert fake_relay.session_for_context("office").protocol == protocol
    result = await resumed.call("calling.answer", {"call_id": second, "node_id": node_id})
    assert result["code"] == "200"
    await fake_relay.wait_all_acked(timeout=2)
    assert fake_relay.connect_count == 2
    await resumed.close()


async def test_unknown_protocol_gets_fresh_session(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, protocol="signalwire_not_known")
    assert client.protocol != "signalwire_not_known"
    assert client.connect_result["session_restored"] is False
    await client.close()


async def test_unacked_events_are_redelivered_with_same_id(fake_relay: FakeRelayServer) -> None:
    fake_relay.send_authorization_state = False
    client = await _open(fake_relay, contexts=["office"], auto_ack=False)
    fake_relay.inbound_call("office")
    first = await client.next_event("calling.call.receive")
    assert fake_relay.outstanding_events == 1
    await client.close()
    await fake_relay.wait_disconnected(timeout=2)

    again = await _open(fake_relay, protocol=client.protocol)
    redelivered = await again.next_event("calling.call.receive")
    assert redelivered["id"] == first["id"]
    await fake_relay.wait_all_acked(timeout=2)
    await again.close()


async def test_no_redelivery_when_disabled(fake_relay_factory) -> None:  # type: ignore[no-untyped-def]
    server: FakeRelayServer = await fake_relay_factory(
        redeliver_unacked=False, send_authorization_state=False
    )
    client = await _open(server, contexts=["office"], auto_ack=False)
    server.inbound_call("office")
    await client.next_event("calling.call.receive")
    await client.close()
    await server.wait_disconnected(timeout=2)
    assert server.outstanding_events == 0
    again = await _open(server, protocol=client.protocol)
    with pytest.raises(TimeoutError):
        await again.next_event("calling.call.receive", timeout=0.1)
    await again.close()


async def test_second_connection_for_session_replaces_first(fake_relay: FakeRelayServer) -> None:
    first = await _open(fake_relay, contexts=["office"])
    second = await _open(fake_relay, protocol=first.protocol)
    await asyncio.wait_for(first.closed.wait(), 2)
    call_id = fake_relay.inbound_call("office")
    await second.next_event("calling.call.receive", call_id=call_id)
    await second.close()


async def test_server_ping_and_client_ping(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay)
    responses = await fake_relay.ping(timeout=2)
    assert responses == [{"jsonrpc": "2.0", "id": responses[0]["id"], "result": {}}]
    assert client.server_requests[-1]["method"] == "signalwire.ping"
    assert "timestamp" in client.server_requests[-1]["params"]
    assert await client.call("signalwire.ping", {}) == {}
    await client.close()


async def test_periodic_server_pings(fake_relay_factory) -> None:  # type: ignore[no-untyped-def]
    server: FakeRelayServer = await fake_relay_factory(ping_interval=0.05)
    client = await _open(server)
    frame = await server.journal.wait_for(
        lambda f: f.direction == "out" and f.method == "signalwire.ping", timeout=2
    )
    await server.wait_for_response(frame.id, timeout=2)
    assert server.unexpected_responses == []  # answered pings are expected, not strays
    await client.close()


@pytest.mark.parametrize("restart", [False, True])
async def test_send_disconnect(fake_relay: FakeRelayServer, restart: bool) -> None:
    client = await _open(fake_relay, contexts=["office"])
    await fake_relay.send_disconnect(restart=restart, timeout=2)
    await asyncio.wait_for(client.closed.wait(), 2)
    request = client.server_requests[-1]
    assert request["method"] == "signalwire.disconnect"
    assert request["params"] == {"restart": restart}
    again = await _open(fake_relay, protocol=client.protocol)
    assert (again.protocol == client.protocol) is (not restart)
    assert again.connect_result["session_restored"] is (not restart)
    await fake_relay.wait_all_acked(timeout=2)  # nothing stranded in a discarded session
    await again.close()


async def test_discard_session_drops_its_buffer(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    await client.close()
    await fake_relay.wait_disconnected(timeout=2)
    fake_relay.inbound_call("office")
    assert fake_relay.outstanding_events == 1
    fake_relay.discard_session(fake_relay.sessions[client.protocol])
    assert fake_relay.outstanding_events == 0
    with pytest.raises(LookupError):
        fake_relay.inbound_call("office")
    again = await _open(fake_relay, protocol=client.protocol)
    assert again.protocol != client.protocol
    await again.close()


async def test_drop_connections_graceful_and_abrupt(fake_relay: FakeRelayServer) -> None:
    for abrupt in (False, True):
        client = await _open(fake_relay)
        await fake_relay.wait_connected(timeout=2)
        await fake_relay.drop_connections(abrupt=abrupt)
        await asyncio.wait_for(client.closed.wait(), 2)
        await fake_relay.wait_disconnected(timeout=2)


async def test_disconnect_after_method_before_reply(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    call_id = fake_relay.inbound_call("office")
    await client.next_event("calling.call.receive")
    fake_relay.disconnect_after(method="calling.answer", reply=False)
    with pytest.raises(ConnectionError):
        await client.request("calling.answer", {"call_id": call_id, "node_id": "fake-node-1"})
    await fake_relay.wait_disconnected(timeout=2)
    assert fake_relay.calls[call_id].state == "created"


async def test_disconnect_after_method_after_reply(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    call_id = fake_relay.inbound_call("office")
    await client.next_event("calling.call.receive")
    fake_relay.disconnect_after(method="calling.answer", abrupt=True)
    result = await client.call("calling.answer", {"call_id": call_id, "node_id": "fake-node-1"})
    assert result["code"] == "200"
    await asyncio.wait_for(client.closed.wait(), 2)
    assert fake_relay.calls[call_id].state == "answered"


@pytest.mark.parametrize("kind", ["received", "sent"])
async def test_disconnect_after_n_frames(fake_relay: FakeRelayServer, kind: str) -> None:
    fake_relay.send_authorization_state = False
    client = await _open(fake_relay)
    fake_relay.disconnect_after(**{kind: 3})  # type: ignore[arg-type]

    async def ping_ten_times() -> None:
        for _ in range(10):
            await client.call("signalwire.ping", {}, timeout=2)

    with pytest.raises(ConnectionError):
        await ping_ten_times()
    sent_or_received = [
        f for f in fake_relay.journal if f.direction == ("in" if kind == "received" else "out")
    ]
    assert len(sent_or_received) == 4  # the connect frame/result plus three more
    with pytest.raises(ValueError, match="exactly one"):
        fake_relay.disconnect_after(received=1, sent=1)


async def test_freeze_is_half_open(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay)
    fake_relay.freeze()
    with pytest.raises(asyncio.TimeoutError):
        await client.request("signalwire.ping", {}, timeout=0.1)
    assert fake_relay.journal.requests("signalwire.ping")
    frozen_before = fake_relay.frozen
    assert frozen_before
    # The link is dead, not the platform: a new connection resumes the session.
    fresh = await _open(fake_relay, protocol=client.protocol)
    assert fresh.connect_result["session_restored"] is True
    assert await fresh.call("signalwire.ping", {}) == {}
    await asyncio.wait_for(client.closed.wait(), 3)  # the displaced link is closed
    frozen_after = fake_relay.frozen
    assert not frozen_after
    fake_relay.unfreeze()
    await fresh.close()
    await client.close()


async def test_fault_injection_frames(fake_relay: FakeRelayServer) -> None:
    fake_relay.send_authorization_state = False
    client = await _open(fake_relay)
    fake_relay.send_malformed()
    fake_relay.send_orphan_response()
    event_id = fake_relay.send_unknown_event("calling.call.whatever")
    fake_relay.send_raw("[1, 2, 3]")
    unknown = await client.next_event("calling.call.whatever")
    assert unknown["id"] == event_id
    await fake_relay.wait_for_response(event_id, timeout=2)
    assert isinstance(client.frames[1], str)  # not JSON
    assert "result" in client.frames[2]
    assert client.frames[4] == [1, 2, 3]
    raw = [f for f in fake_relay.journal.sent() if f.data is None]
    assert raw
    assert raw[0].raw is not None
    assert raw[0].raw.startswith('{"jsonrpc"')
    # The server survives garbage from the client too.
    await client.ws.send("not json at all")
    await client.ws.send(json.dumps({"jsonrpc": "2.0", "id": "zzz", "result": {}}))
    await client.ws.send(json.dumps({"jsonrpc": "2.0", "id": "q", "method": 5}))
    assert await client.call("signalwire.ping", {}) == {}
    assert fake_relay.unexpected_responses[-1]["id"] == "zzz"
    await client.close()


async def test_oversized_frame_closes_a_capped_client(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay)
    fake_relay.send_oversized(11 * 1024 * 1024)
    await asyncio.wait_for(client.closed.wait(), 5)
    close_sent = client.ws.protocol.close_sent
    assert close_sent is not None
    assert close_sent.code == 1009  # message too big
    await fake_relay.wait_disconnected(timeout=5)


async def test_journal_records_both_directions(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    await fake_relay.wait_all_acked(timeout=2)
    frames = list(fake_relay.journal)
    assert frames[0].direction == "in"
    assert frames[0].method == "signalwire.connect"
    assert frames[0].session_id is None
    assert frames[1].direction == "out"
    assert frames[1].is_response
    assert frames[2].event_type == "signalwire.authorization.state"
    assert frames[2].session_id == client.protocol
    assert frames[3].direction == "in"
    assert frames[3].is_response
    assert all(f.connection_id == "conn-1" for f in frames)
    assert frames[0].timestamp <= frames[-1].timestamp
    assert "signalwire.connect" in repr(frames[0])
    # What the client parsed is exactly what the journal says was sent.
    fake_relay.inbound_call("office", extra={"note": 'quote " and unicode \u00e9'})
    await client.next_event("calling.call.receive")
    assert client.frames == [f.data for f in fake_relay.journal.sent()]
    await client.close()


async def test_frame_sizes_control_frames_and_binary(fake_relay: FakeRelayServer) -> None:
    client = await _open(fake_relay, contexts=["office"])
    call_id = fake_relay.inbound_call("office")
    ids = {"call_id": call_id, "node_id": "fake-node-1"}
    for size in (10, 200, 70_000, 3_000_000):  # 7-bit, 16-bit and 64-bit lengths
        pong = await client.ws.ping()  # a control frame between data frames
        result = await client.call("calling.user_event", {**ids, "event": {"pad": "x" * size}})
        assert result["code"] == "200"
        await asyncio.wait_for(pong, 2)
        assert fake_relay.journal.requests("calling.user_event")[-1].params["event"]["pad"] == (
            "x" * size
        )
    await client.ws.send(
        json.dumps(
            {"jsonrpc": "2.0", "id": "bin", "method": "signalwire.ping", "params": {}}
        ).encode()
    )
    response = await fake_relay.journal.wait_for(
        lambda f: f.direction == "out" and f.id == "bin", timeout=2
    )
    assert response.data["result"] == {}
    await client.close()


async def test_client_frame_over_max_size_fails_the_connection(fake_relay_factory) -> None:  # type: ignore[no-untyped-def]
    server: FakeRelayServer = await fake_relay_factory(max_size=4096)
    client = await _open(server)
    with pytest.raises(ConnectionError):
        await client.call("signalwire.ping", {"pad": "x" * 10_000}, timeout=2)
    await asyncio.wait_for(client.closed.wait(), 2)
    assert client.ws.close_code == 1009
    await server.wait_disconnected(timeout=2)


async def test_journal_dump(fake_relay: FakeRelayServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = await _open(fake_relay)
    fake_relay.send_malformed()
    await client.call("signalwire.ping", {})
    path = tmp_path / "journal.jsonl"
    fake_relay.journal.dump(path)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["dir"] == "in"
    assert lines[0]["frame"]["method"] == "signalwire.connect"
    assert any(isinstance(line["frame"], str) for line in lines)  # the raw malformed frame
    assert len(lines) == len(fake_relay.journal)
    await client.close()
