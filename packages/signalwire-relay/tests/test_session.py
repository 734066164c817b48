"""Routing rules of the RELAY session, without a socket: events in, decisions out.

Events are built from the raw JSON the platform sends (``signalwire.event``
params) and parsed as the client parses them; the host is a small recorder
standing in for the client (limits, handler, and the commands calls send).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from typing import Any

import pytest

from signalwire.relay import Call, Message
from signalwire.relay._session import (
    ABANDONED_DIAL_TTL,
    EARLY_MESSAGE_EVENTS,
    Deliver,
    DeliverMessage,
    DialSettled,
    HangUp,
    NewCall,
    NewMessage,
    Orphan,
    Refuse,
    RelaySession,
)
from signalwire.relay.event import RelayEvent, parse_event


class Host:
    """What the session needs from its client: limits, the on_call handler, a command sink."""

    def __init__(self, *, max_active_calls: int = 10, over_limit: str = "busy") -> None:
        self.max_active_calls = max_active_calls
        self.over_limit = over_limit
        self._call_handler: Any = lambda call: None
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.session = RelaySession(self)

    async def execute(
        self, method: str, params: Mapping[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        self.sent.append((method, dict(params)))
        return {"code": "200"}

    def _spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        raise AssertionError(f"routing must not start tasks ({what})")

    def _forget_call(self, call: Call) -> None:
        self.session.forget_call(call)


def event(event_type: str, **params: Any) -> RelayEvent:
    return parse_event({"event_type": event_type, "timestamp": 1.0, "params": params})


def offer(call_id: str, context: str = "office", **extra: Any) -> RelayEvent:
    return event(
        "calling.call.receive",
        call_id=call_id,
        node_id="node-1",
        project_id="proj",
        context=context,
        call_state="created",
        direction="inbound",
        segment_id="seg-1",
        device={"type": "phone", "params": {"from_number": "+15551110000"}},
        **extra,
    )


def state(call_id: str, call_state: str, **extra: Any) -> RelayEvent:
    return event(
        "calling.call.state", call_id=call_id, node_id="node-1", call_state=call_state, **extra
    )


def dial_event(tag: str, dial_state: str, **extra: Any) -> RelayEvent:
    return event("calling.call.dial", tag=tag, node_id="node-d", dial_state=dial_state, **extra)


def deliver(session: RelaySession, ev: RelayEvent) -> Any:
    """Route ``ev`` and hand it to its call, as the client does; return the decisions."""
    decided = session.route(ev)
    if isinstance(decided, Call):
        decided._handle(ev)
    for d in decided if isinstance(decided, tuple) else ():
        if isinstance(d, Deliver):
            d.call._handle(ev)
    return decided


@pytest.fixture
def host() -> Host:
    return Host()


# -- inbound calls -------------------------------------------------------------


def test_offer_is_tracked_and_handed_to_on_call(host: Host) -> None:
    decided = host.session.route(offer("c1"))
    assert isinstance(decided, NewCall)
    call = decided.call
    assert host.session.calls == {"c1": call}
    assert (call.call_id, call.node_id, call.project_id, call.context) == (
        "c1",
        "node-1",
        "proj",
        "office",
    )
    assert (call.direction, call.state, call.segment_id) == ("inbound", "created", "seg-1")
    assert call.device == {"type": "phone", "params": {"from_number": "+15551110000"}}
    assert host.session.route(offer("c1")) is None  # a redelivered offer makes no second call


def test_offer_beyond_the_limit_is_refused_busy_and_not_tracked(host: Host) -> None:
    host.max_active_calls = 1
    assert isinstance(host.session.route(offer("c1")), NewCall)
    decided = host.session.route(offer("c2"))
    assert isinstance(decided, Refuse)
    assert (decided.call.call_id, decided.how) == ("c2", "busy")
    assert "max_active_calls" in decided.why
    assert list(host.session.calls) == ["c1"]
    # the refusal is sent through the host like any command of a call
    asyncio.run(decided.call.hangup("busy"))
    assert host.sent == [("calling.end", {"node_id": "node-1", "call_id": "c2", "reason": "busy"})]


def test_limits_are_read_when_a_call_is_offered(host: Host) -> None:
    host.max_active_calls = 1
    host.over_limit = "pass"
    host.session.route(offer("c1"))
    refused = host.session.route(offer("c2"))
    assert isinstance(refused, Refuse) and refused.how == "pass"
    host.max_active_calls = 2
    assert isinstance(host.session.route(offer("c3")), NewCall)


def test_offer_without_on_call_handler_is_refused(host: Host) -> None:
    host._call_handler = None
    decided = host.session.route(offer("c1", context="sales"))
    assert isinstance(decided, Refuse)
    assert decided.why == "no on_call handler for context 'sales'"
    assert host.session.calls == {}


def test_events_of_a_tracked_call_go_to_it(host: Host) -> None:
    call = host.session.route(offer("c1")).call  # type: ignore[union-attr]
    assert host.session.route(state("c1", "ringing")) is call
    assert host.session.route(event("calling.call.play", call_id="c1", control_id="x")) is call


def test_events_nobody_tracks_decide_nothing(host: Host) -> None:
    assert host.session.route(state("ghost", "answered")) is None
    assert host.session.route(event("calling.call.play", call_id="ghost")) is None
    assert (
        host.session.route(event("signalwire.authorization.state", authorization_state="x")) is None
    )
    assert host.session.route(event("some.future.event", anything=1)) is None


def test_forget_call_only_forgets_that_call(host: Host) -> None:
    call = host.session.route(offer("c1")).call  # type: ignore[union-attr]
    other = Call(host, "c1", "node-1")
    host.session.forget_call(other)
    assert host.session.calls == {"c1": call}
    host.session.forget_call(call)
    assert host.session.calls == {}
    assert host.session.route(state("c1", "ringing")) is None


# -- dials ---------------------------------------------------------------------


def test_dial_legs_are_recognised_by_tag(host: Host) -> None:
    pending = host.session.open_dial("t1")
    leg = host.session.route(state("l1", "created", tag="t1", direction="outbound"))
    assert isinstance(leg, Call)
    assert (leg.call_id, leg.tag, leg.direction) == ("l1", "t1", "outbound")
    assert pending.legs == {"l1": leg}
    assert host.session.calls == {"l1": leg}
    # an ended leg nobody knew, or a leg of another tag, makes no call
    assert host.session.route(state("l2", "ended", tag="t1")) is None
    assert host.session.route(state("l3", "created", tag="other")) is None


def test_dial_answered_settles_with_the_winning_leg(host: Host) -> None:
    pending = host.session.open_dial("t1")
    leg = host.session.route(state("l1", "ringing", tag="t1"))
    assert isinstance(leg, Call)
    decided = host.session.route(dial_event("t1", "answered", call={"call_id": "l1"}))
    assert decided == DialSettled(pending)
    assert pending.call is leg and pending.error is None
    assert leg.state == "answered"
    # a second answered event for the same dial changes nothing
    assert host.session.route(dial_event("t1", "answered", call={"call_id": "l1"})) is None


def test_dial_answered_by_a_leg_never_seen_makes_that_call(host: Host) -> None:
    pending = host.session.open_dial("t1")
    winner = {"call_id": "l9", "node_id": "node-9", "device": {"type": "sip", "params": {}}}
    decided = host.session.route(dial_event("t1", "answered", call=winner))
    assert decided == DialSettled(pending)
    call = pending.call
    assert call is not None and host.session.calls == {"l9": call}
    assert (call.node_id, call.state, call.tag, call.direction) == (
        "node-9",
        "answered",
        "t1",
        "outbound",
    )
    assert call.device == {"type": "sip", "params": {}}


def test_dial_answered_without_call_id_decides_nothing(
    host: Host, caplog: pytest.LogCaptureFixture
) -> None:
    host.session.open_dial("t1")
    assert host.session.route(dial_event("t1", "answered", call={})) is None
    assert "dial t1 answered without a call id" in caplog.text


def test_dial_failed_settles_with_the_reason(host: Host) -> None:
    pending = host.session.open_dial("t1")
    assert host.session.route(dial_event("t1", "failed", reason="busy")) == DialSettled(pending)
    assert pending.error is not None
    assert str(pending.error.message) == "dial failed (tag=t1): busy"
    other = host.session.open_dial("t2")
    host.session.route(dial_event("t2", "failed"))
    assert other.error is not None and other.error.message.endswith("no device answered")


def test_closed_dial_no_longer_makes_legs(host: Host) -> None:
    pending = host.session.open_dial("t1")
    assert host.session.close_dial(pending) == ()
    assert host.session.dials == {}
    assert host.session.route(state("l1", "ringing", tag="t1")) is None


def test_abandoned_dial_orphans_answered_legs_and_cancels_live_ones(host: Host) -> None:
    pending = host.session.open_dial("t1")
    answered = deliver(host.session, state("l1", "answered", tag="t1"))
    ringing = deliver(host.session, state("l2", "ringing", tag="t1"))
    ending = deliver(host.session, state("l3", "ending", tag="t1"))
    assert isinstance(answered, Call) and isinstance(ringing, Call) and isinstance(ending, Call)
    assert host.session.close_dial(pending, abandoned=True, now=100.0) == (
        Orphan(answered),
        HangUp(ringing, "cancel"),
    )
    assert answered._orphan


def test_leg_of_an_abandoned_dial_is_cancelled_then_orphaned_when_it_answers(host: Host) -> None:
    host.session.close_dial(host.session.open_dial("t1"), abandoned=True, now=0.0)
    decided = host.session.route(state("l1", "ringing", tag="t1"))
    assert isinstance(decided, tuple)
    leg = decided[0].call  # type: ignore[attr-defined]
    assert decided == (Deliver(leg), HangUp(leg, "cancel"))
    assert host.session.route(state("l1", "answered")) == (Deliver(leg), Orphan(leg))
    # an orphan is handed over once
    assert host.session.route(state("l1", "answered")) is leg


def test_leg_answering_after_the_dial_was_abandoned_is_an_orphan_at_once(host: Host) -> None:
    host.session.close_dial(host.session.open_dial("t1"), abandoned=True, now=0.0)
    decided = host.session.route(state("l1", "answered", tag="t1"))
    assert isinstance(decided, tuple) and len(decided) == 2
    leg = decided[0].call  # type: ignore[attr-defined]
    assert decided == (Deliver(leg), Orphan(leg))
    assert host.session.route(state("l2", "ending", tag="t1")) == host.session.calls["l2"]


def test_abandoned_dial_answered_later_is_an_orphan(host: Host) -> None:
    host.session.close_dial(host.session.open_dial("t1"), abandoned=True, now=0.0)
    decided = host.session.route(dial_event("t1", "answered", call={"call_id": "l5"}))
    call = host.session.calls["l5"]
    assert decided == Orphan(call)
    # the tag is used up: a late duplicate changes nothing
    assert host.session.route(dial_event("t1", "answered", call={"call_id": "l5"})) is None


def test_dial_answered_before_its_caller_gave_up_is_an_orphan(host: Host) -> None:
    pending = host.session.open_dial("t1")
    host.session.route(dial_event("t1", "answered", call={"call_id": "l1"}))
    call = pending.call
    assert call is not None
    assert host.session.close_dial(pending, abandoned=True, now=0.0) == (Orphan(call),)


def test_failed_or_dropped_dial_leaves_nothing_to_abandon(host: Host) -> None:
    failed = host.session.open_dial("t1")
    host.session.route(dial_event("t1", "failed"))
    assert host.session.close_dial(failed, abandoned=True) == ()
    dropped = host.session.open_dial("t2")
    host.session.route(state("l1", "ringing", tag="t2"))
    host.session.drop()
    assert host.session.close_dial(dropped, abandoned=True) == ()
    assert host.session.route(state("l2", "ringing", tag="t2")) is None


def test_abandoned_tags_expire(host: Host) -> None:
    host.session.close_dial(host.session.open_dial("old"), abandoned=True, now=0.0)
    soon = ABANDONED_DIAL_TTL - 1
    host.session.close_dial(host.session.open_dial("mid"), abandoned=True, now=soon)
    assert isinstance(host.session.route(state("l0", "ringing", tag="old")), tuple)
    later = ABANDONED_DIAL_TTL + 1
    host.session.close_dial(host.session.open_dial("new"), abandoned=True, now=later)
    assert host.session.route(state("l1", "ringing", tag="old")) is None
    assert isinstance(host.session.route(state("l2", "ringing", tag="new")), tuple)


def test_same_tag_dialled_twice_keeps_the_newer_dial(host: Host) -> None:
    first = host.session.open_dial("t")
    second = host.session.open_dial("t")
    assert host.session.close_dial(first) == ()
    assert host.session.dials == {"t": second}


# -- messages ------------------------------------------------------------------


def msg_state(message_id: Any, message_state: str) -> RelayEvent:
    return event("messaging.state", message_id=message_id, message_state=message_state)


def test_state_events_go_to_the_sent_message(host: Host) -> None:
    msg = Message(message_id="m1", state="queued")
    assert host.session.add_message(msg) == []
    assert host.session.route(msg_state("m1", "sent")) == DeliverMessage(msg)
    host.session.forget_message(msg)
    assert host.session.route(msg_state("m1", "delivered")) is None
    assert host.session.route(msg_state(None, "sent")) is None


def test_state_arriving_before_the_send_reply_is_kept_for_the_message(host: Host) -> None:
    first, second = msg_state("m1", "sent"), msg_state("m1", "delivered")
    assert host.session.route(first) is None
    assert host.session.route(second) is None
    assert host.session.add_message(Message(message_id="m1")) == [first, second]
    assert host.session.add_message(Message(message_id="m1")) == []  # handed over once


def test_early_message_events_are_bounded(host: Host) -> None:
    for i in range(EARLY_MESSAGE_EVENTS + 5):
        host.session.route(msg_state(f"m{i}", "sent"))
    assert host.session.add_message(Message(message_id="m0")) == []
    assert len(host.session.add_message(Message(message_id=f"m{EARLY_MESSAGE_EVENTS}"))) == 1


def test_inbound_message_is_built_for_on_message(host: Host) -> None:
    ev = event(
        "messaging.receive",
        message_id="m1",
        context="office",
        direction="inbound",
        from_number="+15551110000",
        to_number="+15552220000",
        body="hi",
        media=["https://example.com/a.png"],
        segments=2,
        message_state="received",
        tags=["a"],
    )
    decided = host.session.route(ev)
    assert isinstance(decided, NewMessage)
    msg = decided.message
    assert (msg.message_id, msg.context, msg.body, msg.state, msg.segments) == (
        "m1",
        "office",
        "hi",
        "received",
        2,
    )
    assert (msg.from_number, msg.to_number) == ("+15551110000", "+15552220000")
    assert msg.media == ["https://example.com/a.png"] and msg.tags == ["a"]
    assert msg.result is ev
    assert host.session.messages == {}  # inbound messages are not tracked


# -- end of the session ----------------------------------------------------------


def test_drop_returns_and_forgets_everything(host: Host) -> None:
    call = host.session.route(offer("c1")).call  # type: ignore[union-attr]
    pending = host.session.open_dial("t1")
    msg = Message(message_id="m1")
    host.session.add_message(msg)
    assert host.session.drop() == ([call], [pending], [msg])
    assert not pending.open
    assert (host.session.calls, host.session.dials, host.session.messages) == ({}, {}, {})
    assert host.session.route(state("c1", "ended")) is None


def test_decisions_compare_by_kind_and_fields(host: Host) -> None:
    a, b = Call(host, "a", "n"), Call(host, "b", "n")
    assert Deliver(a) == Deliver(a)
    assert Deliver(a) != Deliver(b)
    assert Deliver(a) != Orphan(a)
    assert HangUp(a, "cancel") != HangUp(a, "busy")
    assert repr(HangUp(a, "cancel")).startswith("HangUp(call=Call(call_id='a'")
