"""RELAY routing without sockets: which call, dial or message an event belongs to.

:class:`RelaySession` keeps the objects of one RELAY session (tracked calls,
pending and abandoned dials, messages) and turns each parsed event into
*decisions*: what to do (hand the event to a call, run the ``on_call``
handler, refuse a call, settle a dial, ...). It sends nothing
and starts no task; :class:`~signalwire.relay.RelayClient` runs the decisions.
So every routing rule can be tested by feeding events and reading decisions.

Rules:

* ``calling.call.receive``: a new inbound call is tracked and handed to
  ``on_call``; beyond ``max_active_calls`` or without an ``on_call`` handler
  it is refused (``calling.pass`` or ``calling.end`` busy, by ``over_limit``).
* An event with a ``call_id`` goes to its tracked call. A ``calling.call.state``
  for an unknown call carrying the tag of a dial in progress (or recently
  abandoned) creates that dial's leg.
* ``calling.call.dial`` answered settles the dial with the winning leg;
  ``failed`` settles it with an error. A leg of a dial its caller gave up on
  is an *orphan* once answered (handed to ``on_dial_orphan`` or hung up);
  its other live legs are cancelled.
* ``messaging.state`` goes to the sent message (kept for a while when it
  arrives before the send's reply); ``messaging.receive`` makes a new inbound
  message for ``on_message``.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from signalwire.relay import constants as c
from signalwire.relay._call import Call, CallHost
from signalwire.relay._errors import RelayError
from signalwire.relay._message import Message

if TYPE_CHECKING:
    from signalwire.relay.event import DialEvent, RelayEvent

__all__ = [
    "Decision",
    "Decisions",
    "Deliver",
    "DeliverMessage",
    "DialSettled",
    "HangUp",
    "NewCall",
    "NewMessage",
    "Orphan",
    "PendingDial",
    "Refuse",
    "RelaySession",
    "SessionHost",
]

logger = logging.getLogger("signalwire.relay.session")

JSONObject = dict[str, Any]

#: How long (seconds) legs of an abandoned dial are still recognised by its tag.
ABANDONED_DIAL_TTL = 600.0
#: State events kept for messages whose ``messaging.send`` reply has not arrived yet.
EARLY_MESSAGE_EVENTS = 256

_ENDING_OR_ENDED = (c.CALL_STATE_ENDING, c.CALL_STATE_ENDED)


class SessionHost(CallHost, Protocol):
    """What routing needs from the client: the host of its calls, and its inbound limits.

    The limits are read when a call is offered, so changing them on the
    client applies to the next call.
    """

    @property
    def max_active_calls(self) -> int:
        """Inbound calls beyond this many tracked calls are refused."""
        ...

    @property
    def over_limit(self) -> str:
        """``"busy"`` (``calling.end`` busy) or ``"pass"`` (``calling.pass``) for refused calls."""
        ...

    @property
    def _call_handler(self) -> Callable[..., Any] | None:
        """The ``on_call`` handler; without one inbound calls are refused."""
        ...


# -- decisions ----------------------------------------------------------------


class Decision:
    """One thing the client must do for an event (compared by type and fields)."""

    __slots__ = ()

    def _fields(self) -> tuple[tuple[str, Any], ...]:
        names: tuple[str, ...] = type(self).__slots__
        return tuple((n, getattr(self, n)) for n in names)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Decision)
        return self._fields() == other._fields()

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={v!r}" for n, v in self._fields())
        return f"{type(self).__name__}({inner})"


class Deliver(Decision):
    """Hand the event to ``call`` (its state, actions, listeners and waiters).

    :meth:`RelaySession.route` returns the call itself for this when it is the
    only thing to do; the record appears in sequences of several decisions.
    """

    __slots__ = ("call",)

    def __init__(self, call: Call) -> None:
        self.call = call


class NewCall(Decision):
    """A new inbound call is tracked: run the ``on_call`` handler with it."""

    __slots__ = ("call",)

    def __init__(self, call: Call) -> None:
        self.call = call


class Refuse(Decision):
    """Refuse an inbound call (not tracked): log ``why``, then ``calling.pass`` or end it busy."""

    __slots__ = ("call", "how", "why")

    def __init__(self, call: Call, why: str, how: str) -> None:
        self.call = call
        self.why = why
        #: ``"pass"`` or ``"busy"``.
        self.how = how


class HangUp(Decision):
    """End ``call`` with ``reason`` (a leg of a dial nobody waits for any more)."""

    __slots__ = ("call", "reason")

    def __init__(self, call: Call, reason: str) -> None:
        self.call = call
        self.reason = reason


class Orphan(Decision):
    """``call`` answered after its dial was abandoned: hand it to ``on_dial_orphan`` or hang up."""

    __slots__ = ("call",)

    def __init__(self, call: Call) -> None:
        self.call = call


class DialSettled(Decision):
    """``dial`` got its outcome: ``dial.call`` answered, or ``dial.error`` says why it failed."""

    __slots__ = ("dial",)

    def __init__(self, dial: PendingDial) -> None:
        self.dial = dial


class DeliverMessage(Decision):
    """Apply the state event to ``message``; forget the message once its state is final."""

    __slots__ = ("message",)

    def __init__(self, message: Message) -> None:
        self.message = message


class NewMessage(Decision):
    """An inbound message arrived: run the ``on_message`` handler with it."""

    __slots__ = ("message",)

    def __init__(self, message: Message) -> None:
        self.message = message


#: What :meth:`RelaySession.route` returns: nothing to do (None), a :class:`Call` (hand the
#: event to it: the common case, so no record is made per event), one decision, or several
#: in order.
Decisions = Call | Decision | tuple[Decision, ...] | None


class PendingDial:
    """A dial in progress, by tag: its legs so far and, once settled, its outcome."""

    __slots__ = ("call", "error", "legs", "open", "tag")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        #: Legs seen so far, by call id.
        self.legs: dict[str, Call] = {}
        #: The answered leg, once the dial is answered.
        self.call: Call | None = None
        #: Why the dial failed, once it failed (or the session ended).
        self.error: RelayError | None = None
        #: False once closed or dropped with the session.
        self.open = True

    @property
    def settled(self) -> bool:
        """True once answered or failed."""
        return self.call is not None or self.error is not None

    def __repr__(self) -> str:
        return f"PendingDial(tag={self.tag!r}, legs={len(self.legs)}, settled={self.settled})"


class RelaySession:
    """The calls, dials and messages of one RELAY session, and the rules that route events.

    ``host`` (the client) provides the inbound limits and what created calls
    and messages need; the session itself does no I/O.
    """

    def __init__(self, host: SessionHost) -> None:
        self._host = host
        #: Tracked calls by call id.
        self.calls: dict[str, Call] = {}
        #: Dials in progress by tag.
        self.dials: dict[str, PendingDial] = {}
        #: Sent messages awaiting a final state, by message id.
        self.messages: dict[str, Message] = {}
        self._abandoned: OrderedDict[str, float] = OrderedDict()
        # legs created after their dial was abandoned: an orphan once they answer
        self._watched: dict[str, Call] = {}
        self._early_msg_events: OrderedDict[str, list[RelayEvent]] = OrderedDict()
        # event types with their own rule; every other event goes by its call id (one dict
        # lookup rather than four comparisons: this runs for every event)
        rules: dict[str, Callable[[Any], Decisions]] = {
            c.EVENT_CALL_RECEIVE: self._on_receive,
            c.EVENT_CALL_DIAL: self._on_dial,
            c.EVENT_MESSAGING_STATE: self._on_message_state,
            c.EVENT_MESSAGING_RECEIVE: self._on_message_receive,
        }
        self._rule_for = rules.get

    # -- events -------------------------------------------------------------

    def route(self, event: RelayEvent) -> Decisions:
        """Decide what ``event`` means: the decisions to run, in order (None: nothing to do)."""
        rule = self._rule_for(event.event_type)
        if rule is not None:
            return rule(event)
        call_id = event.call_id
        call = self.calls.get(call_id)
        if call is not None:
            if self._watched and call_id in self._watched:
                return self._watched_leg(call, event)
            return call
        if call_id:
            if event.event_type == c.EVENT_CALL_STATE:
                return self._maybe_dial_leg(event)
            logger.debug("%s for untracked call %s", event.event_type, call_id)
        elif event.event_type != c.EVENT_AUTHORIZATION_STATE:
            logger.debug("event %s not routed to a call", event.event_type)
        return None

    def _new_call(
        self,
        call_id: str,
        node_id: str,
        project_id: str = "",
        context: str = "",
        *,
        tag: str = "",
        direction: str = "",
        device: Any = None,
        state: str = "",
        segment_id: str = "",
    ) -> Call:
        """The one place calls are built."""
        return Call(
            self._host,
            call_id,
            node_id,
            project_id,
            context,
            tag=tag,
            direction=direction,
            device=device if isinstance(device, dict) else None,
            state=state,
            segment_id=segment_id,
        )

    def _on_receive(self, event: RelayEvent) -> Decisions:
        p = event.params
        call_id = event.call_id
        if not call_id or call_id in self.calls:
            return None
        node_id = str(p.get("node_id") or "")
        host = self._host
        why = ""
        if len(self.calls) >= host.max_active_calls:
            why = f"{len(self.calls)} active calls (max_active_calls)"
        elif host._call_handler is None:
            # nobody would control this call: refuse it by the same rule, never leave it ringing
            why = f"no on_call handler for context {p.get('context')!r}"
        if why:
            how = "pass" if host.over_limit == "pass" else "busy"
            return Refuse(self._new_call(call_id, node_id), why, how)
        call = self._new_call(
            call_id,
            node_id,
            str(p.get("project_id") or ""),
            str(p.get("context") or ""),
            tag=str(p.get("tag") or ""),
            direction=str(p.get("direction") or "inbound"),
            device=p.get("device"),
            state=str(p.get("call_state") or c.CALL_STATE_CREATED),
            segment_id=str(p.get("segment_id") or ""),
        )
        self.calls[call_id] = call
        return NewCall(call)

    def _maybe_dial_leg(self, event: RelayEvent) -> Decisions:
        p = event.params
        tag = p.get("tag")
        if not tag or (tag not in self.dials and tag not in self._abandoned):
            logger.debug("%s for untracked call %s", event.event_type, event.call_id)
            return None
        if p.get("call_state") == c.CALL_STATE_ENDED:
            logger.debug("%s for untracked call %s", event.event_type, event.call_id)
            return None
        call = self._new_call(
            event.call_id,
            str(p.get("node_id") or ""),
            tag=str(tag),
            direction=str(p.get("direction") or "outbound"),
            device=p.get("device"),
        )
        self.calls[call.call_id] = call
        pending = self.dials.get(tag)
        if pending is not None:
            pending.legs[call.call_id] = call
            return call
        # the dial was already abandoned: watch the leg, end it unless it answers
        self._watched[call.call_id] = call
        if p.get("call_state") in (c.CALL_STATE_ANSWERED, c.CALL_STATE_ENDING):
            return self._watched_leg(call, event)
        return (Deliver(call), HangUp(call, c.END_REASON_CANCEL))

    def _watched_leg(self, call: Call, event: RelayEvent) -> Decisions:
        if (
            event.event_type == c.EVENT_CALL_STATE
            and event.params.get("call_state") == c.CALL_STATE_ANSWERED
        ):
            orphan = self._orphan(call, c.CALL_STATE_ANSWERED)
            if orphan is not None:
                return (Deliver(call), orphan)
        return call

    def _orphan(self, call: Call, state: str | None = None) -> Orphan | None:
        """``call`` is an orphan unless it already is one or is ending (``state``: its state next)."""
        if call._orphan or (state or call.state) in _ENDING_OR_ENDED:
            return None
        call._orphan = True
        return Orphan(call)

    def _on_dial(self, event: DialEvent) -> Decisions:
        tag = event.tag
        pending = self.dials.get(tag)
        if event.dial_state == "answered":
            winner = event.call if isinstance(event.call, dict) else {}
            call_id = str(winner.get("call_id") or "")
            call = self.calls.get(call_id) if call_id else None
            if call is None and call_id:
                call = self._new_call(
                    call_id,
                    str(winner.get("node_id") or event.node_id),
                    tag=tag,
                    direction="outbound",
                    device=winner.get("device"),
                    state=c.CALL_STATE_ANSWERED,
                )
                self.calls[call_id] = call
            if call is None:
                logger.warning("dial %s answered without a call id", tag)
                return None
            if call.state in ("", c.CALL_STATE_CREATED, c.CALL_STATE_RINGING):
                call.state = c.CALL_STATE_ANSWERED
            if pending is not None and not pending.settled:
                pending.call = call
                return DialSettled(pending)
            if tag in self._abandoned:
                del self._abandoned[tag]
                return self._orphan(call)
        elif event.dial_state == "failed":
            self._abandoned.pop(tag, None)
            if pending is not None and not pending.settled:
                reason = event.reason or str(event.params.get("source") or "no device answered")
                pending.error = RelayError(-1, f"dial failed (tag={tag}): {reason}")
                return DialSettled(pending)
        return None

    def _on_message_state(self, event: RelayEvent) -> Decisions:
        message_id = event.params.get("message_id")
        if not isinstance(message_id, str):
            return None
        msg = self.messages.get(message_id)
        if msg is None:
            # state may arrive before send_message() registered the message
            self._early_msg_events.setdefault(message_id, []).append(event)
            while len(self._early_msg_events) > EARLY_MESSAGE_EVENTS:
                self._early_msg_events.popitem(last=False)
            return None
        return DeliverMessage(msg)

    def _on_message_receive(self, event: RelayEvent) -> Decisions:
        p = event.params
        media = p.get("media")
        tags = p.get("tags")
        msg = Message(
            message_id=str(p.get("message_id") or ""),
            context=str(p.get("context") or ""),
            direction=str(p.get("direction") or "inbound"),
            from_number=str(p.get("from_number") or ""),
            to_number=str(p.get("to_number") or ""),
            body=str(p.get("body") or ""),
            media=[str(m) for m in media] if isinstance(media, list) else None,
            segments=segments if isinstance(segments := p.get("segments"), int) else 0,
            state=str(p.get("message_state") or c.MESSAGE_STATE_RECEIVED),
            tags=[str(t) for t in tags] if isinstance(tags, list) else None,
        )
        msg._spawn = self._host._spawn
        msg.result = event
        return NewMessage(msg)

    # -- what the client tells the session --------------------------------------

    def forget_call(self, call: Call) -> None:
        """``call`` ended: stop tracking it."""
        call_id = call.call_id
        if self.calls.get(call_id) is call:
            del self.calls[call_id]
        if self._watched.get(call_id) is call:
            del self._watched[call_id]

    def open_dial(self, tag: str) -> PendingDial:
        """A dial with ``tag`` is being sent: recognise its legs from now on."""
        pending = PendingDial(tag)
        self.dials[tag] = pending
        return pending

    def close_dial(
        self, pending: PendingDial, *, abandoned: bool = False, now: float = 0.0
    ) -> tuple[Decision, ...]:
        """The dial's caller is done with it; ``abandoned`` when it gave up (timeout, cancel).

        An abandoned dial's tag is remembered for :data:`ABANDONED_DIAL_TTL`
        seconds after ``now`` (a monotonic clock) so legs answering later are
        recognised; returns what to do with the legs already known.
        """
        if self.dials.get(pending.tag) is pending:
            del self.dials[pending.tag]
        was_open, pending.open = pending.open, False
        if not abandoned:
            return ()
        if pending.call is not None:  # answered, but the caller gave up first: an orphan now
            orphan = self._orphan(pending.call)
            return () if orphan is None else (orphan,)
        if pending.error is not None or not was_open:
            return ()  # the dial failed (no leg is left) or the session is gone
        self._abandoned[pending.tag] = now + ABANDONED_DIAL_TTL
        while self._abandoned:
            first_tag, expires = next(iter(self._abandoned.items()))
            if expires > now:
                break
            del self._abandoned[first_tag]
        out: list[Decision] = []
        for leg in pending.legs.values():
            if leg.state == c.CALL_STATE_ANSWERED:
                orphan = self._orphan(leg)
                if orphan is not None:
                    out.append(orphan)
            elif leg.state not in _ENDING_OR_ENDED:
                out.append(HangUp(leg, c.END_REASON_CANCEL))
        return tuple(out)

    def add_message(self, message: Message) -> list[RelayEvent]:
        """Track a sent message; returns its state events that arrived first, to apply in order."""
        self.messages[message.message_id] = message
        return self._early_msg_events.pop(message.message_id, [])

    def forget_message(self, message: Message) -> None:
        """``message`` reached its final state."""
        if self.messages.get(message.message_id) is message:
            del self.messages[message.message_id]

    def drop(self) -> tuple[list[Call], list[PendingDial], list[Message]]:
        """The session is over (closed or not resumed): forget and return everything it tracked."""
        calls, self.calls = list(self.calls.values()), {}
        self._watched = {}
        dials, self.dials = list(self.dials.values()), {}
        for d in dials:
            d.open = False
        msgs, self.messages = list(self.messages.values()), {}
        return calls, dials, msgs
