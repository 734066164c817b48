"""Typed RELAY events: attrs models structured from ``signalwire.event`` payloads.

:func:`parse_event` takes the outer ``params`` of a ``signalwire.event``
request (``{"event_type": ..., "timestamp": ..., "params": {...}}``) and
returns the model registered for its ``event_type``. An unknown type, or a
payload that does not fit its model, becomes a plain :class:`RelayEvent`
(never dropped). Every model keeps the raw inner payload in ``params``.

The cattrs converter is built on first use, not at import.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from signalwire.relay import constants as c

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "CallReceiveEvent",
    "CallStateEvent",
    "CallingErrorEvent",
    "CollectEvent",
    "ConferenceEvent",
    "ConnectEvent",
    "DenoiseEvent",
    "DetectEvent",
    "DialEvent",
    "EchoEvent",
    "FaxEvent",
    "HoldEvent",
    "MessageReceiveEvent",
    "MessageStateEvent",
    "PayEvent",
    "PlayEvent",
    "QueueEvent",
    "RecordEvent",
    "ReferEvent",
    "RelayEvent",
    "SendDigitsEvent",
    "StreamEvent",
    "TapEvent",
    "TranscribeEvent",
    "parse_event",
]

logger = logging.getLogger("signalwire.relay.event")

JSONObject = dict[str, Any]
E = TypeVar("E", bound="RelayEvent")


@attrs.define(kw_only=True, slots=True)
class RelayEvent:
    """Any event from the platform; the base of every typed event.

    Also what unknown event types arrive as, so handlers always see them.
    """

    event_type: str = ""
    """The wire event type, e.g. ``"calling.call.play"``."""
    params: JSONObject = attrs.field(factory=dict, repr=False)
    """The raw inner payload, exactly as received."""
    call_id: str = ""
    """The call this event belongs to (empty for non-call events)."""
    timestamp: float = 0.0
    """Platform time of the event (epoch seconds), from the envelope."""

    @classmethod
    def from_payload(cls: type[E], payload: Mapping[str, Any]) -> E:
        """Structure an event envelope (outer ``params``) into this class.

        On the base class this picks the model registered for the event type,
        like :func:`parse_event`.
        """
        if cls is RelayEvent:
            return parse_event(payload)  # type: ignore[return-value]
        return _structure(cls, payload)


@attrs.define(kw_only=True, slots=True)
class CallStateEvent(RelayEvent):
    """``calling.call.state``: a call moved through its lifecycle."""

    call_state: str = ""
    """created, ringing, answered, ending or ended."""
    end_reason: str = ""
    """Why the call ended (only on ``ended``)."""
    direction: str = ""
    """inbound or outbound."""
    device: JSONObject = attrs.field(factory=dict)
    """The call's device (``{"type": "phone", "params": {...}}``)."""
    node_id: str = ""
    """Node handling the call."""
    tag: str = ""
    """Dial tag, for legs created by ``calling.dial``."""
    peer: JSONObject = attrs.field(factory=dict)
    """The originating call of a leg created by ``connect``."""


@attrs.define(kw_only=True, slots=True)
class CallReceiveEvent(RelayEvent):
    """``calling.call.receive``: a new inbound call on a subscribed context."""

    call_state: str = ""
    """Usually ``created``."""
    direction: str = ""
    """Always ``inbound``."""
    device: JSONObject = attrs.field(factory=dict)
    """The caller's device."""
    node_id: str = ""
    """Node handling the call."""
    project_id: str = ""
    """Project the call belongs to."""
    context: str = ""
    """The context the call arrived on."""
    segment_id: str = ""
    """Segment id of this call leg."""
    tag: str = ""
    """Tag, when the platform sets one."""


@attrs.define(kw_only=True, slots=True)
class PlayEvent(RelayEvent):
    """``calling.call.play``: playing, paused, finished or error."""

    control_id: str = ""
    """The play's control id."""
    state: str = ""
    """playing, paused, finished or error."""


@attrs.define(kw_only=True, slots=True)
class RecordEvent(RelayEvent):
    """``calling.call.record``: recording, paused, finished or no_input.

    ``url``, ``duration`` and ``size`` come from the top level of the payload
    (where the platform puts them), else from ``record``.
    """

    control_id: str = ""
    """The recording's control id."""
    state: str = ""
    """recording, paused, finished or no_input."""
    url: str = ""
    """Where the recording can be fetched (on finished)."""
    duration: float = 0.0
    """Length in seconds."""
    size: int = 0
    """Size in bytes."""
    record: JSONObject = attrs.field(factory=dict)
    """The recording configuration, echoed by the platform."""

    def __attrs_post_init__(self) -> None:
        rec = self.record.get("audio", self.record) if self.record else None
        if isinstance(rec, dict) and not self.url:
            self.url = _as_str(rec.get("url") or self.record.get("url"))
            self.duration = self.duration or _as_float(rec.get("duration"))
            self.size = self.size or _as_int(rec.get("size"))


@attrs.define(kw_only=True, slots=True)
class CollectEvent(RelayEvent):
    """``calling.call.collect``: the outcome (or a partial result) of input collection."""

    control_id: str = ""
    """The collect's control id."""
    state: str = ""
    """collecting, finished or error (newer platforms only)."""
    result: JSONObject = attrs.field(factory=dict)
    """``{"type": "digit"|"speech"|"no_input"|..., "params": {...}}``."""
    final: bool | None = None
    """False for partial results."""


@attrs.define(kw_only=True, slots=True)
class ConnectEvent(RelayEvent):
    """``calling.call.connect``: connecting, connected, failed or disconnected."""

    connect_state: str = ""
    """connecting, connected, failed or disconnected."""
    peer: JSONObject = attrs.field(factory=dict)
    """The other leg (``call_id``, ``node_id``, ``tag``, ``device``)."""


@attrs.define(kw_only=True, slots=True)
class DetectEvent(RelayEvent):
    """``calling.call.detect``: a detector result in ``detect.params.event``."""

    control_id: str = ""
    """The detector's control id."""
    detect: JSONObject = attrs.field(factory=dict)
    """``{"type": "machine"|"fax"|"digit", "params": {"event": ...}}``."""


@attrs.define(kw_only=True, slots=True)
class FaxEvent(RelayEvent):
    """``calling.call.fax``: fax progress; ``fax.type`` is page, finished or error."""

    control_id: str = ""
    """The fax's control id."""
    fax: JSONObject = attrs.field(factory=dict)
    """``{"type": ..., "params": {"success": ..., "pages": ...}}``."""


@attrs.define(kw_only=True, slots=True)
class TapEvent(RelayEvent):
    """``calling.call.tap``: tapping or finished."""

    control_id: str = ""
    """The tap's control id."""
    state: str = ""
    """tapping or finished."""
    tap: JSONObject = attrs.field(factory=dict)
    """The tap configuration."""
    device: JSONObject = attrs.field(factory=dict)
    """Where the media goes."""


@attrs.define(kw_only=True, slots=True)
class StreamEvent(RelayEvent):
    """``calling.call.stream``: streaming or finished."""

    control_id: str = ""
    """The stream's control id."""
    state: str = ""
    """streaming or finished."""
    url: str = ""
    """The stream's destination."""
    name: str = ""
    """The stream's name."""


@attrs.define(kw_only=True, slots=True)
class SendDigitsEvent(RelayEvent):
    """``calling.call.send_digits``: the digits were sent."""

    control_id: str = ""
    """The operation's control id."""
    state: str = ""
    """finished."""


@attrs.define(kw_only=True, slots=True)
class DialEvent(RelayEvent):
    """``calling.call.dial``: dialing, answered or failed, keyed by ``tag``."""

    tag: str = ""
    """The dial tag."""
    dial_state: str = ""
    """dialing, answered or failed."""
    call: JSONObject = attrs.field(factory=dict)
    """The winning leg (on answered)."""
    node_id: str = ""
    """Node handling the dial."""
    reason: str = ""
    """Why the dial failed."""


@attrs.define(kw_only=True, slots=True)
class ReferEvent(RelayEvent):
    """``calling.call.refer``: SIP REFER progress."""

    state: str = ""
    """REFER state."""
    sip_refer_to: str = ""
    """The Refer-To target."""
    sip_refer_response_code: str = ""
    """SIP response to the REFER."""
    sip_notify_response_code: str = ""
    """SIP code reported by NOTIFY."""


@attrs.define(kw_only=True, slots=True)
class DenoiseEvent(RelayEvent):
    """``calling.call.denoise``: noise reduction on or off."""

    denoised: bool = False
    """True while noise reduction is on."""


@attrs.define(kw_only=True, slots=True)
class PayEvent(RelayEvent):
    """``calling.call.pay``: payment progress."""

    control_id: str = ""
    """The payment's control id."""
    state: str = ""
    """finished or error (others possible)."""


@attrs.define(kw_only=True, slots=True)
class QueueEvent(RelayEvent):
    """``calling.call.queue``: queue progress (``id``/``name`` on the wire)."""

    control_id: str = ""
    """The queue operation's control id."""
    status: str = ""
    """Queue status."""
    queue_id: str = ""
    """Queue id (wire ``id``)."""
    queue_name: str = ""
    """Queue name (wire ``name``)."""
    position: int = 0
    """Position in the queue."""
    size: int = 0
    """Queue size."""


@attrs.define(kw_only=True, slots=True)
class EchoEvent(RelayEvent):
    """``calling.call.echo``."""

    state: str = ""
    """Echo state."""


@attrs.define(kw_only=True, slots=True)
class TranscribeEvent(RelayEvent):
    """``calling.call.transcribe``: transcribing or finished."""

    control_id: str = ""
    """The transcription's control id."""
    state: str = ""
    """transcribing or finished."""
    url: str = ""
    """Recording URL."""
    recording_id: str = ""
    """Recording id."""
    duration: float = 0.0
    """Length in seconds."""
    size: int = 0
    """Size in bytes."""


@attrs.define(kw_only=True, slots=True)
class HoldEvent(RelayEvent):
    """``calling.call.hold``."""

    state: str = ""
    """Hold state."""


@attrs.define(kw_only=True, slots=True)
class ConferenceEvent(RelayEvent):
    """``calling.conference``."""

    conference_id: str = ""
    """Conference id."""
    name: str = ""
    """Conference name."""
    status: str = ""
    """Conference status."""


@attrs.define(kw_only=True, slots=True)
class CallingErrorEvent(RelayEvent):
    """``calling.error``: the calling service reports an error."""

    code: str = ""
    """Error code (a string on the wire)."""
    message: str = ""
    """Error text."""


@attrs.define(kw_only=True, slots=True)
class MessageReceiveEvent(RelayEvent):
    """``messaging.receive``: an inbound SMS/MMS."""

    message_id: str = ""
    """Message id."""
    context: str = ""
    """Context the message arrived on."""
    direction: str = ""
    """inbound."""
    from_number: str = ""
    """Sender."""
    to_number: str = ""
    """Recipient."""
    body: str = ""
    """Text."""
    media: list[str] = attrs.field(factory=list)
    """Media URLs (MMS)."""
    segments: int = 0
    """Number of SMS segments."""
    message_state: str = ""
    """received."""
    tags: list[str] = attrs.field(factory=list)
    """Tags."""


@attrs.define(kw_only=True, slots=True)
class MessageStateEvent(RelayEvent):
    """``messaging.state``: an outbound message changed state."""

    message_id: str = ""
    """Message id."""
    context: str = ""
    """Context the message was sent on."""
    direction: str = ""
    """outbound."""
    from_number: str = ""
    """Sender."""
    to_number: str = ""
    """Recipient."""
    body: str = ""
    """Text."""
    media: list[str] = attrs.field(factory=list)
    """Media URLs (MMS)."""
    segments: int = 0
    """Number of SMS segments."""
    message_state: str = ""
    """queued, initiated, sent, delivered, undelivered or failed."""
    reason: str = ""
    """Why delivery failed."""
    tags: list[str] = attrs.field(factory=list)
    """Tags."""


EVENT_CLASSES: dict[str, type[RelayEvent]] = {
    c.EVENT_CALL_STATE: CallStateEvent,
    c.EVENT_CALL_RECEIVE: CallReceiveEvent,
    c.EVENT_CALL_PLAY: PlayEvent,
    c.EVENT_CALL_RECORD: RecordEvent,
    c.EVENT_CALL_COLLECT: CollectEvent,
    c.EVENT_CALL_CONNECT: ConnectEvent,
    c.EVENT_CALL_DETECT: DetectEvent,
    c.EVENT_CALL_FAX: FaxEvent,
    c.EVENT_CALL_TAP: TapEvent,
    c.EVENT_CALL_STREAM: StreamEvent,
    c.EVENT_CALL_SEND_DIGITS: SendDigitsEvent,
    c.EVENT_CALL_DIAL: DialEvent,
    c.EVENT_CALL_REFER: ReferEvent,
    c.EVENT_CALL_DENOISE: DenoiseEvent,
    c.EVENT_CALL_PAY: PayEvent,
    c.EVENT_CALL_QUEUE: QueueEvent,
    c.EVENT_CALL_ECHO: EchoEvent,
    c.EVENT_CALL_TRANSCRIBE: TranscribeEvent,
    c.EVENT_CALL_HOLD: HoldEvent,
    c.EVENT_CONFERENCE: ConferenceEvent,
    c.EVENT_CALLING_ERROR: CallingErrorEvent,
    c.EVENT_MESSAGING_RECEIVE: MessageReceiveEvent,
    c.EVENT_MESSAGING_STATE: MessageStateEvent,
}
"""event_type -> model. Types not listed here arrive as :class:`RelayEvent`."""


# --- lenient primitive hooks: the platform is loose with types (codes as ints,
# nulls for absent values); a wrong type must not cost the whole event.


def _as_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    return "" if v is None else str(v)


def _as_float(v: Any) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def _as_int(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return 0


def _as_bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return bool(v)


def _as_opt_bool(v: Any) -> bool | None:
    return None if v is None else _as_bool(v)


def _as_dict(v: Any) -> JSONObject:
    return v if isinstance(v, dict) else {}


def _as_str_list(v: Any) -> list[str]:
    return [_as_str(x) for x in v] if isinstance(v, list) else []


_converter: cattrs.Converter | None = None
_hooks: dict[type[RelayEvent], Callable[[Any, Any], Any]] = {}


def _get_converter() -> cattrs.Converter:
    """Build the package's converter on first use (never at import)."""
    global _converter
    if _converter is None:
        from cattrs.gen import make_dict_structure_fn, override

        from signalwire.core import make_converter

        conv = make_converter(detailed_validation=False)
        # hot path: most values already have the right type, so test that inline first
        conv.register_structure_hook(str, lambda v, _: v if v.__class__ is str else _as_str(v))
        conv.register_structure_hook(float, lambda v, _: _as_float(v))
        conv.register_structure_hook(int, lambda v, _: _as_int(v))
        conv.register_structure_hook(bool, lambda v, _: _as_bool(v))
        conv.register_structure_hook(bool | None, lambda v, _: _as_opt_bool(v))
        conv.register_structure_hook_func(
            lambda t: t == JSONObject, lambda v, _: v if v.__class__ is dict else _as_dict(v)
        )
        conv.register_structure_hook_func(lambda t: t == list[str], lambda v, _: _as_str_list(v))
        # models are structured from the inner payload; the envelope fields are set after
        envelope: dict[str, Any] = {
            k: override(omit=True) for k in ("event_type", "params", "timestamp")
        }
        renames: dict[type[RelayEvent], dict[str, Any]] = {
            QueueEvent: {"queue_id": override(rename="id"), "queue_name": override(rename="name")}
        }

        def structure_fn(cls: type[RelayEvent]) -> Any:
            return make_dict_structure_fn(
                cls, conv, _cattrs_detailed_validation=False, **envelope, **renames.get(cls, {})
            )

        # Each model's function is generated the first time an event of that type
        # arrives (then cached by cattrs and by _hook): generating all of them up front
        # would cost a connecting client tens of milliseconds for types it may never see.
        conv.register_structure_hook_factory(
            lambda t: isinstance(t, type) and issubclass(t, RelayEvent), structure_fn
        )
        _converter = conv
    return _converter


def _hook(cls: type[RelayEvent]) -> Callable[[Any, Any], Any]:
    fn = _hooks.get(cls)
    if fn is None:
        fn = _hooks[cls] = _get_converter().get_structure_hook(cls)
    return fn


def _structure(cls: type[E], payload: Mapping[str, Any]) -> E:
    inner = payload.get("params")
    if not isinstance(inner, dict):
        inner = {}
    ts = payload.get("timestamp")
    if ts is None:  # some servers put it inside
        ts = inner.get("timestamp", 0.0)
    event: E = _hook(cls)(inner, cls)
    et = payload.get("event_type")
    event.event_type = et if et.__class__ is str else _as_str(et)
    event.params = inner
    event.timestamp = ts if ts.__class__ is float else _as_float(ts)
    return event


def parse_event(payload: Mapping[str, Any]) -> RelayEvent:
    """Turn an event envelope (the outer ``params`` of ``signalwire.event``) into a model.

    Unknown event types, and payloads whose fields cannot be read, become a
    plain :class:`RelayEvent` carrying the raw ``params``; nothing is dropped.
    """
    cls = EVENT_CLASSES.get(payload.get("event_type", ""), RelayEvent)
    try:
        return _structure(cls, payload)
    except Exception as exc:  # noqa: BLE001 - one bad event must not stop the stream
        if cls is not RelayEvent:
            logger.warning(
                "event %s does not fit %s (%s); delivering it as RelayEvent",
                payload.get("event_type"),
                cls.__name__,
                type(exc).__name__,
            )
        inner = payload.get("params")
        inner = inner if isinstance(inner, dict) else {}
        return RelayEvent(
            event_type=_as_str(payload.get("event_type")),
            params=inner,
            call_id=_as_str(inner.get("call_id")),
            timestamp=_as_float(payload.get("timestamp")),
        )
