"""Fake RELAY: the behaviours need only a Script and the Scenario (no server, no socket).

A recording host stands in for the server behind the Script; requests are raw
JSON-RPC objects as a client sends them.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

import pytest

from signalwire.testing.relay._behaviours import BEHAVIOURS, MESSAGES
from signalwire.testing.relay._connection import FakeSession
from signalwire.testing.relay._model import FakeCall
from signalwire.testing.relay._scenario import Scenario
from signalwire.testing.relay._script import Script


class Link:
    """A connection as a script sees it: the session it carries and where replies go."""

    def __init__(self, session: FakeSession) -> None:
        self.session = session
        self.replies: list[dict[str, Any]] = []

    def send_text(self, text: str, data: Any, event_id: str | None = None) -> None:
        assert json.loads(text) == data
        self.replies.append(data)


class Host:
    """The platform behind a Script, recording the events it is asked to send."""

    def __init__(self) -> None:
        self.calls: dict[str, FakeCall] = {}
        self.messages: dict[str, Any] = {}
        self.sessions: dict[str, FakeSession] = {}
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.scenario = Scenario()

    @property
    def loop(self) -> Any:
        raise AssertionError("durations are 0: nothing may be scheduled")

    def emit(self, session: FakeSession, event_type: str, params: dict[str, Any]) -> str:
        self.events.append((event_type, params))
        return str(len(self.events))

    def subscribed(self, session: FakeSession, contexts: list[str]) -> None:
        pass

    def success_message(self, method: str) -> str:
        return MESSAGES.get(method, "OK")

    def default_behaviour(self, ctx: Script) -> Any:
        return BEHAVIOURS[ctx.method](ctx, self.scenario)


@pytest.fixture
def host() -> Host:
    return Host()


def run(host: Host, method: str, **params: Any) -> tuple[dict[str, Any], list[str]]:
    """Answer one request with the built-in behaviour; return the reply and the event types."""
    session = host.sessions.setdefault("p", FakeSession("p", "s", "id", "proj"))
    link = Link(session)
    request = {"jsonrpc": "2.0", "id": "r1", "method": method, "params": params}
    before = len(host.events)
    Script(host, link, request).default()  # type: ignore[arg-type]
    assert len(link.replies) == 1, link.replies
    return link.replies[0], [t for t, _ in host.events[before:]]


def live_call(host: Host, call_id: str = "c1") -> FakeCall:
    session = host.sessions.setdefault("p", FakeSession("p", "s", "id", "proj"))
    call = FakeCall(call_id, "n1", session, direction="inbound", device={}, state="answered")
    host.calls[call_id] = call
    return call


def test_play_replies_then_plays_to_the_end(host: Host) -> None:
    live_call(host)
    media = [{"type": "tts", "params": {"text": "hi"}}]
    reply, events = run(
        host, "calling.play", call_id="c1", node_id="n1", control_id="k1", play=media
    )
    assert reply["result"] == {"code": "200", "message": "Playing", "control_id": "k1"}
    assert events == ["calling.call.play", "calling.call.play"]
    assert [p["state"] for _, p in host.events] == ["playing", "finished"]


def test_checks_run_in_declared_order(host: Host) -> None:
    reply, _ = run(host, "calling.record", call_id="c1")
    assert reply["result"]["message"] == "Invalid params: call_id and node_id are required"
    reply, _ = run(host, "calling.record", call_id="c1", node_id="n1")
    assert reply["result"] == {"code": "404", "message": "Call c1 does not exist"}
    live_call(host)
    reply, _ = run(host, "calling.record", call_id="c1", node_id="n1")
    assert reply["result"]["message"] == "Invalid params: record is required"
    reply, events = run(host, "calling.record", call_id="c1", node_id="n1", record={})
    assert reply["result"]["message"] == "Invalid params: control_id is required"
    assert events == []
    host.calls["c1"].state = "ended"
    reply, _ = run(host, "calling.record", call_id="c1", node_id="n1", record={})
    assert reply["result"]["code"] == "410"


def test_control_commands_need_a_running_action_of_their_kind(host: Host) -> None:
    live_call(host)
    host.scenario.set_duration("tap", None)
    tap = {"type": "audio", "params": {}}
    run(host, "calling.tap", call_id="c1", node_id="n1", control_id="t1", tap=tap, device={})
    reply, _ = run(host, "calling.stream.stop", call_id="c1", node_id="n1", control_id="t1")
    assert reply["result"] == {"code": "404", "message": "Control ID t1 not found"}
    reply, events = run(host, "calling.tap.stop", call_id="c1", node_id="n1", control_id="t1")
    assert reply["result"]["code"] == "200"
    assert events == ["calling.call.tap"]
    assert host.events[-1][1]["state"] == "finished"


def test_collect_takes_the_call_s_own_result_first(host: Host) -> None:
    live_call(host)
    host.scenario.queue_collect({"type": "digit", "params": {"digits": "9"}})
    host.scenario.queue_collect({"type": "speech", "params": {"text": "mine"}}, call_id="c1")
    run(host, "calling.collect", call_id="c1", node_id="n1", control_id="k1", digits={})
    assert host.events[-1][1]["result"]["params"] == {"text": "mine"}
    run(host, "calling.collect", call_id="c1", node_id="n1", control_id="k2", digits={})
    assert host.events[-1][1]["result"]["params"] == {"digits": "9"}
    host.scenario.default_digits = "7"
    run(host, "calling.collect", call_id="c1", node_id="n1", control_id="k3", digits={})
    assert host.events[-1][1]["result"]["params"] == {"digits": "7", "terminator": "#"}


def test_scenario_plans_and_defaults() -> None:
    scenario = Scenario()
    assert scenario.next_dial_plan("t") == {}
    scenario.queue_dial({"answer": None})
    scenario.queue_dial({"answer": (1, 0)}, tag="t")
    assert scenario.next_dial_plan("t") == {"answer": (1, 0)}
    assert scenario.next_dial_plan("t") == {"answer": None}
    scenario.queue_detect(["MACHINE"], call_id="c1")
    scenario.queue_detect(["HUMAN"])
    assert scenario.next_detect("c2") == ["HUMAN"]
    assert scenario.next_detect("c1") == ["MACHINE"]
    assert scenario.next_detect("c1") is None
    assert scenario.next_connect_plan() == {} and scenario.next_message_plan() == {}
    with pytest.raises(KeyError, match="unknown duration kind 'nap'"):
        scenario.set_duration("nap", 1.0)
    scenario.set_delay("calling.play", 0.5)
    scenario.set_delay("calling.play", 0)
    assert scenario.delays == {}
    assert isinstance(scenario.collect_results, deque)


async def test_server_settings_are_the_scenario_s() -> None:
    from signalwire.testing.relay import FakeRelayServer

    server = FakeRelayServer()
    server.default_speech = "hello"
    server.queue_dial(answer=None)
    server.set_duration("play", None)
    assert server.scenario.default_speech == "hello"
    assert list(server.scenario.dial_plans) == list(server.dial_plans)
    assert server.durations is server.scenario.durations and server.durations["play"] is None
