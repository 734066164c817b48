"""Where each spec operation lives on the client: ``client.<accessor>.<method>``.

Names follow the documented signalwire-sdk 3.7.5 surface (and the vendor's
``client.compat`` reference pages); operations that SDK never reached get
names in the same style. A resource is found by the longest matching path
prefix; the method name comes from the rest of the path by a few rules, and
:data:`OVERRIDES` names the irregular ones. An operation the rules cannot name
stops the generator, so a spec update never silently drops an operation.
"""

from __future__ import annotations

import re

from signalwire_devtools.codegen.rest.spec import COMPAT_PREFIX, Operation, snake

_C = COMPAT_PREFIX + "/Accounts/{AccountSid}"

#: Path prefix -> accessor (dotted attribute path from the client).
RESOURCES: dict[str, str] = {
    "/api/ai/chat": "ai",
    "/api/chat/tokens": "chat",
    "/api/pubsub/tokens": "pubsub",
    "/api/datasphere/documents": "datasphere.documents",
    "/api/fabric/addresses": "fabric.addresses",
    "/api/fabric/embeds/tokens": "fabric.tokens",
    "/api/fabric/guests/tokens": "fabric.tokens",
    "/api/fabric/subscriber/invites": "fabric.tokens",
    "/api/fabric/subscribers/tokens": "fabric.tokens",
    "/api/fabric/resources": "fabric.resources",
    "/api/fabric/resources/ai_agents": "fabric.ai_agents",
    "/api/fabric/resources/call_flows": "fabric.call_flows",
    "/api/fabric/resources/call_flow": "fabric.call_flows",
    "/api/fabric/resources/conference_rooms": "fabric.conference_rooms",
    "/api/fabric/resources/conference_room": "fabric.conference_rooms",
    "/api/fabric/resources/cxml_applications": "fabric.cxml_applications",
    "/api/fabric/resources/cxml_scripts": "fabric.cxml_scripts",
    "/api/fabric/resources/cxml_webhooks": "fabric.cxml_webhooks",
    "/api/fabric/resources/dialogflow_agents": "fabric.dialogflow_agents",
    "/api/fabric/resources/freeswitch_connectors": "fabric.freeswitch_connectors",
    "/api/fabric/resources/relay_applications": "fabric.relay_applications",
    "/api/fabric/resources/sip_endpoints": "fabric.sip_endpoints",
    "/api/fabric/resources/sip_gateways": "fabric.sip_gateways",
    "/api/fabric/resources/subscribers": "fabric.subscribers",
    "/api/fabric/resources/swml_scripts": "fabric.swml_scripts",
    "/api/fabric/resources/swml_webhooks": "fabric.swml_webhooks",
    "/api/fabric/sip_addresses": "fabric.sip_addresses",
    "/api/fax/logs": "logs.fax",
    "/api/logs/conferences": "logs.conferences",
    "/api/messaging/logs": "logs.messages",
    "/api/voice/logs": "logs.voice",
    "/api/messaging/messages": "messages",
    "/api/messaging/whatsapp/businesses": "whatsapp.businesses",
    "/api/messaging/whatsapp/numbers": "whatsapp.numbers",
    "/api/messaging/whatsapp/templates": "whatsapp.templates",
    "/api/project/tokens": "project.tokens",
    "/api/projects": "projects",
    "/api/relay/rest/addresses": "addresses",
    "/api/relay/rest/domain_applications": "domain_applications",
    "/api/relay/rest/endpoints/sip": "sip_endpoints",
    "/api/relay/rest/imported_phone_numbers": "imported_numbers",
    "/api/relay/rest/lookup": "lookup",
    "/api/relay/rest/mfa": "mfa",
    "/api/relay/rest/number_group_memberships": "number_groups",
    "/api/relay/rest/number_groups": "number_groups",
    "/api/relay/rest/phone_numbers": "phone_numbers",
    "/api/relay/rest/queues": "queues",
    "/api/relay/rest/recordings": "recordings",
    "/api/relay/rest/registry/beta/brands": "registry.brands",
    "/api/relay/rest/registry/beta/campaigns": "registry.campaigns",
    "/api/relay/rest/registry/beta/numbers": "registry.numbers",
    "/api/relay/rest/registry/beta/orders": "registry.orders",
    "/api/relay/rest/short_codes": "short_codes",
    "/api/relay/rest/sip_profile": "sip_profile",
    "/api/relay/rest/verified_caller_ids": "verified_callers",
    "/api/video/conference_tokens": "video.conference_tokens",
    "/api/video/conferences": "video.conferences",
    "/api/video/logs": "video.logs",
    "/api/video/room_recordings": "video.room_recordings",
    "/api/video/room_sessions": "video.room_sessions",
    "/api/video/room_tokens": "video.room_tokens",
    "/api/video/rooms": "video.rooms",
    "/api/video/streams": "video.streams",
    COMPAT_PREFIX + "/Accounts": "compat.accounts",
    _C + "/Applications": "compat.applications",
    _C + "/AvailablePhoneNumbers": "compat.phone_numbers",
    _C + "/Calls": "compat.calls",
    _C + "/Conferences": "compat.conferences",
    _C + "/Faxes": "compat.faxes",
    _C + "/ImportedPhoneNumbers": "compat.phone_numbers",
    _C + "/IncomingPhoneNumbers": "compat.phone_numbers",
    _C + "/LamlBins": "compat.laml_bins",
    _C + "/Messages": "compat.messages",
    _C + "/Queues": "compat.queues",
    _C + "/Recordings": "compat.recordings",
    _C + "/Transcriptions": "compat.transcriptions",
    _C + "/tokens": "compat.tokens",
}

#: "VERB path" -> method name, for everything the rules below get wrong.
OVERRIDES: dict[str, str] = {
    "POST /api/ai/chat": "chat",
    "POST /api/chat/tokens": "create_token",
    "POST /api/pubsub/tokens": "create_token",
    "POST /api/datasphere/documents/search": "search",
    "POST /api/fabric/embeds/tokens": "create_embed_token",
    "POST /api/fabric/guests/tokens": "create_guest_token",
    "POST /api/fabric/subscriber/invites": "create_invite_token",
    "POST /api/fabric/subscribers/tokens": "create_subscriber_token",
    "POST /api/fabric/subscribers/tokens/refresh": "refresh_subscriber_token",
    "GET /api/fabric/resources/call_flow/{id}/versions": "list_versions",
    "POST /api/fabric/resources/call_flow/{id}/versions": "deploy_version",
    "POST /api/fabric/resources/{id}/domain_applications": "assign_domain_application",
    "POST /api/fabric/resources/{id}/phone_routes": "assign_phone_route",
    "POST /api/fabric/resources/{id}/sip_endpoints": "assign_sip_endpoint",
    "POST /api/relay/rest/imported_phone_numbers": "create",
    "GET /api/relay/rest/lookup/phone_number/{e164_number}": "phone_number",
    "POST /api/relay/rest/mfa/call": "call",
    "POST /api/relay/rest/mfa/sms": "sms",
    "POST /api/relay/rest/mfa/{mfa_request_id}/verify": "verify",
    "GET /api/relay/rest/number_group_memberships/{id}": "get_membership",
    "DELETE /api/relay/rest/number_group_memberships/{id}": "delete_membership",
    "POST /api/relay/rest/number_groups/{NumberGroupId}/number_group_memberships": "add_membership",
    "GET /api/relay/rest/number_groups/{NumberGroupId}/number_group_memberships": (
        "list_memberships"
    ),
    "GET /api/relay/rest/phone_numbers/search": "search",
    "POST /api/relay/rest/phone_numbers/{id}/e911_address": "assign_e911_address",
    "DELETE /api/relay/rest/phone_numbers/{id}/e911_address": "remove_e911_address",
    "GET /api/relay/rest/queues/{queue_id}/members/next": "get_next_member",
    "GET /api/relay/rest/sip_profile": "get",
    "PUT /api/relay/rest/sip_profile": "update",
    "POST /api/relay/rest/verified_caller_ids/{id}/verification": "redial_verification",
    "PUT /api/relay/rest/verified_caller_ids/{id}/verification": "submit_verification",
    "GET /api/relay/rest/registry/beta/campaigns/{id}/numbers": "list_numbers",
    "POST /api/video/conference_tokens/{id}/reset": "reset",
    "GET /api/video/rooms/{name}": "get_by_name",
    "GET /api/voice/logs/{id}/events": "list_events",
    "POST /api/projects/{id}/signing-key/rotate": "rotate_signing_key",
    # compat
    f"GET {_C}/AvailablePhoneNumbers": "list_available_countries",
    f"GET {_C}/AvailablePhoneNumbers/{{IsoCountry}}": "get_available_country",
    f"GET {_C}/AvailablePhoneNumbers/{{IsoCountry}}/Local": "search_local",
    f"GET {_C}/AvailablePhoneNumbers/{{IsoCountry}}/TollFree": "search_toll_free",
    f"POST {_C}/ImportedPhoneNumbers": "import_number",
    f"POST {_C}/IncomingPhoneNumbers": "purchase",
    f"POST {_C}/Calls/{{CallSid}}/Recordings": "start_recording",
    f"POST {_C}/Calls/{{CallSid}}/Streams": "start_stream",
    f"POST {_C}/Calls/{{CallSid}}/Streams/{{Sid}}": "stop_stream",
    f"POST {_C}/Conferences/{{ConferenceSid}}/Streams": "start_stream",
    f"POST {_C}/Conferences/{{ConferenceSid}}/Streams/{{Sid}}": "stop_stream",
    f"DELETE {_C}/Conferences/{{ConferenceSid}}/Participants/{{CallSid}}": "remove_participant",
    f"POST {_C}/Queues/{{QueueSid}}/Members/{{CallSid}}": "dequeue_member",
}

_SINGULAR_EXCEPTIONS = {"media": "media", "addresses": "address", "media_list": "media"}


def _singular(word: str) -> str:
    if word in _SINGULAR_EXCEPTIONS:
        return _SINGULAR_EXCEPTIONS[word]
    return word[:-1] if word.endswith("s") else word


def resource_of(op: Operation) -> str:
    """The accessor of the longest resource prefix matching the operation's path."""
    best = ""
    for prefix in RESOURCES:
        if (op.path == prefix or op.path.startswith(prefix + "/")) and len(prefix) > len(best):
            best = prefix
    if not best:
        raise LookupError(f"no resource prefix for {op.key}: add one to naming.RESOURCES")
    return RESOURCES[best]


def _prefix_of(op: Operation) -> str:
    best = ""
    for prefix in RESOURCES:
        if (op.path == prefix or op.path.startswith(prefix + "/")) and len(prefix) > len(best):
            best = prefix
    return best


def method_of(op: Operation) -> str:
    """The method name of an operation within its resource."""
    if op.key in OVERRIDES:
        return OVERRIDES[op.key]
    rest = op.path[len(_prefix_of(op)) :]
    segs = [s for s in rest.split("/") if s]
    shape = ["{}" if re.fullmatch(r"{[^}]+}", s) else s for s in segs]
    verb = op.verb
    if not shape:
        return {"GET": "list", "POST": "create", "PUT": "update", "PATCH": "update"}[verb]
    if shape == ["{}"]:
        return {"GET": "get", "PUT": "update", "PATCH": "update", "POST": "update"}.get(
            verb, "delete"
        )
    if len(shape) == 2 and shape[0] == "{}":
        sub = snake(shape[1])
        if verb == "GET":
            return f"list_{sub}"
        if verb == "POST":
            return f"create_{_singular(sub)}"
    if len(shape) == 3 and shape[0] == "{}" and shape[2] == "{}":
        sub = _singular(snake(shape[1]))
        return {
            "GET": f"get_{sub}",
            "PUT": f"update_{sub}",
            "PATCH": f"update_{sub}",
            "POST": f"update_{sub}",
            "DELETE": f"delete_{sub}",
        }[verb]
    raise LookupError(f"cannot name {op.key}: add it to naming.OVERRIDES")
