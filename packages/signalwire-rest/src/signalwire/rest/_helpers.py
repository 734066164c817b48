"""Hand-written conveniences mixed into generated resources.

``client.phone_numbers.set_*`` each send one ``PUT /api/relay/rest/phone_numbers/{id}``
with a preset ``call_handler`` and the fields that handler reads.
``client.calling.rpc`` calls the JSON-RPC twin of the calling API; ``calling.update``
and ``calling.record`` are written here because they accept the documented spellings
(``call_id=``, ``audio=``) besides the spec's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from signalwire.rest._enums import PhoneCallHandler
from signalwire.rest._resource import _R, Resource, fields, seg

if TYPE_CHECKING:
    from signalwire.rest._options import RequestOptions

__all__ = ["CallingHelpers", "PhoneNumberHelpers"]

CALLING_RPC_PATH = "/api/calling/rpc"
CALLING_PATH = "/api/calling/calls"


class PhoneNumberHelpers(Resource[_R], accessor="phone_numbers"):
    """Routing shortcuts for ``client.phone_numbers``."""

    __slots__ = ()

    def _route(self, resource_id: str, handler: PhoneCallHandler, fields: dict[str, Any]) -> _R:
        body = {"call_handler": handler.value}
        body.update({k: v for k, v in fields.items() if v is not None})
        return self._t.call("PUT", f"/api/relay/rest/phone_numbers/{seg(resource_id)}", json=body)

    def set_swml_webhook(self, resource_id: str, url: str, **extra: Any) -> _R:
        """Answer calls with the SWML returned by ``url`` (handler ``relay_script``)."""
        fields = {"call_relay_script_url": url, **extra}
        return self._route(resource_id, PhoneCallHandler.RELAY_SCRIPT, fields)

    def set_cxml_webhook(
        self,
        resource_id: str,
        url: str,
        fallback_url: str | None = None,
        status_callback_url: str | None = None,
        **extra: Any,
    ) -> _R:
        """Answer calls with the cXML returned by ``url`` (handler ``laml_webhooks``)."""
        fields = {
            "call_request_url": url,
            "call_fallback_url": fallback_url,
            "call_status_callback_url": status_callback_url,
            **extra,
        }
        return self._route(resource_id, PhoneCallHandler.LAML_WEBHOOKS, fields)

    def set_cxml_application(self, resource_id: str, application_id: str, **extra: Any) -> _R:
        """Answer calls with a cXML application (handler ``laml_application``)."""
        fields = {"call_laml_application_id": application_id, **extra}
        return self._route(resource_id, PhoneCallHandler.LAML_APPLICATION, fields)

    def set_ai_agent(self, resource_id: str, agent_id: str, **extra: Any) -> _R:
        """Answer calls with an AI agent resource (handler ``ai_agent``)."""
        fields = {"call_ai_agent_id": agent_id, **extra}
        return self._route(resource_id, PhoneCallHandler.AI_AGENT, fields)

    def set_call_flow(
        self, resource_id: str, flow_id: str, version: str | None = None, **extra: Any
    ) -> _R:
        """Answer calls with a call flow (handler ``call_flow``); ``version`` is
        ``"working_copy"`` or ``"current_deployed"``."""
        fields = {"call_flow_id": flow_id, "call_flow_version": version, **extra}
        return self._route(resource_id, PhoneCallHandler.CALL_FLOW, fields)

    def set_relay_application(self, resource_id: str, name: str, **extra: Any) -> _R:
        """Send calls to a RELAY application (handler ``relay_application``)."""
        fields = {"call_relay_application": name, **extra}
        return self._route(resource_id, PhoneCallHandler.RELAY_APPLICATION, fields)

    def set_relay_topic(
        self,
        resource_id: str,
        topic: str,
        status_callback_url: str | None = None,
        **extra: Any,
    ) -> _R:
        """Send calls to RELAY clients subscribed to ``topic`` (handler ``relay_topic``)."""
        fields = {
            "call_relay_topic": topic,
            "call_relay_topic_status_callback_url": status_callback_url,
            **extra,
        }
        return self._route(resource_id, PhoneCallHandler.RELAY_TOPIC, fields)


class CallingHelpers(Resource[_R], accessor="calling"):
    """``client.calling.rpc``: the JSON-RPC form of the calling API."""

    __slots__ = ()

    def rpc(
        self, method: str, /, *, request_options: RequestOptions | None = None, **params: Any
    ) -> _R:
        """Call one method of ``POST /api/calling/rpc`` (``calling-commands.openrpc.yaml``).

        ``client.calling.rpc("calling.end", id=call_id, reason="hangup")`` sends
        ``{"jsonrpc": "2.0", "id": <uuid>, "method": "calling.end", "params": {...}}``
        and returns the call's ``result``. A JSON-RPC ``error`` raises
        :class:`SignalWireRestError` with the error object as ``body``. Params go by
        their wire names (``from``: pass ``**{"from": ...}``).
        """
        return self._t.rpc(CALLING_RPC_PATH, method, params, request_options)

    def update(
        self,
        call_id: str | None = None,
        *,
        id: str | None = None,
        url: str | None = None,
        swml: Mapping[str, Any] | None = None,
        status: str | None = None,
        fallback_url: str | None = None,
        status_url: str | None = None,
        extras: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **kwargs: Any,
    ) -> _R:
        """Update a call in progress: redirect it (``url`` or ``swml``) or end it
        (``status="canceled"`` / ``"completed"``).

        Sends ``{"command": "update", "params": {"id": call_id, ...}}`` to
        ``POST /api/calling/calls`` (no top-level id). The call is named by
        ``call_id`` (as the reference example writes it) or ``id=`` (the
        spec's name, and signalwire-sdk 3.7.5's keyword).
        """
        if call_id is None and id is None:
            raise TypeError("calling.update() needs call_id= (or id=)")
        if call_id is not None and id is not None and call_id != id:
            raise TypeError("calling.update() takes call_id= or id=, not two different ids")
        values = {
            "id": call_id if call_id is not None else id,
            "url": url,
            "swml": swml,
            "status": status,
            "fallback_url": fallback_url,
            "status_url": status_url,
        }
        body = {"command": "update", "params": fields(values, extras, kwargs)}
        return self._t.call("POST", CALLING_PATH, json=body, options=request_options)

    def record(
        self,
        call_id: str,
        *,
        control_id: str | None = None,
        record: Mapping[str, Any] | None = None,
        audio: Mapping[str, Any] | None = None,
        status_url: str | None = None,
        extras: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **kwargs: Any,
    ) -> _R:
        """Start recording a call (``calling.record``).

        ``record={"audio": {...}}`` is the spec's shape; ``audio={...}`` (the
        documented and signalwire-sdk 3.7.5 spelling) is sent the same way, as
        ``params.record.audio``. Without ``control_id`` the platform assigns one.
        """
        if record is None and audio is None:
            raise TypeError("calling.record() needs record= (or audio=)")
        if record is not None and audio is not None:
            raise TypeError("calling.record() takes record= or audio=, not both")
        values = {
            "control_id": control_id,
            "record": record if record is not None else {"audio": audio},
            "status_url": status_url,
        }
        params = fields(values, extras, kwargs)
        body = {"command": "calling.record", "id": call_id, "params": params}
        return self._t.call("POST", CALLING_PATH, json=body, options=request_options)
