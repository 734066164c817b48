"""Fake RELAY: the standalone runner and the subscribe hook."""

from __future__ import annotations

import asyncio
import sys

from signalwire.testing.relay import FakeRelayServer, FakeSession, RawRelayClient


async def test_on_subscribe_hook_runs_after_connect_and_receive(
    fake_relay: FakeRelayServer,
) -> None:
    calls: list[tuple[str, list[str]]] = []

    def hook(session: FakeSession, contexts: list[str]) -> None:
        calls.append((session.protocol, contexts))
        if "office" in contexts:
            fake_relay.inbound_call("office", session=session)

    fake_relay.on_subscribe(hook)
    client = await RawRelayClient.open(fake_relay.url, contexts=["office"])
    await client.next_event("calling.call.receive")
    await client.call("signalwire.receive", {"contexts": ["sales"]})
    assert calls == [(client.protocol, ["office"]), (client.protocol, ["sales"])]
    await client.close()


async def test_standalone_runner_prints_url_and_offers_calls() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "signalwire.testing.relay",
        "--port",
        "0",
        "--inbound-call",
        "office",
        "--inbound-message",
        "office",
        "-v",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert "listening on ws://127.0.0.1:" in first
        url = first.rsplit(" ", 1)[1].strip()
        banner = b"".join([await asyncio.wait_for(proc.stdout.readline(), 5) for _ in range(4)])
        assert b"test-token" in banner
        client = await RawRelayClient.open(url, contexts=["office"])
        await client.next_event("calling.call.receive", timeout=5)
        await client.next_event("messaging.receive", timeout=5)
        await client.close()
        seen = b""
        while b"offered inbound call" not in seen or b"C->S" not in seen:
            seen += await asyncio.wait_for(proc.stdout.readline(), 5)
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)


async def test_standalone_burst_mode() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "signalwire.testing.relay",
        "--port",
        "0",
        "--inbound-call",
        "bench",
        "--burst",
        "3000",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        url = first.rsplit(" ", 1)[1].strip()
        client = await RawRelayClient.open(url, contexts=["bench"])
        frame = await client.next_event("calling.call.receive", timeout=5)
        inner = frame["params"]["params"]
        await client.call(
            "calling.answer", {"call_id": inner["call_id"], "node_id": inner["node_id"]}
        )
        await client.next_event("calling.call.state", timeout=10, call_state="ended")
        # receive + answered + burst + ending + ended (+ the authorization state)
        assert client.event_count == 3000 + 5
        line = b""
        while b"burst of 3000 acknowledged" not in line:
            line = await asyncio.wait_for(proc.stdout.readline(), 10)
        await client.close()
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)


def test_loading_the_pytest_plugin_imports_no_websockets() -> None:
    from signalwire_devtools.hygiene import probe_import

    result = probe_import("signalwire.testing.relay.pytest_plugin")
    assert "websockets" not in result["top_level"]
    assert "signalwire.testing.relay._server" not in result["modules"]
