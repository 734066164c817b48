"""Enumerations of platform values that callers pass around by name."""

from __future__ import annotations

from enum import Enum

__all__ = ["PhoneCallHandler"]


class PhoneCallHandler(str, Enum):
    """Values of a phone number's ``call_handler``: what answers its calls.

    A ``str`` subclass, so members go on the wire as their values. The "SWML
    webhook" handler is ``relay_script`` and the "cXML webhook" one is
    ``laml_webhooks``.
    """

    RELAY_CONTEXT = "relay_context"
    RELAY_TOPIC = "relay_topic"
    RELAY_SCRIPT = "relay_script"
    RELAY_APPLICATION = "relay_application"
    RELAY_CONNECTOR = "relay_connector"
    RELAY_SIP_ENDPOINT = "relay_sip_endpoint"
    RELAY_VERTO_ENDPOINT = "relay_verto_endpoint"
    LAML_WEBHOOKS = "laml_webhooks"
    LAML_APPLICATION = "laml_application"
    DIALOGFLOW = "dialogflow"
    VIDEO_ROOM = "video_room"
    AI_AGENT = "ai_agent"
    CALL_FLOW = "call_flow"

    def __str__(self) -> str:
        return self.value
