"""Fake RELAY under chaos: every event reaches a resuming client, in order, with
stable ids (at-least-once; duplicates only as redeliveries of the same id)."""

from __future__ import annotations

import asyncio
import random

import pytest

from signalwire.testing.relay import FakeRelayServer, RawRelayClient


@pytest.mark.parametrize("seed", [7, 11, 23])
async def test_events_survive_random_drops_in_order(fake_relay: FakeRelayServer, seed: int) -> None:
    rng = random.Random(seed)
    fake_relay.send_authorization_state = False
    received: list[str] = []
    seen: set[str] = set()
    duplicates = 0
    stop = asyncio.Event()

    async def consume() -> None:
        nonlocal duplicates
        protocol = None
        while not stop.is_set():
            try:
                client = await RawRelayClient.open(
                    fake_relay.url, contexts=["c"], protocol=protocol
                )
            except (OSError, ConnectionError):
                continue
            if protocol is not None:
                assert client.protocol == protocol, "session was not resumed"
            protocol = client.protocol
            while True:
                getter = asyncio.ensure_future(client.events.get())
                closed = asyncio.ensure_future(client.closed.wait())
                done, _ = await asyncio.wait({getter, closed}, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    closed.cancel()
                    frame = getter.result()
                    event_id = frame["id"]
                    if event_id in seen:
                        duplicates += 1
                    else:
                        seen.add(event_id)
                        received.append(event_id)
                    continue
                getter.cancel()
                # Drain what arrived before the close, then reconnect.
                while not client.events.empty():
                    frame = client.events.get_nowait()
                    if frame["id"] not in seen:
                        seen.add(frame["id"])
                        received.append(frame["id"])
                    else:
                        duplicates += 1
                break

    consumer = asyncio.ensure_future(consume())
    session = await fake_relay.wait_connected(timeout=5)
    emitted: list[str] = []
    params = {"call_id": "x", "node_id": "n", "control_id": "k", "state": "playing"}
    drops = 0
    for _ in range(40):
        for _ in range(rng.randint(1, 50)):
            emitted.append(fake_relay.emit(session, "calling.call.play", params))
        await asyncio.sleep(0)  # let some frames out, then maybe cut the line
        await fake_relay.wait_connected(timeout=5)  # events keep coming while offline too
        if rng.random() < 0.5:
            await fake_relay.drop_connections(abrupt=rng.random() < 0.5)
            drops += 1
        elif rng.random() < 0.3:
            fake_relay.disconnect_after(sent=rng.randint(1, 30), abrupt=rng.random() < 0.5)
    await fake_relay.wait_all_acked(timeout=20)
    stop.set()
    await fake_relay.drop_connections()
    await asyncio.wait_for(consumer, 5)
    assert drops > 5
    assert fake_relay.connect_count > drops // 2
    assert received == emitted  # nothing lost, nothing reordered
    assert len(fake_relay.sessions) == 1
