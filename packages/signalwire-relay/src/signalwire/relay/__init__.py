"""signalwire.relay: real-time call and message control over SignalWire RELAY (asyncio).

::

    from signalwire.relay import RelayClient

    client = RelayClient(contexts=["office"])  # SIGNALWIRE_* env vars

    @client.on_call
    async def handle(call):
        await call.answer()
        action = await call.play_tts("Hello")
        await action.wait()
        await call.hangup()

    client.run()

Names are loaded on first access, so ``import signalwire.relay`` stays cheap.
"""

from __future__ import annotations

import sys

from signalwire.relay._version import __version__

# A ``signalwire`` module with a file is signalwire-sdk's package shadowing this namespace.
if getattr(sys.modules.get("signalwire"), "__file__", None):
    from signalwire.core._clash import clash_error

    raise clash_error("signalwire-relay")

# A plain flag (not typing.TYPE_CHECKING): importing typing here would cost time, and
# mypy treats any name TYPE_CHECKING as true. Deleted below so dir() shows only the API.
TYPE_CHECKING = False
if TYPE_CHECKING:
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
    from signalwire.relay._call import Call
    from signalwire.relay._client import ClientState, RelayClient
    from signalwire.relay._errors import (
        CallEndedError,
        RelayAuthError,
        RelayConnectionError,
        RelayError,
        RelayTimeoutError,
    )
    from signalwire.relay._message import Message
    from signalwire.relay.constants import (
        CALL_STATE_ANSWERED,
        CALL_STATE_CREATED,
        CALL_STATE_ENDED,
        CALL_STATE_ENDING,
        CALL_STATE_RINGING,
        CONNECT_STATE_CONNECTED,
        CONNECT_STATE_CONNECTING,
        CONNECT_STATE_DISCONNECTED,
        CONNECT_STATE_FAILED,
        EVENT_CALL_COLLECT,
        EVENT_CALL_CONNECT,
        EVENT_CALL_DENOISE,
        EVENT_CALL_DETECT,
        EVENT_CALL_DIAL,
        EVENT_CALL_ECHO,
        EVENT_CALL_FAX,
        EVENT_CALL_PAY,
        EVENT_CALL_PLAY,
        EVENT_CALL_QUEUE,
        EVENT_CALL_RECEIVE,
        EVENT_CALL_RECORD,
        EVENT_CALL_REFER,
        EVENT_CALL_SEND_DIGITS,
        EVENT_CALL_STATE,
        EVENT_CALL_STREAM,
        EVENT_CALL_TAP,
        EVENT_CALL_TRANSCRIBE,
        EVENT_CALLING_ERROR,
        EVENT_CONFERENCE,
        EVENT_MESSAGING_RECEIVE,
        EVENT_MESSAGING_STATE,
        MESSAGE_STATE_DELIVERED,
        MESSAGE_STATE_FAILED,
        MESSAGE_STATE_INITIATED,
        MESSAGE_STATE_QUEUED,
        MESSAGE_STATE_RECEIVED,
        MESSAGE_STATE_SENT,
        MESSAGE_STATE_UNDELIVERED,
    )
    from signalwire.relay.event import (
        CallingErrorEvent,
        CallReceiveEvent,
        CallStateEvent,
        CollectEvent,
        ConferenceEvent,
        ConnectEvent,
        DenoiseEvent,
        DetectEvent,
        DialEvent,
        EchoEvent,
        FaxEvent,
        HoldEvent,
        MessageReceiveEvent,
        MessageStateEvent,
        PayEvent,
        PlayEvent,
        QueueEvent,
        RecordEvent,
        ReferEvent,
        RelayEvent,
        SendDigitsEvent,
        StreamEvent,
        TapEvent,
        TranscribeEvent,
        parse_event,
    )

_LAZY = {
    "signalwire.relay._client": ("ClientState", "RelayClient"),
    "signalwire.relay._call": ("Call",),
    "signalwire.relay._message": ("Message",),
    "signalwire.relay._errors": (
        "CallEndedError",
        "RelayAuthError",
        "RelayConnectionError",
        "RelayError",
        "RelayTimeoutError",
    ),
    "signalwire.relay._action": (
        "AIAction",
        "Action",
        "CollectAction",
        "DetectAction",
        "FaxAction",
        "PayAction",
        "PlayAction",
        "RecordAction",
        "StandaloneCollectAction",
        "StreamAction",
        "TapAction",
        "TranscribeAction",
    ),
    "signalwire.relay.event": (
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
    ),
    "signalwire.relay.constants": (
        "CALL_STATE_ANSWERED",
        "CALL_STATE_CREATED",
        "CALL_STATE_ENDED",
        "CALL_STATE_ENDING",
        "CALL_STATE_RINGING",
        "CONNECT_STATE_CONNECTED",
        "CONNECT_STATE_CONNECTING",
        "CONNECT_STATE_DISCONNECTED",
        "CONNECT_STATE_FAILED",
        "EVENT_CALLING_ERROR",
        "EVENT_CALL_COLLECT",
        "EVENT_CALL_CONNECT",
        "EVENT_CALL_DENOISE",
        "EVENT_CALL_DETECT",
        "EVENT_CALL_DIAL",
        "EVENT_CALL_ECHO",
        "EVENT_CALL_FAX",
        "EVENT_CALL_PAY",
        "EVENT_CALL_PLAY",
        "EVENT_CALL_QUEUE",
        "EVENT_CALL_RECEIVE",
        "EVENT_CALL_RECORD",
        "EVENT_CALL_REFER",
        "EVENT_CALL_SEND_DIGITS",
        "EVENT_CALL_STATE",
        "EVENT_CALL_STREAM",
        "EVENT_CALL_TAP",
        "EVENT_CALL_TRANSCRIBE",
        "EVENT_CONFERENCE",
        "EVENT_MESSAGING_RECEIVE",
        "EVENT_MESSAGING_STATE",
        "MESSAGE_STATE_DELIVERED",
        "MESSAGE_STATE_FAILED",
        "MESSAGE_STATE_INITIATED",
        "MESSAGE_STATE_QUEUED",
        "MESSAGE_STATE_RECEIVED",
        "MESSAGE_STATE_SENT",
        "MESSAGE_STATE_UNDELIVERED",
    ),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "CALL_STATE_ANSWERED",
    "CALL_STATE_CREATED",
    "CALL_STATE_ENDED",
    "CALL_STATE_ENDING",
    "CALL_STATE_RINGING",
    "CONNECT_STATE_CONNECTED",
    "CONNECT_STATE_CONNECTING",
    "CONNECT_STATE_DISCONNECTED",
    "CONNECT_STATE_FAILED",
    "EVENT_CALLING_ERROR",
    "EVENT_CALL_COLLECT",
    "EVENT_CALL_CONNECT",
    "EVENT_CALL_DENOISE",
    "EVENT_CALL_DETECT",
    "EVENT_CALL_DIAL",
    "EVENT_CALL_ECHO",
    "EVENT_CALL_FAX",
    "EVENT_CALL_PAY",
    "EVENT_CALL_PLAY",
    "EVENT_CALL_QUEUE",
    "EVENT_CALL_RECEIVE",
    "EVENT_CALL_RECORD",
    "EVENT_CALL_REFER",
    "EVENT_CALL_SEND_DIGITS",
    "EVENT_CALL_STATE",
    "EVENT_CALL_STREAM",
    "EVENT_CALL_TAP",
    "EVENT_CALL_TRANSCRIBE",
    "EVENT_CONFERENCE",
    "EVENT_MESSAGING_RECEIVE",
    "EVENT_MESSAGING_STATE",
    "MESSAGE_STATE_DELIVERED",
    "MESSAGE_STATE_FAILED",
    "MESSAGE_STATE_INITIATED",
    "MESSAGE_STATE_QUEUED",
    "MESSAGE_STATE_RECEIVED",
    "MESSAGE_STATE_SENT",
    "MESSAGE_STATE_UNDELIVERED",
    "AIAction",
    "Action",
    "Call",
    "CallEndedError",
    "CallReceiveEvent",
    "CallStateEvent",
    "CallingErrorEvent",
    "ClientState",
    "CollectAction",
    "CollectEvent",
    "ConferenceEvent",
    "ConnectEvent",
    "DenoiseEvent",
    "DetectAction",
    "DetectEvent",
    "DialEvent",
    "EchoEvent",
    "FaxAction",
    "FaxEvent",
    "HoldEvent",
    "Message",
    "MessageReceiveEvent",
    "MessageStateEvent",
    "PayAction",
    "PayEvent",
    "PlayAction",
    "PlayEvent",
    "QueueEvent",
    "RecordAction",
    "RecordEvent",
    "ReferEvent",
    "RelayAuthError",
    "RelayClient",
    "RelayConnectionError",
    "RelayError",
    "RelayEvent",
    "RelayTimeoutError",
    "SendDigitsEvent",
    "StandaloneCollectAction",
    "StreamAction",
    "StreamEvent",
    "TapAction",
    "TapEvent",
    "TranscribeAction",
    "TranscribeEvent",
    "__version__",
    "parse_event",
]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'signalwire.relay' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


del TYPE_CHECKING, annotations
