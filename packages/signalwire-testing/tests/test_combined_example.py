"""examples/combined/front_desk.py end to end, offline: agent + RELAY router + REST, one process."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from signalwire.rest import RestClient
from signalwire.testing.agents import AgentSession
from signalwire.testing.relay import FakeRelayServer
from signalwire.testing.rest import FakeRestPlatform

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "combined" / "front_desk.py"


@pytest.fixture(scope="module")
def front_desk() -> ModuleType:
    spec = importlib.util.spec_from_file_location("front_desk_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_the_whole_service_offline(
    front_desk: ModuleType, fake_relay: FakeRelayServer, relay_connection: dict[str, Any]
) -> None:
    platform = FakeRestPlatform()
    rest = RestClient(
        platform.project, platform.token, "test.signalwire.com", transport=platform.transport()
    )
    agent = front_desk.FrontDesk(rest, "+15550100000")
    router = front_desk.make_router("+15550107001", request_timeout=5, **relay_connection)
    async with router:
        await fake_relay.wait_connected(timeout=5)
        # The agent's tool sends an SMS through signalwire.rest while the router is live.
        async with AgentSession(agent) as call:
            reply = await call.call_tool("book_table", {"phone": "+15550100042", "time": "19:30"})
        assert reply["response"] == "Booked for 19:30; confirmation sent."
        sent = platform.journal.last
        assert sent.operation_id == "create_message"
        assert sent.body["To"] == "+15550100042"
        stored = platform.store.snapshot()
        assert [m["sid"] for m in next(iter(stored.values()))] == [
            call.state.global_data["booking"]["sms_sid"]
        ]

        # Inbound calls: the sales number is bridged, any other hears the hours and ends.
        sales = fake_relay.inbound_call(
            "office", from_number="+15550100042", to_number=front_desk.SALES_NUMBER
        )
        await fake_relay.wait_for_request("calling.connect", timeout=5)
        other = fake_relay.inbound_call("office", to_number="+15550100099")
        await fake_relay.wait_call_state(other, "ended", timeout=5)
    connect = fake_relay.journal.commands("calling.connect")
    assert connect[0]["call_id"] == sales
    assert connect[0]["devices"][0][0]["params"]["to_number"] == "+15550107001"
    play = [p for p in fake_relay.journal.commands("calling.play") if p["call_id"] == other]
    assert play[0]["play"][0]["params"]["text"].startswith("We are open")
    rest.close()
