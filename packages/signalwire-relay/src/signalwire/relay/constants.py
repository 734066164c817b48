"""Wire names and well-known values of the RELAY protocol.

Plain strings, so user code can compare event fields with them
(``event.call_state == CALL_STATE_ANSWERED``). States and end reasons are
open sets: the platform may add values, so never treat these lists as closed.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AGENT_STRING",
    "CALL_STATES",
    "CALL_STATE_ANSWERED",
    "CALL_STATE_CREATED",
    "CALL_STATE_ENDED",
    "CALL_STATE_ENDING",
    "CALL_STATE_RINGING",
    "CONNECT_STATE_CONNECTED",
    "CONNECT_STATE_CONNECTING",
    "CONNECT_STATE_DISCONNECTED",
    "CONNECT_STATE_FAILED",
    "DEFAULT_RELAY_HOST",
    "DETECT_TYPE_DIGIT",
    "DETECT_TYPE_FAX",
    "DETECT_TYPE_MACHINE",
    "END_REASON_ABANDONED",
    "END_REASON_BUSY",
    "END_REASON_CANCEL",
    "END_REASON_DECLINE",
    "END_REASON_ERROR",
    "END_REASON_HANGUP",
    "END_REASON_MAX_DURATION",
    "END_REASON_NOT_FOUND",
    "END_REASON_NO_ANSWER",
    "EVENT_AUTHORIZATION_STATE",
    "EVENT_CALLING_ERROR",
    "EVENT_CALL_AI",
    "EVENT_CALL_COLLECT",
    "EVENT_CALL_CONNECT",
    "EVENT_CALL_DENOISE",
    "EVENT_CALL_DETECT",
    "EVENT_CALL_DIAL",
    "EVENT_CALL_ECHO",
    "EVENT_CALL_FAX",
    "EVENT_CALL_HOLD",
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
    "MESSAGE_TERMINAL_STATES",
    "METHOD_SIGNALWIRE_CONNECT",
    "METHOD_SIGNALWIRE_DISCONNECT",
    "METHOD_SIGNALWIRE_EVENT",
    "METHOD_SIGNALWIRE_PING",
    "METHOD_SIGNALWIRE_RECEIVE",
    "METHOD_SIGNALWIRE_UNRECEIVE",
    "PLAY_STATE_ERROR",
    "PLAY_STATE_FINISHED",
    "PLAY_STATE_PAUSED",
    "PLAY_STATE_PLAYING",
    "PROTOCOL_VERSION",
    "RECONNECT_BACKOFF_FACTOR",
    "RECONNECT_MAX_DELAY",
    "RECONNECT_MIN_DELAY",
    "RECORD_STATE_FINISHED",
    "RECORD_STATE_NO_INPUT",
    "RECORD_STATE_PAUSED",
    "RECORD_STATE_RECORDING",
    "ROOM_STATE_JOIN",
    "ROOM_STATE_JOINING",
    "ROOM_STATE_LEAVE",
    "ROOM_STATE_LEAVING",
]

DEFAULT_RELAY_HOST: Final = "relay.signalwire.com"
"""Host used when neither ``host`` nor ``SIGNALWIRE_SPACE`` is given."""

AGENT_STRING: Final = "signalwire-relay-python/0.1"
"""Free-form client identification sent as ``agent`` in ``signalwire.connect``."""

PROTOCOL_VERSION: Final = {"major": 2, "minor": 0, "revision": 0}
"""Protocol version sent in ``signalwire.connect``."""

RECONNECT_MIN_DELAY: Final = 1.0
"""First reconnect back-off step, in seconds."""
RECONNECT_MAX_DELAY: Final = 30.0
"""Cap of the reconnect back-off, in seconds."""
RECONNECT_BACKOFF_FACTOR: Final = 2.0
"""Growth factor of the reconnect back-off between failed attempts."""

METHOD_SIGNALWIRE_CONNECT: Final = "signalwire.connect"
"""Handshake request, the first frame of every connection."""
METHOD_SIGNALWIRE_DISCONNECT: Final = "signalwire.disconnect"
"""Server request announcing it will close the socket (``restart`` tells whether to resume)."""
METHOD_SIGNALWIRE_EVENT: Final = "signalwire.event"
"""Server request carrying one event; the client acks each one."""
METHOD_SIGNALWIRE_PING: Final = "signalwire.ping"
"""Keep-alive request, sent by both sides."""
METHOD_SIGNALWIRE_RECEIVE: Final = "signalwire.receive"
"""Subscribe the session to more contexts."""
METHOD_SIGNALWIRE_UNRECEIVE: Final = "signalwire.unreceive"
"""Unsubscribe the session from contexts."""

CALL_STATE_CREATED: Final = "created"
"""Call state: the leg exists."""
CALL_STATE_RINGING: Final = "ringing"
"""Call state: the far end is ringing."""
CALL_STATE_ANSWERED: Final = "answered"
"""Call state: media flows."""
CALL_STATE_ENDING: Final = "ending"
"""Call state: hangup in progress."""
CALL_STATE_ENDED: Final = "ended"
"""Call state: terminal; commands on the call now fail with 404/410."""
CALL_STATES: Final = (
    CALL_STATE_CREATED,
    CALL_STATE_RINGING,
    CALL_STATE_ANSWERED,
    CALL_STATE_ENDING,
    CALL_STATE_ENDED,
)
"""Call states in lifecycle order."""

END_REASON_HANGUP: Final = "hangup"
"""End reason: normal hangup."""
END_REASON_CANCEL: Final = "cancel"
"""End reason: cancelled before answer (e.g. a losing dial leg)."""
END_REASON_BUSY: Final = "busy"
"""End reason: busy."""
END_REASON_NO_ANSWER: Final = "noAnswer"
"""End reason: nobody answered."""
END_REASON_DECLINE: Final = "decline"
"""End reason: the far end declined."""
END_REASON_ERROR: Final = "error"
"""End reason: an error ended the call."""
END_REASON_ABANDONED: Final = "abandoned"
"""End reason: the caller hung up first."""
END_REASON_MAX_DURATION: Final = "max_duration"
"""End reason: the call reached its maximum duration."""
END_REASON_NOT_FOUND: Final = "not_found"
"""End reason: the destination does not exist."""

CONNECT_STATE_CONNECTING: Final = "connecting"
"""Connect state: bridging in progress."""
CONNECT_STATE_CONNECTED: Final = "connected"
"""Connect state: bridged to a peer."""
CONNECT_STATE_DISCONNECTED: Final = "disconnected"
"""Connect state: the bridge ended."""
CONNECT_STATE_FAILED: Final = "failed"
"""Connect state: no peer answered."""

PLAY_STATE_PLAYING: Final = "playing"
"""Play state: media is playing."""
PLAY_STATE_PAUSED: Final = "paused"
"""Play state: paused."""
PLAY_STATE_FINISHED: Final = "finished"
"""Play state: terminal, done."""
PLAY_STATE_ERROR: Final = "error"
"""Play state: terminal, failed."""

RECORD_STATE_RECORDING: Final = "recording"
"""Record state: recording."""
RECORD_STATE_PAUSED: Final = "paused"
"""Record state: paused."""
RECORD_STATE_FINISHED: Final = "finished"
"""Record state: terminal; ``url``, ``duration`` and ``size`` are set."""
RECORD_STATE_NO_INPUT: Final = "no_input"
"""Record state: terminal, nothing was heard."""

DETECT_TYPE_MACHINE: Final = "machine"
"""Detector type: answering machine detection."""
DETECT_TYPE_FAX: Final = "fax"
"""Detector type: fax tones."""
DETECT_TYPE_DIGIT: Final = "digit"
"""Detector type: DTMF digits."""

ROOM_STATE_JOINING: Final = "joining"
"""Room state: joining."""
ROOM_STATE_JOIN: Final = "join"
"""Room state: joined."""
ROOM_STATE_LEAVING: Final = "leaving"
"""Room state: leaving."""
ROOM_STATE_LEAVE: Final = "leave"
"""Room state: left."""

MESSAGE_STATE_QUEUED: Final = "queued"
"""Message state: accepted by the platform."""
MESSAGE_STATE_INITIATED: Final = "initiated"
"""Message state: handed to the carrier."""
MESSAGE_STATE_SENT: Final = "sent"
"""Message state: sent by the carrier."""
MESSAGE_STATE_DELIVERED: Final = "delivered"
"""Message state: terminal, delivered."""
MESSAGE_STATE_UNDELIVERED: Final = "undelivered"
"""Message state: terminal, the carrier could not deliver it."""
MESSAGE_STATE_FAILED: Final = "failed"
"""Message state: terminal, sending failed."""
MESSAGE_STATE_RECEIVED: Final = "received"
"""Message state of an inbound message."""
MESSAGE_TERMINAL_STATES: Final = (
    MESSAGE_STATE_DELIVERED,
    MESSAGE_STATE_UNDELIVERED,
    MESSAGE_STATE_FAILED,
)
"""States after which a message changes no more."""

EVENT_CALL_RECEIVE: Final = "calling.call.receive"
"""A new inbound call on a subscribed context."""
EVENT_CALL_STATE: Final = "calling.call.state"
"""A call changed state."""
EVENT_CALL_DIAL: Final = "calling.call.dial"
"""Progress of ``calling.dial`` (keyed by tag)."""
EVENT_CALL_CONNECT: Final = "calling.call.connect"
"""Progress of ``calling.connect``."""
EVENT_CALL_PLAY: Final = "calling.call.play"
"""Progress of a play."""
EVENT_CALL_RECORD: Final = "calling.call.record"
"""Progress of a recording."""
EVENT_CALL_COLLECT: Final = "calling.call.collect"
"""Input collected (digits or speech)."""
EVENT_CALL_DETECT: Final = "calling.call.detect"
"""Detector result."""
EVENT_CALL_FAX: Final = "calling.call.fax"
"""Fax progress (``fax.type`` page, finished or error)."""
EVENT_CALL_TAP: Final = "calling.call.tap"
"""Media tap progress."""
EVENT_CALL_STREAM: Final = "calling.call.stream"
"""Media stream progress."""
EVENT_CALL_SEND_DIGITS: Final = "calling.call.send_digits"
"""DTMF sending finished."""
EVENT_CALL_REFER: Final = "calling.call.refer"
"""SIP REFER progress."""
EVENT_CALL_DENOISE: Final = "calling.call.denoise"
"""Noise reduction toggled."""
EVENT_CALL_PAY: Final = "calling.call.pay"
"""Payment progress."""
EVENT_CALL_QUEUE: Final = "calling.call.queue"
"""Queue progress."""
EVENT_CALL_ECHO: Final = "calling.call.echo"
"""Echo test progress."""
EVENT_CALL_TRANSCRIBE: Final = "calling.call.transcribe"
"""Transcription progress."""
EVENT_CALL_HOLD: Final = "calling.call.hold"
"""Hold state changed."""
EVENT_CALL_AI: Final = "calling.call.ai"
"""AI agent progress (not known to be sent by the platform; accepted if it is)."""
EVENT_CONFERENCE: Final = "calling.conference"
"""Conference progress."""
EVENT_CALLING_ERROR: Final = "calling.error"
"""An error report from the calling service."""
EVENT_MESSAGING_RECEIVE: Final = "messaging.receive"
"""An inbound SMS/MMS on a subscribed context."""
EVENT_MESSAGING_STATE: Final = "messaging.state"
"""An outbound message changed state."""
EVENT_AUTHORIZATION_STATE: Final = "signalwire.authorization.state"
"""Opaque re-authorization blob to send back on reconnect."""
