"""A call controlled over RELAY: state, event plumbing and every calling command.

A call sees the client that tracks it only through :class:`CallHost`, and is
itself the :class:`~signalwire.relay._action.ActionHost` of its actions.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from signalwire.relay import constants as c
from signalwire.relay._action import (
    Action,
    AIAction,
    CollectAction,
    DetectAction,
    FaxAction,
    PayAction,
    PlayAction,
    RecordAction,
    StandaloneCollectAction,
    StreamAction,
    TapAction,
    TranscribeAction,
)
from signalwire.relay._errors import CallEndedError, RelayError, RelayTimeoutError
from signalwire.relay._otel import telemetry
from signalwire.relay._util import call_handler, drop_none, fail_future, new_uuid, wait_future

if TYPE_CHECKING:
    from signalwire.relay.event import RelayEvent

__all__ = ["Call", "CallHost", "call_gone_event"]

logger = logging.getLogger("signalwire.relay.call")

A = TypeVar("A", bound=Action)
EventHandler = Callable[["RelayEvent"], Any]
Completed = Callable[["RelayEvent"], Any] | None
JSONObject = dict[str, Any]

_STATE_ORDER = {s: i for i, s in enumerate(c.CALL_STATES)}
# read for every event a call handles: module names, not attributes of ``c``
_EVENT_CALL_STATE = c.EVENT_CALL_STATE
_CALL_STATE_ENDED = c.CALL_STATE_ENDED
_GONE_CODES = frozenset((404, 410))


class CallHost(Protocol):
    """What a call needs from the client that tracks it (a :class:`~signalwire.relay.RelayClient`)."""

    async def execute(
        self, method: str, params: Mapping[str, Any], *, timeout: float | None = None
    ) -> JSONObject:
        """Send a JSON-RPC request and return its checked result."""
        ...

    def _spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run ``coro`` as one of the client's tasks (cancelled when the client closes)."""
        ...

    def _forget_call(self, call: Call) -> None:
        """The call ended: stop tracking it."""
        ...


class _Waiter:
    __slots__ = ("event_type", "future", "predicate")

    def __init__(
        self,
        event_type: str,
        predicate: Callable[[RelayEvent], bool] | None,
        future: asyncio.Future[RelayEvent],
    ) -> None:
        self.event_type = event_type
        self.predicate = predicate
        self.future = future


class Call:
    """One call leg: its identity, state, event listeners and commands.

    Created by the client for inbound calls (``on_call``) and dial legs; you
    never construct one. Commands need the call's ``node_id``/``call_id``,
    which the call adds. A command on a call the platform reports as gone
    (404/410) returns ``{}`` and any action it starts completes at once.
    """

    __slots__ = (
        "_actions",
        "_client",
        "_ended_event",
        "_listeners",
        "_orphan",
        "_waiters",
        "call_id",
        "context",
        "device",
        "direction",
        "node_id",
        "project_id",
        "segment_id",
        "state",
        "tag",
    )

    def __init__(
        self,
        client: CallHost,
        call_id: str,
        node_id: str,
        project_id: str = "",
        context: str = "",
        *,
        tag: str = "",
        direction: str = "",
        device: JSONObject | None = None,
        state: str = "",
        segment_id: str = "",
    ) -> None:
        self._client = client
        #: Platform id of the call.
        self.call_id = call_id
        #: Node handling the call (sent with every command).
        self.node_id = node_id
        #: Project the call belongs to.
        self.project_id = project_id
        #: Context the call arrived on (inbound calls).
        self.context = context
        #: Dial tag (outbound legs).
        self.tag = tag
        #: ``inbound`` or ``outbound``.
        self.direction = direction
        #: The far end's device: ``{"type": "phone", "params": {...}}``.
        self.device: JSONObject = device if device is not None else {}
        #: Current state: created, ringing, answered, ending or ended.
        self.state = state
        #: Segment id of the leg.
        self.segment_id = segment_id
        self._listeners: dict[str, list[EventHandler]] | None = None
        self._waiters: list[_Waiter] | None = None
        self._actions: dict[str, Action] = {}
        self._ended_event: RelayEvent | None = None
        self._orphan = False
        otel = telemetry()
        if otel is not None and state:
            otel.call_state(self, state, {})

    def __repr__(self) -> str:
        return (
            f"Call(call_id={self.call_id!r}, state={self.state!r}, "
            f"direction={self.direction!r}, context={self.context!r})"
        )

    # -- events -----------------------------------------------------------

    def on(self, event_type: str, handler: EventHandler) -> None:
        """Call ``handler(event)`` for every event of ``event_type`` on this call.

        Sync handlers run inline, in event order; coroutine handlers run as
        tasks. Unknown event types are delivered as :class:`RelayEvent`.
        """
        if self._listeners is None:
            self._listeners = {}
        self._listeners.setdefault(event_type, []).append(handler)

    async def wait_for(
        self,
        event_type: str,
        predicate: Callable[[RelayEvent], bool] | None = None,
        timeout: float | None = None,
    ) -> RelayEvent:
        """Wait for the next event of ``event_type`` that satisfies ``predicate``.

        Raises :class:`~signalwire.relay.RelayTimeoutError` after ``timeout``,
        :class:`~signalwire.relay.CallEndedError` if the call ends first (unless
        the ``ended`` event itself matches), and
        :class:`~signalwire.relay.RelayConnectionError` if the client closes.
        """
        if self._ended_event is not None:
            ev = self._ended_event
            if ev.event_type == event_type and (predicate is None or predicate(ev)):
                return ev
            raise CallEndedError(f"call {self.call_id} has ended; {event_type} will not arrive")
        future: asyncio.Future[RelayEvent] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(event_type, predicate, future)
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            return await wait_future(future, timeout)
        except TimeoutError:
            if future.done() and not future.cancelled():
                return future.result()
            raise RelayTimeoutError(
                f"no {event_type} on call {self.call_id} within {timeout}s"
            ) from None
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)

    async def _wait_state(self, state: str, timeout: float | None) -> RelayEvent:
        if _STATE_ORDER.get(self.state, -1) >= _STATE_ORDER[state]:
            if self._ended_event is not None:
                return self._ended_event
            from signalwire.relay.event import RelayEvent

            return RelayEvent(
                event_type=c.EVENT_CALL_STATE,
                params={"call_id": self.call_id, "call_state": self.state},
                call_id=self.call_id,
            )
        target = _STATE_ORDER[state]
        return await self.wait_for(
            c.EVENT_CALL_STATE,
            lambda ev: _STATE_ORDER.get(ev.params.get("call_state", ""), -1) >= target,
            timeout,
        )

    async def wait_for_ringing(self, timeout: float | None = None) -> RelayEvent:
        """Return once the call is ringing or beyond (immediately if it already is)."""
        return await self._wait_state(c.CALL_STATE_RINGING, timeout)

    async def wait_for_answered(self, timeout: float | None = None) -> RelayEvent:
        """Return once the call is answered or beyond (an ``ended`` event if it ended first)."""
        return await self._wait_state(c.CALL_STATE_ANSWERED, timeout)

    async def wait_for_ending(self, timeout: float | None = None) -> RelayEvent:
        """Return once the call is ending or ended."""
        return await self._wait_state(c.CALL_STATE_ENDING, timeout)

    async def wait_for_ended(self, timeout: float | None = None) -> RelayEvent:
        """Return the ``ended`` state event (immediately if the call already ended)."""
        return await self._wait_state(c.CALL_STATE_ENDED, timeout)

    def _handle(self, event: RelayEvent) -> None:
        """Route one event: state, the action it belongs to, listeners, waiters."""
        params = event.params
        ended = False
        if event.event_type == _EVENT_CALL_STATE:
            state = params.get("call_state")
            if isinstance(state, str) and state:
                self.state = state
                ended = state == _CALL_STATE_ENDED
                if ended:
                    self._ended_event = event
                otel = telemetry()
                if otel is not None:
                    otel.call_state(self, state, params)
            device = params.get("device")
            if device and isinstance(device, dict):
                self.device = device
        if self._actions:
            control_id = params.get("control_id")
            if control_id:
                action = self._actions.get(control_id)
                if action is not None:
                    action._handle(event)
        if self._listeners:
            handlers = self._listeners.get(event.event_type)
            if handlers:
                spawn = self._client._spawn
                for h in tuple(handlers):
                    call_handler(h, (event,), spawn, "call event handler")
        if self._waiters:
            for w in tuple(self._waiters):
                if w.event_type == event.event_type and not w.future.done():
                    try:
                        ok = w.predicate is None or w.predicate(event)
                    except Exception as exc:  # noqa: BLE001 - surfaced to the waiter
                        fail_future(w.future, exc)
                        continue
                    if ok:
                        w.future.set_result(event)
        if ended:
            self._finish(event)

    def _finish(self, event: RelayEvent) -> None:
        """The call ended: complete its actions and release waiters that cannot be satisfied."""
        for action in tuple(self._actions.values()):
            action._complete(event)
        if self._waiters:
            for w in self._waiters:
                if not w.future.done():
                    fail_future(
                        w.future,
                        CallEndedError(
                            f"call {self.call_id} ended; {w.event_type} will not arrive"
                        ),
                    )
        self._client._forget_call(self)

    def _abort(self, exc: BaseException) -> None:
        """Client closed or session lost: fail pending actions and waiters with ``exc``."""
        otel = telemetry()
        if otel is not None:
            otel.call_gone(self, str(exc))
        for action in tuple(self._actions.values()):
            action._fail(exc)
        if self._waiters:
            for w in self._waiters:
                fail_future(w.future, exc)

    # -- what actions need (ActionHost) and command plumbing ------------------

    def _forget_action(self, control_id: str) -> None:
        self._actions.pop(control_id, None)

    def _run_handler(self, handler: Callable[..., Any], args: tuple[Any, ...], what: str) -> None:
        call_handler(handler, args, self._client._spawn, what)

    async def _command(self, method: str, params: JSONObject | None = None) -> JSONObject:
        """Send a per-call command; 404/410 (call gone) returns ``{}``."""
        payload = {"node_id": self.node_id, "call_id": self.call_id}
        if params:
            payload.update(params)
        try:
            return await self._client.execute(method, payload)
        except RelayError as exc:
            if exc.code in _GONE_CODES:
                logger.debug("%s on call %s: call gone (%s)", method, self.call_id, exc.code)
                return {}
            raise

    async def _start(
        self,
        cls: type[A],
        wire_method: str,
        params: JSONObject,
        control_id: str | None,
        on_completed: Completed,
        extra: dict[str, Any],
        **init: Any,
    ) -> A:
        control_id = control_id or new_uuid()
        action = cls(self, control_id, on_completed, **init)
        if self.state == c.CALL_STATE_ENDED:
            action._complete(call_gone_event(self))
            return action
        self._actions[control_id] = action
        payload = drop_none(params)
        payload.update(extra)
        payload["control_id"] = control_id
        try:
            result = await self._command(wire_method, payload)
        except BaseException:
            self._actions.pop(control_id, None)
            raise
        if not result:
            action._complete(call_gone_event(self))
        return action

    # -- basic call control ------------------------------------------------

    async def answer(self, **kwargs: Any) -> JSONObject:
        """Answer the call (``calling.answer``); extra keywords (``max_duration``, ``codecs``) pass through."""
        return await self._command("calling.answer", drop_none(kwargs))

    async def hangup(self, reason: str = "hangup") -> JSONObject:
        """End the call (``calling.end``) with ``reason`` (hangup, cancel, busy, noAnswer, decline, error)."""
        return await self._command("calling.end", {"reason": reason})

    async def pass_(self) -> JSONObject:
        """Decline control so the platform offers the call to another client (``calling.pass``)."""
        return await self._command("calling.pass")

    async def connect(
        self,
        devices: list[list[JSONObject]],
        *,
        ringback: list[JSONObject] | None = None,
        tag: str | None = None,
        max_duration: int | None = None,
        max_price_per_minute: float | None = None,
        status_url: str | None = None,
        **kwargs: Any,
    ) -> JSONObject:
        """Bridge the call to ``devices`` (serial list of parallel groups; ``calling.connect``)."""
        params = drop_none(
            {
                "devices": devices,
                "ringback": ringback,
                "tag": tag,
                "max_duration": max_duration,
                "max_price_per_minute": max_price_per_minute,
                "status_url": status_url,
            }
        )
        params.update(kwargs)
        return await self._command("calling.connect", params)

    async def disconnect(self) -> JSONObject:
        """Unbridge a connected call (``calling.disconnect``)."""
        return await self._command("calling.disconnect")

    async def transfer(self, dest: str, **kwargs: Any) -> JSONObject:
        """Hand control of the call to ``dest`` (URL, SWML or context; ``calling.transfer``)."""
        return await self._command("calling.transfer", {"dest": dest, **kwargs})

    async def refer(
        self, device: JSONObject, *, status_url: str | None = None, **kwargs: Any
    ) -> JSONObject:
        """Transfer a SIP call with REFER (``calling.refer``)."""
        params = drop_none({"device": device, "status_url": status_url})
        params.update(kwargs)
        return await self._command("calling.refer", params)

    async def send_digits(self, digits: str, *, control_id: str | None = None) -> JSONObject:
        """Send DTMF ``digits`` (``w`` = 0.5 s pause, ``W`` = 1 s; ``calling.send_digits``)."""
        return await self._command(
            "calling.send_digits",
            {"control_id": control_id or new_uuid(), "digits": digits},
        )

    # -- media ---------------------------------------------------------------

    async def play(
        self,
        media: list[JSONObject],
        *,
        volume: float | None = None,
        direction: str | None = None,
        loop: int | None = None,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> PlayAction:
        """Play a media list (audio, tts, silence, ringtone items; ``calling.play``)."""
        return await self._start(
            PlayAction,
            "calling.play",
            {"play": media, "volume": volume, "direction": direction, "loop": loop},
            control_id,
            on_completed,
            kwargs,
        )

    async def play_tts(
        self,
        text: str,
        *,
        language: str | None = None,
        gender: str | None = None,
        voice: str | None = None,
        volume: float | None = None,
        on_completed: Completed = None,
    ) -> PlayAction:
        """Speak ``text``."""
        item = {
            "type": "tts",
            "params": drop_none(
                {"text": text, "language": language, "gender": gender, "voice": voice}
            ),
        }
        return await self.play([item], volume=volume, on_completed=on_completed)

    async def play_audio(
        self, url: str, *, volume: float | None = None, on_completed: Completed = None
    ) -> PlayAction:
        """Play the audio file at ``url``."""
        item = {"type": "audio", "params": {"url": url}}
        return await self.play([item], volume=volume, on_completed=on_completed)

    async def play_silence(self, duration: float, *, on_completed: Completed = None) -> PlayAction:
        """Play ``duration`` seconds of silence."""
        item = {"type": "silence", "params": {"duration": duration}}
        return await self.play([item], on_completed=on_completed)

    async def play_ringtone(
        self,
        name: str,
        *,
        duration: float | None = None,
        volume: float | None = None,
        on_completed: Completed = None,
    ) -> PlayAction:
        """Play the ringtone of country ``name`` (``us``, ``uk`` ...)."""
        item = {"type": "ringtone", "params": drop_none({"name": name, "duration": duration})}
        return await self.play([item], volume=volume, on_completed=on_completed)

    async def record(
        self,
        audio: JSONObject | None = None,
        *,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> RecordAction:
        """Record the call (``calling.record`` with ``{"record": {"audio": audio}}``)."""
        return await self._start(
            RecordAction,
            "calling.record",
            {"record": {"audio": audio or {}}},
            control_id,
            on_completed,
            kwargs,
        )

    async def play_and_collect(
        self,
        media: list[JSONObject],
        collect: JSONObject,
        *,
        volume: float | None = None,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> CollectAction:
        """Play a prompt and collect digits or speech (``calling.play_and_collect``)."""
        return await self._start(
            CollectAction,
            "calling.play_and_collect",
            {"play": media, "collect": collect, "volume": volume},
            control_id,
            on_completed,
            kwargs,
        )

    async def prompt_tts(
        self,
        text: str,
        collect: JSONObject,
        *,
        language: str | None = None,
        gender: str | None = None,
        voice: str | None = None,
        volume: float | None = None,
        on_completed: Completed = None,
    ) -> CollectAction:
        """Speak ``text`` and collect input."""
        item = {
            "type": "tts",
            "params": drop_none(
                {"text": text, "language": language, "gender": gender, "voice": voice}
            ),
        }
        return await self.play_and_collect(
            [item], collect, volume=volume, on_completed=on_completed
        )

    async def prompt_audio(
        self,
        url: str,
        collect: JSONObject,
        *,
        volume: float | None = None,
        on_completed: Completed = None,
    ) -> CollectAction:
        """Play the audio at ``url`` and collect input."""
        item = {"type": "audio", "params": {"url": url}}
        return await self.play_and_collect(
            [item], collect, volume=volume, on_completed=on_completed
        )

    async def collect(
        self,
        *,
        digits: JSONObject | None = None,
        speech: JSONObject | None = None,
        initial_timeout: float | None = None,
        partial_results: bool | None = None,
        continuous: bool | None = None,
        send_start_of_input: bool | None = None,
        start_input_timers: bool | None = None,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> StandaloneCollectAction:
        """Collect digits or speech without a prompt (``calling.collect``)."""
        return await self._start(
            StandaloneCollectAction,
            "calling.collect",
            {
                "digits": digits,
                "speech": speech,
                "initial_timeout": initial_timeout,
                "partial_results": partial_results,
                "continuous": continuous,
                "send_start_of_input": send_start_of_input,
                "start_input_timers": start_input_timers,
            },
            control_id,
            on_completed,
            kwargs,
        )

    async def detect(
        self,
        detect: JSONObject,
        *,
        timeout: float | None = None,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> DetectAction:
        """Start a detector: ``{"type": "machine"|"fax"|"digit", "params": {...}}`` (``calling.detect``)."""
        return await self._start(
            DetectAction,
            "calling.detect",
            {"detect": detect, "timeout": timeout},
            control_id,
            on_completed,
            kwargs,
        )

    async def detect_answering_machine(
        self,
        *,
        initial_timeout: float | None = None,
        end_silence_timeout: float | None = None,
        machine_voice_threshold: float | None = None,
        machine_words_threshold: int | None = None,
        detect_interruptions: bool | None = None,
        detect_message_end: bool | None = None,
        timeout: float | None = None,
        on_completed: Completed = None,
    ) -> DetectAction:
        """Detect a human or an answering machine."""
        params = drop_none(
            {
                "initial_timeout": initial_timeout,
                "end_silence_timeout": end_silence_timeout,
                "machine_voice_threshold": machine_voice_threshold,
                "machine_words_threshold": machine_words_threshold,
                "detect_interruptions": detect_interruptions,
                "detect_message_end": detect_message_end,
            }
        )
        return await self.detect(
            {"type": c.DETECT_TYPE_MACHINE, "params": params},
            timeout=timeout,
            on_completed=on_completed,
        )

    async def detect_fax(
        self,
        *,
        tone: str | None = None,
        timeout: float | None = None,
        on_completed: Completed = None,
    ) -> DetectAction:
        """Detect fax tones (``CED`` or ``CNG``)."""
        return await self.detect(
            {"type": c.DETECT_TYPE_FAX, "params": drop_none({"tone": tone})},
            timeout=timeout,
            on_completed=on_completed,
        )

    async def detect_digit(
        self,
        *,
        digits: str | None = None,
        timeout: float | None = None,
        on_completed: Completed = None,
    ) -> DetectAction:
        """Detect DTMF digits."""
        return await self.detect(
            {"type": c.DETECT_TYPE_DIGIT, "params": drop_none({"digits": digits})},
            timeout=timeout,
            on_completed=on_completed,
        )

    async def tap(
        self,
        tap: JSONObject,
        device: JSONObject,
        *,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> TapAction:
        """Copy the call's media to an RTP or WebSocket ``device`` (``calling.tap``)."""
        return await self._start(
            TapAction,
            "calling.tap",
            {"tap": tap, "device": device},
            control_id,
            on_completed,
            kwargs,
        )

    async def stream(
        self,
        url: str,
        *,
        name: str | None = None,
        codec: str | None = None,
        track: str | None = None,
        status_url: str | None = None,
        status_url_method: str | None = None,
        authorization_bearer_token: str | None = None,
        custom_parameters: JSONObject | None = None,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> StreamAction:
        """Stream the call's audio to a WebSocket ``url`` (``calling.stream``)."""
        return await self._start(
            StreamAction,
            "calling.stream",
            {
                "url": url,
                "name": name,
                "codec": codec,
                "track": track,
                "status_url": status_url,
                "status_url_method": status_url_method,
                "authorization_bearer_token": authorization_bearer_token,
                "custom_parameters": custom_parameters,
            },
            control_id,
            on_completed,
            kwargs,
        )

    async def send_fax(
        self,
        document: str,
        *,
        identity: str | None = None,
        header_info: str | None = None,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> FaxAction:
        """Send the PDF/TIFF at ``document`` as a fax (``calling.send_fax``)."""
        return await self._start(
            FaxAction,
            "calling.send_fax",
            {"document": document, "identity": identity, "header_info": header_info},
            control_id,
            on_completed,
            kwargs,
            method="calling.send_fax",
        )

    async def receive_fax(
        self,
        *,
        control_id: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> FaxAction:
        """Receive a fax (``calling.receive_fax``)."""
        return await self._start(
            FaxAction,
            "calling.receive_fax",
            {},
            control_id,
            on_completed,
            kwargs,
            method="calling.receive_fax",
        )

    async def pay(
        self,
        payment_connector_url: str,
        *,
        control_id: str | None = None,
        input_method: str | None = None,
        status_url: str | None = None,
        payment_method: str | None = None,
        timeout: str | None = None,
        max_attempts: str | None = None,
        security_code: str | None = None,
        postal_code: str | None = None,
        min_postal_code_length: str | None = None,
        token_type: str | None = None,
        charge_amount: str | None = None,
        currency: str | None = None,
        language: str | None = None,
        voice: str | None = None,
        description: str | None = None,
        valid_card_types: str | None = None,
        parameters: list[JSONObject] | None = None,
        prompts: list[JSONObject] | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> PayAction:
        """Collect a payment (``calling.pay``; ``input_method`` goes out as ``input``)."""
        return await self._start(
            PayAction,
            "calling.pay",
            {
                "payment_connector_url": payment_connector_url,
                "input": input_method,
                "status_url": status_url,
                "payment_method": payment_method,
                "timeout": timeout,
                "max_attempts": max_attempts,
                "security_code": security_code,
                "postal_code": postal_code,
                "min_postal_code_length": min_postal_code_length,
                "token_type": token_type,
                "charge_amount": charge_amount,
                "currency": currency,
                "language": language,
                "voice": voice,
                "description": description,
                "valid_card_types": valid_card_types,
                "parameters": parameters,
                "prompts": prompts,
            },
            control_id,
            on_completed,
            kwargs,
        )

    async def transcribe(
        self,
        *,
        control_id: str | None = None,
        status_url: str | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> TranscribeAction:
        """Transcribe the call (``calling.transcribe``)."""
        return await self._start(
            TranscribeAction,
            "calling.transcribe",
            {"status_url": status_url},
            control_id,
            on_completed,
            kwargs,
        )

    async def ai(
        self,
        *,
        control_id: str | None = None,
        agent: str | None = None,
        prompt: JSONObject | None = None,
        post_prompt: JSONObject | None = None,
        post_prompt_url: str | None = None,
        post_prompt_auth_user: str | None = None,
        post_prompt_auth_password: str | None = None,
        global_data: JSONObject | None = None,
        pronounce: list[JSONObject] | None = None,
        hints: list[str] | None = None,
        languages: list[JSONObject] | None = None,
        SWAIG: JSONObject | None = None,
        ai_params: JSONObject | None = None,
        on_completed: Completed = None,
        **kwargs: Any,
    ) -> AIAction:
        """Start an AI agent on the call (``calling.ai``; ``ai_params`` goes out as ``params``)."""
        return await self._start(
            AIAction,
            "calling.ai",
            {
                "agent": agent,
                "prompt": prompt,
                "post_prompt": post_prompt,
                "post_prompt_url": post_prompt_url,
                "post_prompt_auth_user": post_prompt_auth_user,
                "post_prompt_auth_password": post_prompt_auth_password,
                "global_data": global_data,
                "pronounce": pronounce,
                "hints": hints,
                "languages": languages,
                "SWAIG": SWAIG,
                "params": ai_params,
            },
            control_id,
            on_completed,
            kwargs,
        )

    async def amazon_bedrock(
        self,
        *,
        prompt: Any | None = None,
        SWAIG: JSONObject | None = None,
        ai_params: JSONObject | None = None,
        global_data: JSONObject | None = None,
        post_prompt: JSONObject | None = None,
        post_prompt_url: str | None = None,
        **kwargs: Any,
    ) -> JSONObject:
        """Start an Amazon Bedrock agent (``calling.amazon_bedrock``)."""
        params = drop_none(
            {
                "prompt": prompt,
                "SWAIG": SWAIG,
                "params": ai_params,
                "global_data": global_data,
                "post_prompt": post_prompt,
                "post_prompt_url": post_prompt_url,
            }
        )
        params.update(kwargs)
        return await self._command("calling.amazon_bedrock", params)

    async def ai_message(
        self,
        *,
        message_text: str | None = None,
        role: str | None = None,
        reset: JSONObject | None = None,
        global_data: JSONObject | None = None,
        **kwargs: Any,
    ) -> JSONObject:
        """Send a message to the running AI agent (``calling.ai_message``)."""
        params = drop_none(
            {"message_text": message_text, "role": role, "reset": reset, "global_data": global_data}
        )
        params.update(kwargs)
        return await self._command("calling.ai_message", params)

    async def ai_hold(
        self, *, timeout: str | None = None, prompt: str | None = None, **kwargs: Any
    ) -> JSONObject:
        """Put the AI agent on hold (``calling.ai_hold``)."""
        params = drop_none({"timeout": timeout, "prompt": prompt})
        params.update(kwargs)
        return await self._command("calling.ai_hold", params)

    async def ai_unhold(self, *, prompt: str | None = None, **kwargs: Any) -> JSONObject:
        """Resume the AI agent (``calling.ai_unhold``)."""
        params = drop_none({"prompt": prompt})
        params.update(kwargs)
        return await self._command("calling.ai_unhold", params)

    # -- rooms, conferences, queues ------------------------------------------

    async def join_conference(
        self,
        name: str,
        *,
        muted: bool | None = None,
        beep: str | None = None,
        start_on_enter: bool | None = None,
        end_on_exit: bool | None = None,
        wait_url: str | None = None,
        max_participants: int | None = None,
        record: str | None = None,
        region: str | None = None,
        trim: str | None = None,
        coach: str | None = None,
        status_callback: str | None = None,
        status_callback_event: str | None = None,
        status_callback_event_type: str | None = None,
        status_callback_method: str | None = None,
        recording_status_callback: str | None = None,
        recording_status_callback_event: str | None = None,
        recording_status_callback_event_type: str | None = None,
        recording_status_callback_method: str | None = None,
        stream_obj: JSONObject | None = None,
        **kwargs: Any,
    ) -> JSONObject:
        """Join conference ``name`` (``calling.join_conference``; ``stream_obj`` goes out as ``stream``)."""
        params = drop_none(
            {
                "name": name,
                "muted": muted,
                "beep": beep,
                "start_on_enter": start_on_enter,
                "end_on_exit": end_on_exit,
                "wait_url": wait_url,
                "max_participants": max_participants,
                "record": record,
                "region": region,
                "trim": trim,
                "coach": coach,
                "status_callback": status_callback,
                "status_callback_event": status_callback_event,
                "status_callback_event_type": status_callback_event_type,
                "status_callback_method": status_callback_method,
                "recording_status_callback": recording_status_callback,
                "recording_status_callback_event": recording_status_callback_event,
                "recording_status_callback_event_type": recording_status_callback_event_type,
                "recording_status_callback_method": recording_status_callback_method,
                "stream": stream_obj,
            }
        )
        params.update(kwargs)
        return await self._command("calling.join_conference", params)

    async def leave_conference(self, conference_id: str, **kwargs: Any) -> JSONObject:
        """Leave a conference (``calling.leave_conference``)."""
        return await self._command(
            "calling.leave_conference", {"conference_id": conference_id, **kwargs}
        )

    async def join_room(
        self, name: str, *, status_url: str | None = None, **kwargs: Any
    ) -> JSONObject:
        """Join video room ``name`` (``calling.join_room``)."""
        params = drop_none({"name": name, "status_url": status_url})
        params.update(kwargs)
        return await self._command("calling.join_room", params)

    async def leave_room(self, **kwargs: Any) -> JSONObject:
        """Leave the current room (``calling.leave_room``)."""
        return await self._command("calling.leave_room", kwargs)

    async def queue_enter(
        self,
        queue_name: str,
        *,
        control_id: str | None = None,
        status_url: str | None = None,
        **kwargs: Any,
    ) -> JSONObject:
        """Put the call in queue ``queue_name`` (``calling.queue.enter``)."""
        params = drop_none(
            {
                "control_id": control_id or new_uuid(),
                "queue_name": queue_name,
                "status_url": status_url,
            }
        )
        params.update(kwargs)
        return await self._command("calling.queue.enter", params)

    async def queue_leave(
        self,
        queue_name: str,
        *,
        control_id: str | None = None,
        queue_id: str | None = None,
        status_url: str | None = None,
        **kwargs: Any,
    ) -> JSONObject:
        """Take the call out of a queue (``calling.queue.leave``)."""
        params = drop_none(
            {
                "control_id": control_id or new_uuid(),
                "queue_name": queue_name,
                "queue_id": queue_id,
                "status_url": status_url,
            }
        )
        params.update(kwargs)
        return await self._command("calling.queue.leave", params)

    # -- misc ------------------------------------------------------------------

    async def hold(self) -> JSONObject:
        """Put the call on hold (``calling.hold``)."""
        return await self._command("calling.hold")

    async def unhold(self) -> JSONObject:
        """Take the call off hold (``calling.unhold``)."""
        return await self._command("calling.unhold")

    async def denoise(self) -> JSONObject:
        """Turn noise reduction on (``calling.denoise``)."""
        return await self._command("calling.denoise")

    async def denoise_stop(self) -> JSONObject:
        """Turn noise reduction off (``calling.denoise.stop``)."""
        return await self._command("calling.denoise.stop")

    async def echo(
        self, *, timeout: float | None = None, status_url: str | None = None, **kwargs: Any
    ) -> JSONObject:
        """Echo the caller's audio back (``calling.echo``)."""
        params = drop_none({"timeout": timeout, "status_url": status_url})
        params.update(kwargs)
        return await self._command("calling.echo", params)

    async def bind_digit(
        self,
        digits: str,
        bind_method: str,
        *,
        bind_params: JSONObject | None = None,
        realm: str | None = None,
        max_triggers: int | None = None,
        **kwargs: Any,
    ) -> JSONObject:
        """Run ``bind_method`` whenever ``digits`` are pressed (``calling.bind_digit``)."""
        params = drop_none(
            {
                "digits": digits,
                "bind_method": bind_method,
                "params": bind_params,
                "realm": realm,
                "max_triggers": max_triggers,
            }
        )
        params.update(kwargs)
        return await self._command("calling.bind_digit", params)

    async def clear_digit_bindings(self, *, realm: str | None = None, **kwargs: Any) -> JSONObject:
        """Remove digit bindings (``calling.clear_digit_bindings``)."""
        params = drop_none({"realm": realm})
        params.update(kwargs)
        return await self._command("calling.clear_digit_bindings", params)

    async def live_transcribe(self, action: JSONObject, **kwargs: Any) -> JSONObject:
        """Start, stop or summarize live transcription (``calling.live_transcribe``)."""
        return await self._command("calling.live_transcribe", {"action": action, **kwargs})

    async def live_translate(
        self, action: JSONObject, *, status_url: str | None = None, **kwargs: Any
    ) -> JSONObject:
        """Start, stop, summarize or inject live translation (``calling.live_translate``)."""
        params = drop_none({"action": action, "status_url": status_url})
        params.update(kwargs)
        return await self._command("calling.live_translate", params)

    async def user_event(self, *, event: Any | None = None, **kwargs: Any) -> JSONObject:
        """Send a custom event (``calling.user_event``)."""
        params = drop_none({"event": event})
        params.update(kwargs)
        return await self._command("calling.user_event", params)


def call_gone_event(call: Call) -> RelayEvent:
    """The event an action completes with when the platform says its call is gone."""
    from signalwire.relay.event import RelayEvent

    return call._ended_event or RelayEvent(
        event_type=c.EVENT_CALL_STATE,
        params={"call_id": call.call_id, "call_state": c.CALL_STATE_ENDED},
        call_id=call.call_id,
    )
