"""Event models: every registered type, lenient fields, unknown types kept."""

from __future__ import annotations

from typing import Any

import pytest

from signalwire.relay import (
    CallReceiveEvent,
    CallStateEvent,
    CollectEvent,
    DialEvent,
    FaxEvent,
    QueueEvent,
    RecordEvent,
    RelayEvent,
    parse_event,
)
from signalwire.relay.event import EVENT_CLASSES


def env(event_type: str, **inner: Any) -> dict[str, Any]:
    return {"event_type": event_type, "timestamp": 1700000000.5, "params": inner}


def test_every_registered_type_structures() -> None:
    for event_type, cls in EVENT_CLASSES.items():
        ev = parse_event(env(event_type, call_id="c1"))
        assert type(ev) is cls, event_type
        assert ev.event_type == event_type
        assert ev.call_id == "c1"
        assert ev.timestamp == 1700000000.5


def test_call_state_fields_and_raw_params_kept() -> None:
    inner = {
        "call_id": "c1",
        "node_id": "n1",
        "call_state": "ended",
        "end_reason": "busy",
        "direction": "outbound",
        "device": {"type": "phone", "params": {"to_number": "+1"}},
        "tag": "T",
        "brand_new_field": 1,
    }
    ev = parse_event({"event_type": "calling.call.state", "params": inner})
    assert isinstance(ev, CallStateEvent)
    assert (ev.call_state, ev.end_reason, ev.direction, ev.tag) == (
        "ended",
        "busy",
        "outbound",
        "T",
    )
    assert ev.device["params"]["to_number"] == "+1"
    assert ev.params is inner  # raw payload, unknown keys included


def test_receive_event_context() -> None:
    ev = parse_event(env("calling.call.receive", context="office", segment_id="s", project_id="p"))
    assert isinstance(ev, CallReceiveEvent)
    assert (ev.context, ev.segment_id, ev.project_id) == ("office", "s", "p")


def test_timestamp_falls_back_to_inner() -> None:
    ev = parse_event({"event_type": "calling.call.play", "params": {"timestamp": 3}})
    assert ev.timestamp == 3.0


def test_record_url_top_level_then_record_object() -> None:
    top = parse_event(
        env(
            "calling.call.record",
            url="https://r/1.mp3",
            duration=2.5,
            size=10,
            record={"audio": {}},
        )
    )
    assert isinstance(top, RecordEvent)
    assert (top.url, top.duration, top.size) == ("https://r/1.mp3", 2.5, 10)
    nested = parse_event(env("calling.call.record", record={"url": "https://r/2.mp3", "size": "7"}))
    assert isinstance(nested, RecordEvent)
    assert (nested.url, nested.size) == ("https://r/2.mp3", 7)


def test_queue_event_renames_id_and_name() -> None:
    ev = parse_event(env("calling.call.queue", id="q1", name="sales", position="2", size=5))
    assert isinstance(ev, QueueEvent)
    assert (ev.queue_id, ev.queue_name, ev.position, ev.size) == ("q1", "sales", 2, 5)


def test_lenient_types() -> None:
    ev = parse_event(env("calling.call.collect", result=None, final="false", control_id=None))
    assert isinstance(ev, CollectEvent)
    assert ev.result == {}
    assert ev.final is False
    assert ev.control_id == ""
    dial = parse_event(env("calling.call.dial", tag=5, call=["not", "a", "dict"]))
    assert isinstance(dial, DialEvent)
    assert (dial.tag, dial.call) == ("5", {})


def test_fax_event_keeps_fax_object() -> None:
    ev = parse_event(
        env("calling.call.fax", control_id="k", fax={"type": "finished", "params": {}})
    )
    assert isinstance(ev, FaxEvent)
    assert ev.fax["type"] == "finished"


@pytest.mark.parametrize("payload", [env("calling.brand.new", call_id="c9", x=1), env("")])
def test_unknown_types_become_generic_events(payload: dict[str, Any]) -> None:
    ev = parse_event(payload)
    assert type(ev) is RelayEvent
    assert ev.params == payload["params"]


def test_non_dict_inner_params() -> None:
    ev = parse_event({"event_type": "calling.call.play", "params": "junk"})
    assert ev.params == {}


def test_from_payload() -> None:
    assert isinstance(RelayEvent.from_payload(env("calling.call.state")), CallStateEvent)
    assert isinstance(CallStateEvent.from_payload(env("calling.call.state")), CallStateEvent)
