"""Default platform behaviour for every RELAY method (listed in ``signalwire.testing.relay``'s
docstring, "Default behaviour").

Each behaviour answers the :class:`Script` of one request, reading what the
test configured from the :class:`Scenario`, and sees nothing else: it replies
first and then emits the realistic event sequence. Timed steps use
``Script.later`` (``loop.call_later``) so thousands of concurrent calls cost
no tasks.

Behaviours are registered with :func:`command`, which declares once what a
method needs before its handler runs: a live call (``400`` without
``call_id``/``node_id``, ``404`` unknown, ``410`` ended), required params
(``400``), an action it starts (``control_id`` required) or the running
action it controls (``404`` unknown control id).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from signalwire.testing.relay._model import FakeAction, FakeCall, FakeMessage
from signalwire.testing.relay._scenario import Scenario

if TYPE_CHECKING:
    from signalwire.testing.relay._script import Script

__all__ = ["BEHAVIOURS", "MESSAGES", "Need", "command", "end_call"]

MESSAGES: dict[str, str] = {
    "signalwire.receive": "Receiving events",
    "signalwire.unreceive": "Unreceiving events",
    "calling.dial": "Dialing",
    "calling.begin": "Dialing",
    "calling.answer": "Answered",
    "calling.end": "Disconnecting call",
    "calling.pass": "Passing call",
    "calling.connect": "Connecting",
    "calling.disconnect": "Disconnecting",
    "calling.transfer": "Transferring",
    "calling.refer": "Starting SIP REFER",
    "calling.play": "Playing",
    "calling.record": "Recording",
    "calling.play_and_collect": "Prompting",
    "calling.collect": "Collecting",
    "calling.detect": "Detecting",
    "calling.send_digits": "Sending Digits",
    "calling.tap": "Tapping",
    "calling.stream": "Streaming",
    "calling.send_fax": "Sending fax",
    "calling.receive_fax": "Receiving fax",
    "calling.pay": "Payment started",
    "calling.transcribe": "Transcribing",
    "calling.ai": "AI started",
    "calling.amazon_bedrock": "AI started",
    "calling.ai_message": "Message sent",
    "calling.ai_hold": "AI on hold",
    "calling.ai_unhold": "AI resumed",
    "calling.join_conference": "Joining conference",
    "calling.leave_conference": "Leaving conference",
    "calling.join_room": "Joining room",
    "calling.leave_room": "Leaving room",
    "calling.hold": "Call on hold",
    "calling.unhold": "Call off hold",
    "calling.denoise": "Denoiser on",
    "calling.denoise.stop": "Denoiser off",
    "calling.echo": "Echo started",
    "calling.bind_digit": "Digit binding created",
    "calling.clear_digit_bindings": "Digit bindings cleared",
    "calling.live_transcribe": "Live transcription started",
    "calling.live_translate": "Live translation started",
    "calling.user_event": "Event sent",
    "calling.queue.enter": "Entering queue",
    "calling.queue.leave": "Leaving queue",
    "messaging.send": "Message accepted",
}

#: A registered behaviour: answers one request.
Behaviour = Callable[["Script", Scenario], Any]
BEHAVIOURS: dict[str, Behaviour] = {}

_MEDIA_TYPES = {"audio": "url", "tts": "text", "silence": "duration", "ringtone": "name"}


# ----------------------------------------------------------------------------
# registration
# ----------------------------------------------------------------------------


class Need:
    """A required request param: ``check(value)`` must hold, else ``400 Invalid params: ...``."""

    __slots__ = ("check", "message", "name")

    def __init__(self, name: str, check: Callable[[Any], bool], message: str | None = None) -> None:
        self.name = name
        self.check = check
        #: What the 400 says after ``Invalid params:`` (default ``<name> is required``).
        self.message = message or f"{name} is required"


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _command(
    methods: tuple[str, ...],
    fn: Callable[..., Any],
    *,
    call: bool,
    needs: Sequence[Need],
    check: Callable[[Script, FakeCall], bool] | None,
    starts: str | None,
    controls: tuple[str, ...],
) -> None:
    def behaviour(ctx: Script, scenario: Scenario) -> Any:
        if controls:
            action = _action_for(ctx, controls)
            return None if action is None else fn(ctx, scenario, action)
        target = _live_call(ctx) if call else None
        if call and target is None:
            return None
        params = ctx.params
        for need in needs:
            if not need.check(params.get(need.name)):
                ctx.fail("400", f"Invalid params: {need.message}")
                return None
        if check is not None:
            assert target is not None
            if not check(ctx, target):
                return None
        if starts is not None:
            assert target is not None
            action = _start_action(ctx, target, starts)
            return None if action is None else fn(ctx, scenario, action)
        return fn(ctx, scenario, target) if call else fn(ctx, scenario)

    for method in methods:
        BEHAVIOURS[method] = behaviour


def command(
    *methods: str,
    call: bool = True,
    needs: Sequence[Need] = (),
    check: Callable[[Script, FakeCall], bool] | None = None,
    starts: str | None = None,
    controls: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the behaviour of ``methods``.

    Checked in this order before the function runs, each failure answered:
    ``call`` (the request names a live call), ``needs`` (required params),
    ``check(ctx, call)`` (a precondition that replies itself and returns
    False), then ``starts`` (an action of that kind is created; its
    ``control_id`` is required). ``controls`` instead looks up the running
    action of one of those kinds by ``control_id``. The function gets
    ``(ctx, scenario, action)`` when an action is involved, ``(ctx, scenario,
    call)`` for a call, else ``(ctx, scenario)``.
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        _command(methods, fn, call=call, needs=needs, check=check, starts=starts, controls=controls)
        return fn

    return deco


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _live_call(ctx: Script) -> FakeCall | None:
    """The request's call, or ``None`` after replying 404/410 (or 400)."""
    call_id = ctx.params.get("call_id")
    if not isinstance(call_id, str) or not isinstance(ctx.params.get("node_id"), str):
        ctx.fail("400", "Invalid params: call_id and node_id are required")
        return None
    call = ctx.call
    if call is None:
        ctx.fail("404", f"Call {call_id} does not exist")
        return None
    if call.ended:
        ctx.fail("410", f"Call {call_id} has ended")
        return None
    return call


def _emit(ctx: Script, call: FakeCall, event_type: str, params: dict[str, Any]) -> None:
    session = call.session
    if session is None:
        return
    inner = {"call_id": call.call_id, "node_id": call.node_id}
    inner.update(params)
    ctx.emit(event_type, inner, session=session)


def _emit_state(ctx: Script, call: FakeCall, state: str, **extra: Any) -> None:
    call.state = state
    if call.session is not None:
        ctx.emit("calling.call.state", call.state_params(**extra), session=call.session)


def _later(ctx: Script, delay: float | None, fn: Callable[[], None]) -> Any:
    """Run ``fn`` now (delay 0), later, or never (``None``); returns the handle."""
    if delay is None:
        return None
    if delay <= 0:
        fn()
        return None
    return ctx.later(delay, fn)


def _start_action(ctx: Script, call: FakeCall, kind: str) -> FakeAction | None:
    control_id = ctx.control_id
    if control_id is None:
        ctx.fail("400", "Invalid params: control_id is required")
        return None
    action = FakeAction(call, kind, control_id, ctx.params)
    call.actions[control_id] = action
    return action


def _action_for(ctx: Script, kinds: tuple[str, ...]) -> FakeAction | None:
    call = _live_call(ctx)
    if call is None:
        return None
    control_id = ctx.control_id
    action = call.actions.get(control_id) if control_id else None
    if action is None or action.kind not in kinds:
        ctx.fail("404", f"Control ID {control_id} not found")
        return None
    return action


def _run_action(
    ctx: Script, scenario: Scenario, action: FakeAction, state: str | None = None, **fields: Any
) -> None:
    """Move a just-started action to ``state`` (emitting its ``calling.call.<kind>`` event with
    ``fields``) and finish it after the scenario's duration for its kind."""
    if state is not None:
        action.state = state
        params = {"control_id": action.control_id, "state": state, **fields}
        _emit(ctx, action.call, f"calling.call.{action.kind}", params)
    action.timer = _later(
        ctx, scenario.durations[action.kind], lambda: _finish(ctx, scenario, action)
    )


def _cancel_timer(action: FakeAction) -> None:
    if action.timer is not None:
        action.timer.cancel()
        action.timer = None


# Terminal event per action kind, used by stop and by call end.
def _finish(ctx: Script, scenario: Scenario, action: FakeAction, how: str = "finished") -> None:
    """Emit the terminal event of ``action`` (``how``: finished|stopped|ended)."""
    if action.done:
        return
    _cancel_timer(action)
    previous = action.state
    action.state = "finished"
    call = action.call
    call.actions.pop(action.control_id, None)
    cid = action.control_id
    kind = action.kind
    p = action.params
    if kind == "play":
        _emit(ctx, call, "calling.call.play", {"control_id": cid, "state": "finished"})
    elif kind == "record":
        _emit(ctx, call, "calling.call.record", _record_finished(action))
    elif kind in ("play_and_collect", "collect"):
        if kind == "play_and_collect" and previous in ("playing", "paused"):
            _emit(ctx, call, "calling.call.play", {"control_id": cid, "state": "finished"})
        result = {"type": "no_input"} if how != "finished" else _collect_result(scenario, p)
        _emit(
            ctx,
            call,
            "calling.call.collect",
            {"control_id": cid, "result": result, "final": True, "state": "finished"},
        )
    elif kind == "detect":
        dtype = _detect_type(p)
        _emit(
            ctx,
            call,
            "calling.call.detect",
            {"control_id": cid, "detect": {"type": dtype, "params": {"event": "finished"}}},
        )
    elif kind in ("send_fax", "receive_fax"):
        ok = how == "finished"
        _emit(ctx, call, "calling.call.fax", _fax_finished(scenario, action, success=ok))
    elif kind == "tap":
        _emit(
            ctx,
            call,
            "calling.call.tap",
            {
                "control_id": cid,
                "state": "finished",
                "tap": p.get("tap"),
                "device": p.get("device"),
            },
        )
    elif kind == "stream":
        _emit(
            ctx,
            call,
            "calling.call.stream",
            {"control_id": cid, "state": "finished", "url": p.get("url"), "name": p.get("name")},
        )
    elif kind == "transcribe":
        _emit(
            ctx,
            call,
            "calling.call.transcribe",
            {
                "control_id": cid,
                "state": "finished",
                "url": f"https://files.fake-relay.test/transcriptions/{cid}.json",
                "recording_id": str(uuid.uuid5(uuid.NAMESPACE_URL, cid)),
                "duration": 3.0,
                "size": 2048,
            },
        )
    elif kind == "pay":
        state = "finished" if how == "finished" else "error"
        _emit(ctx, call, "calling.call.pay", {"control_id": cid, "state": state})
    elif kind == "ai":
        _emit(ctx, call, "calling.call.ai", {"control_id": cid, "state": "finished"})
    elif kind == "send_digits":
        _emit(ctx, call, "calling.call.send_digits", {"control_id": cid, "state": "finished"})
    elif kind == "queue":
        pass


# ----------------------------------------------------------------------------
# session housekeeping
# ----------------------------------------------------------------------------


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(c, str) for c in value)


_CONTEXTS = Need("contexts", _str_list, "contexts must be a non-empty list of strings")


@command("signalwire.receive", call=False, needs=[_CONTEXTS])
def _receive(ctx: Script, scenario: Scenario) -> None:
    contexts: list[str] = ctx.params["contexts"]
    assert ctx.session is not None
    ctx.session.contexts.update(contexts)
    ctx.reply()
    ctx.subscribed(contexts)


@command("signalwire.unreceive", call=False, needs=[_CONTEXTS])
def _unreceive(ctx: Script, scenario: Scenario) -> None:
    assert ctx.session is not None
    ctx.session.contexts.difference_update(ctx.params["contexts"])
    ctx.reply()


@command("signalwire.ping", call=False)
def _ping(ctx: Script, scenario: Scenario) -> None:
    ctx.reply({})


# ----------------------------------------------------------------------------
# call control
# ----------------------------------------------------------------------------


@command("calling.answer")
def _answer(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()
    if call.state != "answered":
        _emit_state(ctx, call, "answered")


def end_call(ctx: Script, scenario: Scenario, call: FakeCall, reason: str = "hangup") -> None:
    """End ``call``: ``ending``, terminal events of its running actions, ``ended``;
    a bridged peer is told ``disconnected`` and hung up too."""
    if call.state in ("ending", "ended"):
        return
    _emit_state(ctx, call, "ending")
    for action in list(call.actions.values()):
        _finish(ctx, scenario, action, "ended")
    call.end_reason = reason
    _emit_state(ctx, call, "ended")
    peer = call.peer
    if peer is not None and peer.peer is call:
        peer.peer = None
        _emit(ctx, peer, "calling.call.connect", {"connect_state": "disconnected"})
        end_call(ctx, scenario, peer, "hangup")


@command("calling.end")
def _end(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    reason = ctx.params.get("reason") or "hangup"
    ctx.reply()
    end_call(ctx, scenario, call, str(reason))


@command("calling.pass")
def _pass(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()
    context = call.context
    others = [] if context is None else ctx.subscribers(context)
    others = [s for s in others if s is not call.session]
    if others:
        call.session = others[-1]
        params = call.state_params(context=call.context)
        ctx.emit("calling.call.receive", params, session=call.session)


@command("calling.begin", call=False, needs=[Need("device", _is_dict)])
def _begin(ctx: Script, scenario: Scenario) -> None:
    assert ctx.session is not None
    call = FakeCall(
        str(uuid.uuid4()),
        "fake-node-1",
        ctx.session,
        direction="outbound",
        device=ctx.params["device"],
        tag=ctx.params.get("tag"),
    )
    ctx.track_call(call)
    ctx.reply(call_id=call.call_id, node_id=call.node_id)
    _emit_state(ctx, call, "created")
    _emit_state(ctx, call, "ringing")
    _emit_state(ctx, call, "answered")


# ----------------------------------------------------------------------------
# dial (the dial dance: per-leg tagged calling.call.state, then calling.call.dial)
# ----------------------------------------------------------------------------


def _device_groups(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(g, list) and g and all(isinstance(d, dict) for d in g) for g in value)
    )


_DEVICES = Need(
    "devices", _device_groups, "devices must be a non-empty list of non-empty device lists"
)


@command("calling.dial", call=False, needs=[_DEVICES, Need("tag", _is_str)])
def _dial(ctx: Script, scenario: Scenario) -> None:
    groups: list[list[dict[str, Any]]] = ctx.params["devices"]
    tag: str = ctx.params["tag"]
    session = ctx.session
    assert session is not None
    plan = scenario.next_dial_plan(tag)
    answer = plan.get("answer", (0, 0))
    node_id = "fake-node-1"
    ctx.reply()
    ctx.emit(
        "calling.call.dial",
        {"tag": tag, "node_id": node_id, "dial_state": "dialing"},
        session=session,
    )
    step = scenario.durations["dial_step"] or 0.0

    def run_group(index: int) -> None:
        if index >= len(groups):
            ctx.emit(
                "calling.call.dial",
                {
                    "tag": tag,
                    "node_id": node_id,
                    "dial_state": "failed",
                    "reason": plan.get("reason", "noAnswer"),
                    "source": "outbound",
                },
                session=session,
            )
            return
        legs = []
        for device in groups[index]:
            leg = FakeCall(
                str(uuid.uuid4()), node_id, session, direction="outbound", device=device, tag=tag
            )
            ctx.track_call(leg)
            legs.append(leg)
            _emit_state(ctx, leg, "created")
        for leg in legs:
            _emit_state(ctx, leg, "ringing")
        winner = None
        if answer is not None and answer[0] == index and 0 <= answer[1] < len(legs):
            winner = legs[answer[1]]

        def settle() -> None:
            if winner is None:
                for leg in legs:
                    if not leg.ended:
                        leg.end_reason = plan.get("reason", "noAnswer")
                        _emit_state(ctx, leg, "ended")
                _later(ctx, step, lambda: run_group(index + 1))
                return
            if winner.ended:
                return
            _emit_state(ctx, winner, "answered")
            for leg in legs:
                if leg is not winner and not leg.ended:
                    leg.end_reason = plan.get("loser_reason", "cancel")
                    _emit_state(ctx, leg, "ended")
            ctx.emit(
                "calling.call.dial",
                {
                    "tag": tag,
                    "node_id": node_id,
                    "dial_state": "answered",
                    "call": {
                        "call_id": winner.call_id,
                        "node_id": node_id,
                        "tag": tag,
                        "device": winner.device,
                        "dial_winner": plan.get("dial_winner", True),
                        "call_state": "answered",
                        "direction": "outbound",
                    },
                },
                session=session,
            )

        delay = step + (plan.get("answer_delay", 0.0) if winner is not None else 0.0)
        _later(ctx, delay, settle)

    _later(ctx, step, lambda: run_group(0))


# ----------------------------------------------------------------------------
# connect / disconnect
# ----------------------------------------------------------------------------


def _not_connected(ctx: Script, call: FakeCall) -> bool:
    if call.peer is not None:
        ctx.fail("409", "Call is already connected")
        return False
    return True


@command("calling.connect", needs=[_DEVICES], check=_not_connected)
def _connect(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    groups: list[list[dict[str, Any]]] = ctx.params["devices"]
    plan = scenario.next_connect_plan()
    answer = plan.get("answer", (0, 0))
    ctx.reply()
    tag = ctx.params.get("tag")
    _emit(ctx, call, "calling.call.connect", {"connect_state": "connecting"})
    step = scenario.durations["connect"] or 0.0

    def settle() -> None:
        if call.ended:
            return
        if answer is None or answer[0] >= len(groups) or answer[1] >= len(groups[answer[0]]):
            _emit(
                ctx,
                call,
                "calling.call.connect",
                {"connect_state": "failed", "failed_reason": plan.get("reason", "noAnswer")},
            )
            return
        device = groups[answer[0]][answer[1]]
        peer = FakeCall(
            str(uuid.uuid4()),
            call.node_id,
            call.session,
            direction="outbound",
            device=device,
            tag=tag if isinstance(tag, str) else None,
        )
        ctx.track_call(peer)
        peer.peer = call
        _emit_state(ctx, peer, "created")
        _emit_state(ctx, peer, "ringing")
        _emit_state(ctx, peer, "answered")
        call.peer = peer
        _emit(
            ctx,
            call,
            "calling.call.connect",
            {
                "connect_state": "connected",
                "peer": {
                    "call_id": peer.call_id,
                    "node_id": peer.node_id,
                    "tag": peer.tag,
                    "device": device,
                },
            },
        )

    _later(ctx, step, settle)


@command("calling.disconnect")
def _disconnect(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    peer = call.peer
    if peer is None:
        ctx.fail("404", "Call is not connected")
        return
    ctx.reply()
    call.peer = None
    peer.peer = None
    _emit(ctx, call, "calling.call.connect", {"connect_state": "disconnected"})
    end_call(ctx, scenario, peer, "hangup")


@command("calling.transfer", needs=[Need("dest", bool)])
def _transfer(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()


@command("calling.refer", needs=[Need("device", _is_dict)])
def _refer(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    device = ctx.params["device"]
    ctx.reply()
    to = (device.get("params") or {}).get("to")
    base = {"sip_refer_to": to}
    _emit(ctx, call, "calling.call.refer", {**base, "state": "inProgress"})
    _emit(
        ctx,
        call,
        "calling.call.refer",
        {
            **base,
            "state": "success",
            "sip_refer_response_code": "202",
            "sip_notify_response_code": "200",
        },
    )


# ----------------------------------------------------------------------------
# play
# ----------------------------------------------------------------------------


def _bad_media(media: Any) -> bool:
    if not isinstance(media, list) or not media:
        return True
    for item in media:
        if not isinstance(item, dict):
            return True
        key = _MEDIA_TYPES.get(item.get("type", ""))
        params = item.get("params")
        if key is None or not isinstance(params, dict) or key not in params:
            return True
    return False


@command("calling.play", starts="play")
def _play(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    call = action.call
    ctx.reply()
    cid = action.control_id
    if _bad_media(ctx.params.get("play")):
        action.state = "error"
        call.actions.pop(cid, None)
        _emit(ctx, call, "calling.call.play", {"control_id": cid, "state": "error"})
        return
    action.state = "playing"
    _emit(ctx, call, "calling.call.play", {"control_id": cid, "state": "playing"})
    action.timer = _later(ctx, scenario.durations["play"], lambda: _finish(ctx, scenario, action))


@command(
    "calling.play.pause",
    "calling.play.resume",
    "calling.play.stop",
    "calling.play.volume",
    controls=("play",),
)
def _play_control(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    op = ctx.method.rsplit(".", 1)[1]
    ctx.reply()
    cid = action.control_id
    if op == "stop":
        _finish(ctx, scenario, action)
    elif op == "pause" and action.state == "playing":
        action.state = "paused"
        _cancel_timer(action)
        _emit(ctx, action.call, "calling.call.play", {"control_id": cid, "state": "paused"})
    elif op == "resume" and action.state == "paused":
        action.state = "playing"
        _emit(ctx, action.call, "calling.call.play", {"control_id": cid, "state": "playing"})
        action.timer = _later(
            ctx, scenario.durations["play"], lambda: _finish(ctx, scenario, action)
        )


# ----------------------------------------------------------------------------
# record
# ----------------------------------------------------------------------------


def _record_finished(action: FakeAction) -> dict[str, Any]:
    cid = action.control_id
    record = action.params.get("record")
    audio = record.get("audio", {}) if isinstance(record, dict) else {}
    fmt = audio.get("format", "mp3") if isinstance(audio, dict) else "mp3"
    return {
        "control_id": cid,
        "state": "finished",
        "url": f"https://files.fake-relay.test/recordings/{cid}.{fmt}",
        "duration": 4.0,
        "size": 32000,
        "record": record if isinstance(record, dict) else {"audio": {}},
    }


@command("calling.record", needs=[Need("record", _is_dict)], starts="record")
def _record(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    cid = action.control_id
    ctx.reply(url=f"https://files.fake-relay.test/recordings/{cid}")
    _run_action(ctx, scenario, action, "recording", record=ctx.params["record"])


@command(
    "calling.record.pause", "calling.record.resume", "calling.record.stop", controls=("record",)
)
def _record_control(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    op = ctx.method.rsplit(".", 1)[1]
    ctx.reply()
    cid = action.control_id
    record = action.params.get("record")
    if op == "stop":
        _finish(ctx, scenario, action)
    elif op == "pause" and action.state == "recording":
        action.state = "paused"
        _cancel_timer(action)
        _emit(
            ctx,
            action.call,
            "calling.call.record",
            {"control_id": cid, "state": "paused", "record": record},
        )
    elif op == "resume" and action.state == "paused":
        action.state = "recording"
        _emit(
            ctx,
            action.call,
            "calling.call.record",
            {"control_id": cid, "state": "recording", "record": record},
        )
        action.timer = _later(
            ctx, scenario.durations["record"], lambda: _finish(ctx, scenario, action)
        )


# ----------------------------------------------------------------------------
# collect
# ----------------------------------------------------------------------------


def _collect_config(params: dict[str, Any]) -> dict[str, Any]:
    collect = params.get("collect")
    return collect if isinstance(collect, dict) else params


def _collect_result(scenario: Scenario, params: dict[str, Any]) -> dict[str, Any]:
    queued = scenario.next_collect(str(params.get("call_id")))
    if queued is not None:
        return queued
    config = _collect_config(params)
    if "digits" in config or "speech" not in config:
        digits = config.get("digits")
        terms = digits.get("terminators") if isinstance(digits, dict) else None
        p: dict[str, Any] = {"digits": scenario.default_digits}
        p["terminator"] = terms[0] if isinstance(terms, str) and terms else "#"
        return {"type": "digit", "params": p}
    return {"type": "speech", "params": {"text": scenario.default_speech, "confidence": 0.93}}


@command("calling.play_and_collect", needs=[Need("collect", _is_dict)], starts="play_and_collect")
def _play_and_collect(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    call = action.call
    cid = action.control_id
    ctx.reply()
    if _bad_media(ctx.params.get("play")):
        call.actions.pop(cid, None)
        action.state = "error"
        _emit(ctx, call, "calling.call.play", {"control_id": cid, "state": "error"})
        _emit(
            ctx,
            call,
            "calling.call.collect",
            {"control_id": cid, "result": {"type": "error"}, "final": True, "state": "error"},
        )
        return
    action.state = "playing"
    _emit(ctx, call, "calling.call.play", {"control_id": cid, "state": "playing"})

    def prompt_done() -> None:
        if action.done:
            return
        _emit(ctx, call, "calling.call.play", {"control_id": cid, "state": "finished"})
        action.state = "collecting"
        action.timer = _later(
            ctx, scenario.durations["collect"], lambda: _finish(ctx, scenario, action)
        )

    action.timer = _later(ctx, scenario.durations["play"], prompt_done)


@command("calling.collect", starts="collect")
def _collect(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    call = action.call
    cid = action.control_id
    ctx.reply()
    action.state = "collecting"
    if ctx.params.get("send_start_of_input"):
        _emit(
            ctx,
            call,
            "calling.call.collect",
            {"control_id": cid, "result": {"type": "start_of_input"}, "state": "collecting"},
        )
    if ctx.params.get("partial_results") and "speech" in ctx.params:
        words = scenario.default_speech.split()
        _emit(
            ctx,
            call,
            "calling.call.collect",
            {
                "control_id": cid,
                "result": {"type": "speech", "params": {"text": words[0] if words else ""}},
                "final": False,
                "state": "collecting",
            },
        )
    action.timer = _later(
        ctx, scenario.durations["collect"], lambda: _finish(ctx, scenario, action)
    )


_COLLECTING = ("play_and_collect", "collect")


@command("calling.play_and_collect.stop", "calling.collect.stop", controls=_COLLECTING)
def _collect_stop(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    _finish(ctx, scenario, action, "stopped")


@command(
    "calling.play_and_collect.volume",
    "calling.collect.start_input_timers",
    "calling.play_and_collect.pause",
    "calling.play_and_collect.resume",
    controls=_COLLECTING,
)
def _collect_misc(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()


# ----------------------------------------------------------------------------
# detect
# ----------------------------------------------------------------------------


def _detect_type(params: dict[str, Any]) -> str:
    detect = params.get("detect")
    dtype = detect.get("type") if isinstance(detect, dict) else None
    return dtype if isinstance(dtype, str) else "machine"


def _detect_kind(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") in ("machine", "fax", "digit")


@command(
    "calling.detect",
    needs=[Need("detect", _detect_kind, "detect.type must be machine, fax or digit")],
    starts="detect",
)
def _detect(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    call = action.call
    detect = ctx.params["detect"]
    cid = action.control_id
    ctx.reply()
    dtype = detect["type"]
    raw_params = detect.get("params")
    dparams: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
    results = scenario.next_detect(call.call_id)
    if results is not None:
        pass
    elif dtype == "machine":
        results = ["HUMAN"]
    elif dtype == "fax":
        results = [str(dparams.get("tone") or "CED")]
    else:
        digits = str(dparams.get("digits") or "1")
        default = scenario.default_digits
        results = [default if default in digits else digits[0]]
    action.state = "detecting"

    def run() -> None:
        if action.done:
            return
        for event in results:
            p: dict[str, Any] = {"event": event}
            if event == "READY":
                p["beep"] = True
            _emit(
                ctx,
                call,
                "calling.call.detect",
                {"control_id": cid, "detect": {"type": dtype, "params": p}},
            )
        _finish(ctx, scenario, action)

    action.timer = _later(ctx, scenario.durations["detect"], run)


@command("calling.detect.stop", controls=("detect",))
def _detect_stop(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    _finish(ctx, scenario, action, "stopped")


# ----------------------------------------------------------------------------
# fax
# ----------------------------------------------------------------------------


def _fax_finished(scenario: Scenario, action: FakeAction, *, success: bool) -> dict[str, Any]:
    direction = "send" if action.kind == "send_fax" else "receive"
    document = action.params.get("document") or (
        f"https://files.fake-relay.test/faxes/{action.control_id}.pdf"
    )
    params = {
        "direction": direction,
        "identity": action.params.get("identity") or "+15550002222",
        "remote_identity": "+15550001111",
        "document": document,
        "success": success,
        "result": "1231" if success else "2",
        "result_text": "" if success else "Stopped",
        "pages": 1 if success else 0,
    }
    frame: dict[str, Any] = {
        "control_id": action.control_id,
        "fax": {"type": "finished", "params": params},
    }
    if scenario.fax_state_field:
        frame["state"] = "finished"
    return frame


@command("calling.send_fax", needs=[Need("document", bool)], starts="send_fax")
@command("calling.receive_fax", starts="receive_fax")
def _fax(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    call = action.call
    cid = action.control_id
    ctx.reply()
    action.state = "faxing"
    direction = "send" if action.kind == "send_fax" else "receive"

    def run() -> None:
        if action.done:
            return
        page: dict[str, Any] = {
            "control_id": cid,
            "fax": {"type": "page", "params": {"direction": direction, "pages": 1}},
        }
        if scenario.fax_state_field:
            page["state"] = "page"
        _emit(ctx, call, "calling.call.fax", page)
        _finish(ctx, scenario, action)

    action.timer = _later(ctx, scenario.durations["fax"], run)


@command("calling.send_fax.stop", "calling.receive_fax.stop", controls=("send_fax", "receive_fax"))
def _fax_stop(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    _finish(ctx, scenario, action, "stopped")


# ----------------------------------------------------------------------------
# send_digits, tap, stream, transcribe, pay, ai
# ----------------------------------------------------------------------------


def _dtmf(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not set(value) - set("0123456789#*ABCDwW")


@command(
    "calling.send_digits",
    needs=[Need("digits", _dtmf, "digits must use 0-9 # * A-D w W")],
    starts="send_digits",
)
def _send_digits(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    _run_action(ctx, scenario, action)


def _tap_spec(value: Any) -> bool:
    return isinstance(value, dict) and "type" in value and "params" in value


@command(
    "calling.tap",
    needs=[Need("tap", _tap_spec, "tap needs type and params"), Need("device", _is_dict)],
    starts="tap",
)
def _tap(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    source = {
        "type": "rtp",
        "params": {"addr": "127.0.0.1", "port": 40000, "codec": "PCMU", "ptime": 20},
    }
    ctx.reply(source_device=source)
    p = ctx.params
    _run_action(ctx, scenario, action, "tapping", tap=p["tap"], device=p["device"])


@command("calling.stream", needs=[Need("url", _is_str)], starts="stream")
def _stream(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    p = ctx.params
    _run_action(ctx, scenario, action, "streaming", url=p["url"], name=p.get("name"))


def _no_transcription(ctx: Script, call: FakeCall) -> bool:
    if any(a.kind == "transcribe" for a in call.actions.values()):
        ctx.fail("409", "Transcription already active on this call")
        return False
    return True


@command("calling.transcribe", check=_no_transcription, starts="transcribe")
def _transcribe(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    _run_action(ctx, scenario, action, "transcribing")


@command("calling.pay", needs=[Need("payment_connector_url", _is_str)], starts="pay")
def _pay(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    _run_action(ctx, scenario, action)


@command("calling.ai", starts="ai")
def _ai(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    _run_action(ctx, scenario, action)


@command("calling.tap.stop", controls=("tap",))
@command("calling.stream.stop", controls=("stream",))
@command("calling.transcribe.stop", controls=("transcribe",))
@command("calling.pay.stop", controls=("pay",))
@command("calling.ai.stop", controls=("ai",))
def _generic_stop(ctx: Script, scenario: Scenario, action: FakeAction) -> None:
    ctx.reply()
    _finish(ctx, scenario, action, "stopped")


# ----------------------------------------------------------------------------
# simple commands: reply (+ a state event where the platform sends one)
# ----------------------------------------------------------------------------


@command(
    "calling.amazon_bedrock",
    "calling.ai_message",
    "calling.ai_hold",
    "calling.ai_unhold",
    "calling.join_room",
    "calling.leave_room",
    "calling.user_event",
)
def _simple(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()


_BIND = "digits and bind_method are required"


@command(
    "calling.bind_digit",
    needs=[Need("digits", _is_str, _BIND), Need("bind_method", _is_str, _BIND)],
)
def _bind_digit(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    max_triggers = ctx.params.get("max_triggers")
    bound = ctx.params.get("params")
    call.bindings.append(
        {
            "digits": ctx.params["digits"],
            "bind_method": ctx.params["bind_method"],
            "params": bound if isinstance(bound, dict) else {},
            "realm": ctx.params.get("realm"),
            "left": max_triggers if isinstance(max_triggers, int) and max_triggers > 0 else None,
        }
    )
    ctx.reply()


@command("calling.clear_digit_bindings")
def _clear_digit_bindings(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    realm = ctx.params.get("realm")
    call.bindings = [b for b in call.bindings if realm is not None and b["realm"] != realm]
    ctx.reply()


def _live_action(value: Any) -> bool:
    return isinstance(value, (dict, str)) and bool(value)


@command("calling.live_transcribe", "calling.live_translate", needs=[Need("action", _live_action)])
def _live(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()


@command("calling.hold", "calling.unhold")
def _hold(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()
    state = "hold" if ctx.method == "calling.hold" else "unhold"
    _emit(ctx, call, "calling.call.hold", {"state": state})


@command("calling.denoise", "calling.denoise.stop")
def _denoise(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()
    _emit(ctx, call, "calling.call.denoise", {"denoised": ctx.method == "calling.denoise"})


@command("calling.echo")
def _echo(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()
    _emit(ctx, call, "calling.call.echo", {"state": "echoing"})
    timeout = ctx.params.get("timeout")
    duration = timeout if isinstance(timeout, (int, float)) and timeout > 0 else None
    duration = scenario.durations["echo"] if duration is None else duration

    def done() -> None:
        if not call.ended:
            _emit(ctx, call, "calling.call.echo", {"state": "finished"})

    _later(ctx, duration, done)


@command("calling.join_conference", needs=[Need("name", _is_text)])
def _join_conference(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    name = ctx.params["name"]
    conference_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"conference:{name}"))
    ctx.reply(conference_id=conference_id)
    _emit(
        ctx,
        call,
        "calling.conference",
        {"conference_id": conference_id, "name": name, "status": "participant-join"},
    )


@command("calling.leave_conference", needs=[Need("conference_id", _is_str)])
def _leave_conference(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    ctx.reply()
    _emit(
        ctx,
        call,
        "calling.conference",
        {"conference_id": ctx.params["conference_id"], "status": "participant-leave"},
    )


@command("calling.queue.enter", "calling.queue.leave", needs=[Need("queue_name", _is_text)])
def _queue(ctx: Script, scenario: Scenario, call: FakeCall) -> None:
    name = ctx.params["queue_name"]
    ctx.reply()
    entering = ctx.method == "calling.queue.enter"
    queue_id = ctx.params.get("queue_id") or str(uuid.uuid5(uuid.NAMESPACE_URL, f"queue:{name}"))
    params = {
        "status": "enqueue" if entering else "leave",
        "id": queue_id,
        "name": name,
        "position": 1 if entering else 0,
        "size": 1 if entering else 0,
    }
    if ctx.control_id is not None:
        params["control_id"] = ctx.control_id
    _emit(ctx, call, "calling.call.queue", params)


# ----------------------------------------------------------------------------
# messaging
# ----------------------------------------------------------------------------


@command("messaging.send", call=False)
def _messaging_send(ctx: Script, scenario: Scenario) -> None:
    params = ctx.params
    missing = [k for k in ("context", "from_number", "to_number") if not params.get(k)]
    if missing:
        ctx.fail("400", f"Invalid params: missing {', '.join(missing)}")
        return
    if not params.get("body") and not params.get("media"):
        ctx.fail("400", "Invalid params: body or media is required")
        return
    session = ctx.session
    assert session is not None
    message_id = str(uuid.uuid4())
    message = FakeMessage(message_id, session, "outbound", params, params.get("context"))
    ctx.track_message(message)
    ctx.reply(message_id=message_id)
    plan = scenario.next_message_plan()
    states = plan.get("states") or ["queued", "initiated", "sent", "delivered"]
    reason = plan.get("reason")
    base = {
        "message_id": message_id,
        "context": params.get("context"),
        "direction": "outbound",
        "from_number": params.get("from_number"),
        "to_number": params.get("to_number"),
        "body": params.get("body"),
        "media": params.get("media") or [],
        "segments": 1,
        "tags": params.get("tags") or [],
    }
    step = scenario.durations["message_step"]

    def send_state(index: int) -> None:
        state = states[index]
        message.state = state
        event = {**base, "message_state": state}
        if state in ("failed", "undelivered") and reason:
            event["reason"] = reason
        ctx.emit("messaging.state", event, session=session)
        if index + 1 < len(states):
            _later(ctx, step, lambda: send_state(index + 1))

    send_state(0)
