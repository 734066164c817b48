"""Default platform behaviour for every RELAY method (listed in ``signalwire.testing.relay``'s
docstring, "Default behaviour").

Each behaviour takes the :class:`Script` of one request, replies first and
then emits the realistic event sequence. Timed steps use ``loop.call_later``
so thousands of concurrent calls cost no tasks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from signalwire.testing.relay._model import FakeAction, FakeCall, FakeMessage

if TYPE_CHECKING:
    from signalwire.testing.relay._script import Script
    from signalwire.testing.relay._server import FakeRelayServer

__all__ = ["BEHAVIOURS", "MESSAGES", "end_call", "press_digits"]

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

Behaviour = Callable[["Script"], Any]
BEHAVIOURS: dict[str, Behaviour] = {}

_MEDIA_TYPES = {"audio": "url", "tts": "text", "silence": "duration", "ringtone": "name"}


def _register(*methods: str) -> Callable[[Behaviour], Behaviour]:
    def deco(fn: Behaviour) -> Behaviour:
        for method in methods:
            BEHAVIOURS[method] = fn
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


def _emit(server: FakeRelayServer, call: FakeCall, event_type: str, params: dict[str, Any]) -> None:
    session = call.session
    if session is None:
        return
    inner = {"call_id": call.call_id, "node_id": call.node_id}
    inner.update(params)
    server.emit(session, event_type, inner)


def _emit_state(server: FakeRelayServer, call: FakeCall, state: str, **extra: Any) -> None:
    call.state = state
    if call.session is not None:
        server.emit(call.session, "calling.call.state", call.state_params(**extra))


def _later(server: FakeRelayServer, delay: float | None, fn: Callable[[], None]) -> Any:
    """Run ``fn`` now (delay 0), later, or never (``None``); returns the handle."""
    if delay is None:
        return None
    if delay <= 0:
        fn()
        return None
    return server.loop.call_later(delay, fn)


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
    server: FakeRelayServer, action: FakeAction, state: str | None = None, **fields: Any
) -> None:
    """Move a just-started action to ``state`` (emitting its ``calling.call.<kind>`` event with
    ``fields``) and finish it after the server's duration for its kind."""
    if state is not None:
        action.state = state
        params = {"control_id": action.control_id, "state": state, **fields}
        _emit(server, action.call, f"calling.call.{action.kind}", params)
    action.timer = _later(server, server.durations[action.kind], lambda: _finish(server, action))


def _cancel_timer(action: FakeAction) -> None:
    if action.timer is not None:
        action.timer.cancel()
        action.timer = None


# Terminal event per action kind, used by stop and by call end.
def _finish(server: FakeRelayServer, action: FakeAction, how: str = "finished") -> None:
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
        _emit(server, call, "calling.call.play", {"control_id": cid, "state": "finished"})
    elif kind == "record":
        _emit(server, call, "calling.call.record", _record_finished(action))
    elif kind in ("play_and_collect", "collect"):
        if kind == "play_and_collect" and previous in ("playing", "paused"):
            _emit(server, call, "calling.call.play", {"control_id": cid, "state": "finished"})
        result = {"type": "no_input"} if how != "finished" else _collect_result(server, p)
        _emit(
            server,
            call,
            "calling.call.collect",
            {"control_id": cid, "result": result, "final": True, "state": "finished"},
        )
    elif kind == "detect":
        dtype = _detect_type(p)
        _emit(
            server,
            call,
            "calling.call.detect",
            {"control_id": cid, "detect": {"type": dtype, "params": {"event": "finished"}}},
        )
    elif kind in ("send_fax", "receive_fax"):
        ok = how == "finished"
        _emit(server, call, "calling.call.fax", _fax_finished(server, action, success=ok))
    elif kind == "tap":
        _emit(
            server,
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
            server,
            call,
            "calling.call.stream",
            {"control_id": cid, "state": "finished", "url": p.get("url"), "name": p.get("name")},
        )
    elif kind == "transcribe":
        _emit(
            server,
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
        _emit(server, call, "calling.call.pay", {"control_id": cid, "state": state})
    elif kind == "ai":
        _emit(server, call, "calling.call.ai", {"control_id": cid, "state": "finished"})
    elif kind == "send_digits":
        _emit(server, call, "calling.call.send_digits", {"control_id": cid, "state": "finished"})
    elif kind == "queue":
        pass


# ----------------------------------------------------------------------------
# session housekeeping
# ----------------------------------------------------------------------------


def _contexts(ctx: Script) -> list[str] | None:
    contexts = ctx.params.get("contexts")
    if (
        not isinstance(contexts, list)
        or not contexts
        or not all(isinstance(c, str) for c in contexts)
    ):
        ctx.fail("400", "Invalid params: contexts must be a non-empty list of strings")
        return None
    return contexts


@_register("signalwire.receive")
def _receive(ctx: Script) -> None:
    contexts = _contexts(ctx)
    if contexts is None:
        return
    assert ctx.session is not None
    ctx.session.contexts.update(contexts)
    ctx.reply()
    ctx.server.subscribed(ctx.session, contexts)


@_register("signalwire.unreceive")
def _unreceive(ctx: Script) -> None:
    contexts = _contexts(ctx)
    if contexts is None:
        return
    assert ctx.session is not None
    ctx.session.contexts.difference_update(contexts)
    ctx.reply()


@_register("signalwire.ping")
def _ping(ctx: Script) -> None:
    ctx.reply({})


# ----------------------------------------------------------------------------
# call control
# ----------------------------------------------------------------------------


@_register("calling.answer")
def _answer(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    ctx.reply()
    if call.state != "answered":
        _emit_state(ctx.server, call, "answered")


def end_call(server: FakeRelayServer, call: FakeCall, reason: str = "hangup") -> None:
    """End ``call``: ``ending``, terminal events of its running actions, ``ended``;
    a bridged peer is told ``disconnected`` and hung up too."""
    if call.state in ("ending", "ended"):
        return
    _emit_state(server, call, "ending")
    for action in list(call.actions.values()):
        _finish(server, action, "ended")
    call.end_reason = reason
    _emit_state(server, call, "ended")
    peer = call.peer
    if peer is not None and peer.peer is call:
        peer.peer = None
        _emit(server, peer, "calling.call.connect", {"connect_state": "disconnected"})
        end_call(server, peer, "hangup")


@_register("calling.end")
def _end(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    reason = ctx.params.get("reason") or "hangup"
    ctx.reply()
    end_call(ctx.server, call, str(reason))


@_register("calling.pass")
def _pass(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    ctx.reply()
    server = ctx.server
    others = [
        s
        for s in server.sessions.values()
        if s is not call.session and not s.discarded and call.context in s.contexts
    ]
    if others:
        call.session = others[-1]
        params = call.state_params(context=call.context)
        server.emit(call.session, "calling.call.receive", params)


@_register("calling.begin")
def _begin(ctx: Script) -> None:
    device = ctx.params.get("device")
    if not isinstance(device, dict):
        ctx.fail("400", "Invalid params: device is required")
        return
    assert ctx.session is not None
    call = FakeCall(
        str(uuid.uuid4()),
        "fake-node-1",
        ctx.session,
        direction="outbound",
        device=device,
        tag=ctx.params.get("tag"),
    )
    ctx.server.calls[call.call_id] = call
    ctx.reply(call_id=call.call_id, node_id=call.node_id)
    server = ctx.server
    _emit_state(server, call, "created")
    _emit_state(server, call, "ringing")
    _emit_state(server, call, "answered")


# ----------------------------------------------------------------------------
# dial (the dial dance: per-leg tagged calling.call.state, then calling.call.dial)
# ----------------------------------------------------------------------------


def _device_groups(ctx: Script) -> list[list[dict[str, Any]]] | None:
    devices = ctx.params.get("devices")
    if (
        not isinstance(devices, list)
        or not devices
        or not all(
            isinstance(g, list) and g and all(isinstance(d, dict) for d in g) for g in devices
        )
    ):
        ctx.fail(
            "400", "Invalid params: devices must be a non-empty list of non-empty device lists"
        )
        return None
    return devices


@_register("calling.dial")
def _dial(ctx: Script) -> None:
    groups = _device_groups(ctx)
    if groups is None:
        return
    tag = ctx.params.get("tag")
    if not isinstance(tag, str):
        ctx.fail("400", "Invalid params: tag is required")
        return
    server = ctx.server
    session = ctx.session
    assert session is not None
    plan = server.tag_dial_plans.pop(tag, None)
    if plan is None:
        plan = server.dial_plans.popleft() if server.dial_plans else {}
    answer = plan.get("answer", (0, 0))
    node_id = "fake-node-1"
    ctx.reply()
    server.emit(
        session, "calling.call.dial", {"tag": tag, "node_id": node_id, "dial_state": "dialing"}
    )
    step = server.durations["dial_step"] or 0.0

    def run_group(index: int) -> None:
        if index >= len(groups):
            server.emit(
                session,
                "calling.call.dial",
                {
                    "tag": tag,
                    "node_id": node_id,
                    "dial_state": "failed",
                    "reason": plan.get("reason", "noAnswer"),
                    "source": "outbound",
                },
            )
            return
        legs = []
        for device in groups[index]:
            leg = FakeCall(
                str(uuid.uuid4()), node_id, session, direction="outbound", device=device, tag=tag
            )
            server.calls[leg.call_id] = leg
            legs.append(leg)
            _emit_state(server, leg, "created")
        for leg in legs:
            _emit_state(server, leg, "ringing")
        winner = None
        if answer is not None and answer[0] == index and 0 <= answer[1] < len(legs):
            winner = legs[answer[1]]

        def settle() -> None:
            if winner is None:
                for leg in legs:
                    if not leg.ended:
                        leg.end_reason = plan.get("reason", "noAnswer")
                        _emit_state(server, leg, "ended")
                _later(server, step, lambda: run_group(index + 1))
                return
            if winner.ended:
                return
            _emit_state(server, winner, "answered")
            for leg in legs:
                if leg is not winner and not leg.ended:
                    leg.end_reason = plan.get("loser_reason", "cancel")
                    _emit_state(server, leg, "ended")
            server.emit(
                session,
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
            )

        delay = step + (plan.get("answer_delay", 0.0) if winner is not None else 0.0)
        _later(server, delay, settle)

    _later(server, step, lambda: run_group(0))


# ----------------------------------------------------------------------------
# connect / disconnect
# ----------------------------------------------------------------------------


@_register("calling.connect")
def _connect(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    groups = _device_groups(ctx)
    if groups is None:
        return
    if call.peer is not None:
        ctx.fail("409", "Call is already connected")
        return
    server = ctx.server
    plan = server.connect_plans.popleft() if server.connect_plans else {}
    answer = plan.get("answer", (0, 0))
    ctx.reply()
    tag = ctx.params.get("tag")
    _emit(server, call, "calling.call.connect", {"connect_state": "connecting"})
    step = server.durations["connect"] or 0.0

    def settle() -> None:
        if call.ended:
            return
        if answer is None or answer[0] >= len(groups) or answer[1] >= len(groups[answer[0]]):
            _emit(
                server,
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
        server.calls[peer.call_id] = peer
        peer.peer = call
        _emit_state(server, peer, "created")
        _emit_state(server, peer, "ringing")
        _emit_state(server, peer, "answered")
        call.peer = peer
        _emit(
            server,
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

    _later(server, step, settle)


@_register("calling.disconnect")
def _disconnect(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    peer = call.peer
    if peer is None:
        ctx.fail("404", "Call is not connected")
        return
    ctx.reply()
    call.peer = None
    peer.peer = None
    _emit(ctx.server, call, "calling.call.connect", {"connect_state": "disconnected"})
    end_call(ctx.server, peer, "hangup")


@_register("calling.transfer")
def _transfer(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    if not ctx.params.get("dest"):
        ctx.fail("400", "Invalid params: dest is required")
        return
    ctx.reply()


@_register("calling.refer")
def _refer(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    device = ctx.params.get("device")
    if not isinstance(device, dict):
        ctx.fail("400", "Invalid params: device is required")
        return
    ctx.reply()
    to = (device.get("params") or {}).get("to")
    base = {"sip_refer_to": to}
    _emit(ctx.server, call, "calling.call.refer", {**base, "state": "inProgress"})
    _emit(
        ctx.server,
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


@_register("calling.play")
def _play(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    action = _start_action(ctx, call, "play")
    if action is None:
        return
    server = ctx.server
    ctx.reply()
    cid = action.control_id
    if _bad_media(ctx.params.get("play")):
        action.state = "error"
        call.actions.pop(cid, None)
        _emit(server, call, "calling.call.play", {"control_id": cid, "state": "error"})
        return
    action.state = "playing"
    _emit(server, call, "calling.call.play", {"control_id": cid, "state": "playing"})
    action.timer = _later(server, server.durations["play"], lambda: _finish(server, action))


@_register("calling.play.pause", "calling.play.resume", "calling.play.stop", "calling.play.volume")
def _play_control(ctx: Script) -> None:
    action = _action_for(ctx, ("play",))
    if action is None:
        return
    op = ctx.method.rsplit(".", 1)[1]
    ctx.reply()
    server = ctx.server
    cid = action.control_id
    if op == "stop":
        _finish(server, action)
    elif op == "pause" and action.state == "playing":
        action.state = "paused"
        _cancel_timer(action)
        _emit(server, action.call, "calling.call.play", {"control_id": cid, "state": "paused"})
    elif op == "resume" and action.state == "paused":
        action.state = "playing"
        _emit(server, action.call, "calling.call.play", {"control_id": cid, "state": "playing"})
        action.timer = _later(server, server.durations["play"], lambda: _finish(server, action))


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


@_register("calling.record")
def _record(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    if not isinstance(ctx.params.get("record"), dict):
        ctx.fail("400", "Invalid params: record is required")
        return
    action = _start_action(ctx, call, "record")
    if action is None:
        return
    server = ctx.server
    cid = action.control_id
    ctx.reply(url=f"https://files.fake-relay.test/recordings/{cid}")
    _run_action(server, action, "recording", record=ctx.params["record"])


@_register("calling.record.pause", "calling.record.resume", "calling.record.stop")
def _record_control(ctx: Script) -> None:
    action = _action_for(ctx, ("record",))
    if action is None:
        return
    op = ctx.method.rsplit(".", 1)[1]
    ctx.reply()
    server = ctx.server
    cid = action.control_id
    record = action.params.get("record")
    if op == "stop":
        _finish(server, action)
    elif op == "pause" and action.state == "recording":
        action.state = "paused"
        _cancel_timer(action)
        _emit(
            server,
            action.call,
            "calling.call.record",
            {"control_id": cid, "state": "paused", "record": record},
        )
    elif op == "resume" and action.state == "paused":
        action.state = "recording"
        _emit(
            server,
            action.call,
            "calling.call.record",
            {"control_id": cid, "state": "recording", "record": record},
        )
        action.timer = _later(server, server.durations["record"], lambda: _finish(server, action))


# ----------------------------------------------------------------------------
# collect
# ----------------------------------------------------------------------------


def _collect_config(params: dict[str, Any]) -> dict[str, Any]:
    collect = params.get("collect")
    return collect if isinstance(collect, dict) else params


def _collect_result(server: FakeRelayServer, params: dict[str, Any]) -> dict[str, Any]:
    per_call = server.call_collect_results.get(str(params.get("call_id")))
    if per_call:
        return per_call.popleft()
    if server.collect_results:
        return server.collect_results.popleft()
    config = _collect_config(params)
    if "digits" in config or "speech" not in config:
        digits = config.get("digits")
        terms = digits.get("terminators") if isinstance(digits, dict) else None
        p: dict[str, Any] = {"digits": server.default_digits}
        p["terminator"] = terms[0] if isinstance(terms, str) and terms else "#"
        return {"type": "digit", "params": p}
    return {"type": "speech", "params": {"text": server.default_speech, "confidence": 0.93}}


@_register("calling.play_and_collect")
def _play_and_collect(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    if not isinstance(ctx.params.get("collect"), dict):
        ctx.fail("400", "Invalid params: collect is required")
        return
    action = _start_action(ctx, call, "play_and_collect")
    if action is None:
        return
    server = ctx.server
    cid = action.control_id
    ctx.reply()
    if _bad_media(ctx.params.get("play")):
        call.actions.pop(cid, None)
        action.state = "error"
        _emit(server, call, "calling.call.play", {"control_id": cid, "state": "error"})
        _emit(
            server,
            call,
            "calling.call.collect",
            {"control_id": cid, "result": {"type": "error"}, "final": True, "state": "error"},
        )
        return
    action.state = "playing"
    _emit(server, call, "calling.call.play", {"control_id": cid, "state": "playing"})

    def prompt_done() -> None:
        if action.done:
            return
        _emit(server, call, "calling.call.play", {"control_id": cid, "state": "finished"})
        action.state = "collecting"
        action.timer = _later(server, server.durations["collect"], lambda: _finish(server, action))

    action.timer = _later(server, server.durations["play"], prompt_done)


@_register("calling.collect")
def _collect(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    action = _start_action(ctx, call, "collect")
    if action is None:
        return
    server = ctx.server
    cid = action.control_id
    ctx.reply()
    action.state = "collecting"
    if ctx.params.get("send_start_of_input"):
        _emit(
            server,
            call,
            "calling.call.collect",
            {"control_id": cid, "result": {"type": "start_of_input"}, "state": "collecting"},
        )
    if ctx.params.get("partial_results") and "speech" in ctx.params:
        words = server.default_speech.split()
        _emit(
            server,
            call,
            "calling.call.collect",
            {
                "control_id": cid,
                "result": {"type": "speech", "params": {"text": words[0] if words else ""}},
                "final": False,
                "state": "collecting",
            },
        )
    action.timer = _later(server, server.durations["collect"], lambda: _finish(server, action))


@_register("calling.play_and_collect.stop", "calling.collect.stop")
def _collect_stop(ctx: Script) -> None:
    action = _action_for(ctx, ("play_and_collect", "collect"))
    if action is None:
        return
    ctx.reply()
    _finish(ctx.server, action, "stopped")


@_register(
    "calling.play_and_collect.volume",
    "calling.collect.start_input_timers",
    "calling.play_and_collect.pause",
    "calling.play_and_collect.resume",
)
def _collect_misc(ctx: Script) -> None:
    if _action_for(ctx, ("play_and_collect", "collect")) is not None:
        ctx.reply()


# ----------------------------------------------------------------------------
# detect
# ----------------------------------------------------------------------------


def _detect_type(params: dict[str, Any]) -> str:
    detect = params.get("detect")
    dtype = detect.get("type") if isinstance(detect, dict) else None
    return dtype if isinstance(dtype, str) else "machine"


@_register("calling.detect")
def _detect(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    detect = ctx.params.get("detect")
    if not isinstance(detect, dict) or detect.get("type") not in ("machine", "fax", "digit"):
        ctx.fail("400", "Invalid params: detect.type must be machine, fax or digit")
        return
    action = _start_action(ctx, call, "detect")
    if action is None:
        return
    server = ctx.server
    cid = action.control_id
    ctx.reply()
    dtype = detect["type"]
    raw_params = detect.get("params")
    dparams: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
    per_call = server.call_detect_results.get(call.call_id)
    if per_call:
        results = per_call.popleft()
    elif server.detect_results:
        results = server.detect_results.popleft()
    elif dtype == "machine":
        results = ["HUMAN"]
    elif dtype == "fax":
        results = [str(dparams.get("tone") or "CED")]
    else:
        digits = str(dparams.get("digits") or "1")
        results = [server.default_digits if server.default_digits in digits else digits[0]]
    action.state = "detecting"

    def run() -> None:
        if action.done:
            return
        for event in results:
            p: dict[str, Any] = {"event": event}
            if event == "READY":
                p["beep"] = True
            _emit(
                server,
                call,
                "calling.call.detect",
                {"control_id": cid, "detect": {"type": dtype, "params": p}},
            )
        _finish(server, action)

    action.timer = _later(server, server.durations["detect"], run)


@_register("calling.detect.stop")
def _detect_stop(ctx: Script) -> None:
    action = _action_for(ctx, ("detect",))
    if action is None:
        return
    ctx.reply()
    _finish(ctx.server, action, "stopped")


# ----------------------------------------------------------------------------
# fax
# ----------------------------------------------------------------------------


def _fax_finished(server: FakeRelayServer, action: FakeAction, *, success: bool) -> dict[str, Any]:
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
    if server.fax_state_field:
        frame["state"] = "finished"
    return frame


@_register("calling.send_fax", "calling.receive_fax")
def _fax(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    kind = ctx.method.split(".", 1)[1]
    if kind == "send_fax" and not ctx.params.get("document"):
        ctx.fail("400", "Invalid params: document is required")
        return
    action = _start_action(ctx, call, kind)
    if action is None:
        return
    server = ctx.server
    cid = action.control_id
    ctx.reply()
    action.state = "faxing"
    direction = "send" if kind == "send_fax" else "receive"

    def run() -> None:
        if action.done:
            return
        page: dict[str, Any] = {
            "control_id": cid,
            "fax": {"type": "page", "params": {"direction": direction, "pages": 1}},
        }
        if server.fax_state_field:
            page["state"] = "page"
        _emit(server, call, "calling.call.fax", page)
        _finish(server, action)

    action.timer = _later(server, server.durations["fax"], run)


@_register("calling.send_fax.stop", "calling.receive_fax.stop")
def _fax_stop(ctx: Script) -> None:
    action = _action_for(ctx, ("send_fax", "receive_fax"))
    if action is None:
        return
    ctx.reply()
    _finish(ctx.server, action, "stopped")


# ----------------------------------------------------------------------------
# send_digits, tap, stream, transcribe, pay, ai
# ----------------------------------------------------------------------------


@_register("calling.send_digits")
def _send_digits(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    digits = ctx.params.get("digits")
    if not isinstance(digits, str) or not digits or set(digits) - set("0123456789#*ABCDwW"):
        ctx.fail("400", "Invalid params: digits must use 0-9 # * A-D w W")
        return
    action = _start_action(ctx, call, "send_digits")
    if action is None:
        return
    ctx.reply()
    _run_action(ctx.server, action)


@_register("calling.tap")
def _tap(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    tap = ctx.params.get("tap")
    device = ctx.params.get("device")
    if not isinstance(tap, dict) or "type" not in tap or "params" not in tap:
        ctx.fail("400", "Invalid params: tap needs type and params")
        return
    if not isinstance(device, dict):
        ctx.fail("400", "Invalid params: device is required")
        return
    action = _start_action(ctx, call, "tap")
    if action is None:
        return
    server = ctx.server
    source = {
        "type": "rtp",
        "params": {"addr": "127.0.0.1", "port": 40000, "codec": "PCMU", "ptime": 20},
    }
    ctx.reply(source_device=source)
    _run_action(server, action, "tapping", tap=tap, device=device)


@_register("calling.stream")
def _stream(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    if not isinstance(ctx.params.get("url"), str):
        ctx.fail("400", "Invalid params: url is required")
        return
    action = _start_action(ctx, call, "stream")
    if action is None:
        return
    server = ctx.server
    ctx.reply()
    _run_action(server, action, "streaming", url=ctx.params["url"], name=ctx.params.get("name"))


@_register("calling.transcribe")
def _transcribe(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    if any(a.kind == "transcribe" for a in call.actions.values()):
        ctx.fail("409", "Transcription already active on this call")
        return
    action = _start_action(ctx, call, "transcribe")
    if action is None:
        return
    server = ctx.server
    ctx.reply()
    _run_action(server, action, "transcribing")


@_register("calling.pay")
def _pay(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    if not isinstance(ctx.params.get("payment_connector_url"), str):
        ctx.fail("400", "Invalid params: payment_connector_url is required")
        return
    action = _start_action(ctx, call, "pay")
    if action is None:
        return
    server = ctx.server
    ctx.reply()
    _run_action(server, action)


@_register("calling.ai")
def _ai(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    action = _start_action(ctx, call, "ai")
    if action is None:
        return
    server = ctx.server
    ctx.reply()
    _run_action(server, action)


_STOP_KINDS = {
    "calling.tap.stop": ("tap",),
    "calling.stream.stop": ("stream",),
    "calling.transcribe.stop": ("transcribe",),
    "calling.pay.stop": ("pay",),
    "calling.ai.stop": ("ai",),
}


@_register(*_STOP_KINDS)
def _generic_stop(ctx: Script) -> None:
    action = _action_for(ctx, _STOP_KINDS[ctx.method])
    if action is None:
        return
    ctx.reply()
    _finish(ctx.server, action, "stopped")


# ----------------------------------------------------------------------------
# simple commands: reply (+ a state event where the platform sends one)
# ----------------------------------------------------------------------------


@_register(
    "calling.amazon_bedrock",
    "calling.ai_message",
    "calling.ai_hold",
    "calling.ai_unhold",
    "calling.join_room",
    "calling.leave_room",
    "calling.user_event",
)
def _simple(ctx: Script) -> None:
    if _live_call(ctx) is not None:
        ctx.reply()


@_register("calling.bind_digit")
def _bind_digit(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    digits = ctx.params.get("digits")
    bind_method = ctx.params.get("bind_method")
    if not isinstance(digits, str) or not isinstance(bind_method, str):
        ctx.fail("400", "Invalid params: digits and bind_method are required")
        return
    max_triggers = ctx.params.get("max_triggers")
    bound = ctx.params.get("params")
    call.bindings.append(
        {
            "digits": digits,
            "bind_method": bind_method,
            "params": bound if isinstance(bound, dict) else {},
            "realm": ctx.params.get("realm"),
            "left": max_triggers if isinstance(max_triggers, int) and max_triggers > 0 else None,
        }
    )
    ctx.reply()


@_register("calling.clear_digit_bindings")
def _clear_digit_bindings(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    realm = ctx.params.get("realm")
    call.bindings = [b for b in call.bindings if realm is not None and b["realm"] != realm]
    ctx.reply()


def press_digits(server: FakeRelayServer, call: FakeCall, digits: str) -> list[str]:
    """The caller presses ``digits``: run every matching binding's method (as
    the platform would, without a client request); returns the methods run."""
    from signalwire.testing.relay._script import Script

    ran = []
    session = call.session
    conn = session.connection if session is not None else None
    for binding in list(call.bindings):
        if binding["digits"] != digits:
            continue
        if binding["left"] is not None:
            binding["left"] -= 1
            if binding["left"] <= 0:
                call.bindings.remove(binding)
        if conn is None:
            continue
        params = {
            "call_id": call.call_id,
            "node_id": call.node_id,
            "control_id": str(uuid.uuid4()),
            **binding["params"],
        }
        request = {"jsonrpc": "2.0", "id": None, "method": binding["bind_method"], "params": params}
        server.default_behaviour(Script(server, conn, request, silent=True))
        ran.append(binding["bind_method"])
    return ran


@_register("calling.live_transcribe", "calling.live_translate")
def _live(ctx: Script) -> None:
    if _live_call(ctx) is None:
        return
    action = ctx.params.get("action")
    if not isinstance(action, (dict, str)) or not action:
        ctx.fail("400", "Invalid params: action is required")
        return
    ctx.reply()


@_register("calling.hold", "calling.unhold")
def _hold(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    ctx.reply()
    state = "hold" if ctx.method == "calling.hold" else "unhold"
    _emit(ctx.server, call, "calling.call.hold", {"state": state})


@_register("calling.denoise", "calling.denoise.stop")
def _denoise(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    ctx.reply()
    _emit(ctx.server, call, "calling.call.denoise", {"denoised": ctx.method == "calling.denoise"})


@_register("calling.echo")
def _echo(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    ctx.reply()
    server = ctx.server
    _emit(server, call, "calling.call.echo", {"state": "echoing"})
    timeout = ctx.params.get("timeout")
    duration = timeout if isinstance(timeout, (int, float)) and timeout > 0 else None
    duration = server.durations["echo"] if duration is None else duration

    def done() -> None:
        if not call.ended:
            _emit(server, call, "calling.call.echo", {"state": "finished"})

    _later(server, duration, done)


@_register("calling.join_conference")
def _join_conference(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    name = ctx.params.get("name")
    if not isinstance(name, str) or not name:
        ctx.fail("400", "Invalid params: name is required")
        return
    conference_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"conference:{name}"))
    ctx.reply(conference_id=conference_id)
    _emit(
        ctx.server,
        call,
        "calling.conference",
        {"conference_id": conference_id, "name": name, "status": "participant-join"},
    )


@_register("calling.leave_conference")
def _leave_conference(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    conference_id = ctx.params.get("conference_id")
    if not isinstance(conference_id, str):
        ctx.fail("400", "Invalid params: conference_id is required")
        return
    ctx.reply()
    _emit(
        ctx.server,
        call,
        "calling.conference",
        {"conference_id": conference_id, "status": "participant-leave"},
    )


@_register("calling.queue.enter", "calling.queue.leave")
def _queue(ctx: Script) -> None:
    call = _live_call(ctx)
    if call is None:
        return
    name = ctx.params.get("queue_name")
    if not isinstance(name, str) or not name:
        ctx.fail("400", "Invalid params: queue_name is required")
        return
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
    _emit(ctx.server, call, "calling.call.queue", params)


# ----------------------------------------------------------------------------
# messaging
# ----------------------------------------------------------------------------


@_register("messaging.send")
def _messaging_send(ctx: Script) -> None:
    params = ctx.params
    missing = [k for k in ("context", "from_number", "to_number") if not params.get(k)]
    if missing:
        ctx.fail("400", f"Invalid params: missing {', '.join(missing)}")
        return
    if not params.get("body") and not params.get("media"):
        ctx.fail("400", "Invalid params: body or media is required")
        return
    server = ctx.server
    session = ctx.session
    assert session is not None
    message_id = str(uuid.uuid4())
    message = FakeMessage(message_id, session, "outbound", params, params.get("context"))
    server.messages[message_id] = message
    ctx.reply(message_id=message_id)
    plan = server.message_plans.popleft() if server.message_plans else {}
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
    step = server.durations["message_step"]

    def send_state(index: int) -> None:
        state = states[index]
        message.state = state
        event = {**base, "message_state": state}
        if state in ("failed", "undelivered") and reason:
            event["reason"] = reason
        server.emit(session, "messaging.state", event)
        if index + 1 < len(states):
            _later(server, step, lambda: send_state(index + 1))

    send_state(0)
