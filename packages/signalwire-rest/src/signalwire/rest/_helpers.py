"""Hand-written conveniences mixed into generated resources.

``client.phone_numbers.set_*`` each send one ``PUT /api/relay/rest/phone_numbers/{id}``
with a preset ``call_handler`` and the fields that handler reads.
``client.calling.rpc`` calls the JSON-RPC twin of the calling API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from signalwire.rest._enums import PhoneCallHandler
from signalwire.rest._resource import _R, Resource, seg

if TYPE_CHECKING:
    from signalwire.rest._options import RequestOptions

__all__ = ["CallingHelpers", "PhoneNumberHelpers"]

CALLING_RPC_PATH = "/api/calling/rpc"


class PhoneNumberHelpers(Resource[_R]):
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


class CallingHelpers(Resource[_R]):
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
