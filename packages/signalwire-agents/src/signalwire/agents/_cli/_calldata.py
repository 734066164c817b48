"""Request bodies shaped like SignalWire's: the SWML fetch and the SWAIG function call."""

from __future__ import annotations

import json
import uuid
from typing import Any

__all__ = ["apply_override", "parse_value", "swaig_request", "swml_request"]


def swml_request(
    *,
    call_id: str | None = None,
    call_type: str = "webrtc",
    direction: str = "inbound",
    state: str = "created",
    from_number: str | None = None,
    to_extension: str | None = None,
    user_vars: dict[str, Any] | None = None,
    minimal: bool = False,
) -> dict[str, Any]:
    """The body SignalWire POSTs to an agent's route when a call arrives."""
    call_id = call_id or str(uuid.uuid4())
    if minimal:
        return {"call": {"call_id": call_id}}
    sip = call_type == "sip"
    caller = from_number or ("+15555550100" if sip else "user@example.com")
    callee = to_extension or ("+15555550199" if sip else "agent")
    return {
        "call": {
            "call_id": call_id,
            "node_id": f"node-{call_id[:8]}",
            "segment_id": str(uuid.uuid4()),
            "call_session_id": str(uuid.uuid4()),
            "tag": str(uuid.uuid4()),
            "state": state,
            "direction": direction,
            "type": "sip" if sip else "webrtc",
            "from": caller,
            "to": callee,
            "from_number": caller,
            "to_number": callee,
            "headers": [],
            "project_id": "00000000-0000-4000-8000-000000000001",
            "space_id": "00000000-0000-4000-8000-000000000002",
        },
        "vars": {"userVariables": dict(user_vars or {})},
        "params": {},
        "envs": {},
    }


def swaig_request(
    function: str,
    args: dict[str, Any],
    *,
    call_id: str,
    swml: dict[str, Any],
    global_data: dict[str, Any] | None = None,
    minimal: bool = False,
) -> dict[str, Any]:
    """The body SignalWire POSTs to ``/swaig/`` when the AI calls ``function``."""
    raw = json.dumps(args)
    body: dict[str, Any] = {
        "function": function,
        "argument": {"parsed": [args], "raw": raw, "substituted": raw},
        "call_id": call_id,
    }
    if minimal:
        return body
    call = swml.get("call") if isinstance(swml.get("call"), dict) else {}
    return {
        "version": "2.0",
        "content_type": "text/swaig",
        "content_disposition": "SWAIG Function",
        **body,
        "argument_desc": {"type": "object", "properties": {}},
        "purpose": f"swaig-test call of {function}",
        "ai_session_id": str(uuid.uuid4()),
        "conversation_id": call_id,
        "app_name": "swaig-test",
        "caller_id_name": "swaig-test",
        "caller_id_num": (call or {}).get("from", "+15555550100"),
        "project_id": (call or {}).get("project_id", ""),
        "space_id": (call or {}).get("space_id", ""),
        "global_data": dict(global_data or {}),
        "meta_data": {},
        "channel_active": True,
        "channel_offhook": True,
        "channel_ready": True,
    }


def parse_value(text: str) -> Any:
    """JSON when ``text`` is JSON (numbers, true, objects, ...), else the string itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def apply_override(body: dict[str, Any], assignment: str, *, json_only: bool = False) -> None:
    """Apply ``a.b.c=value`` to ``body`` (value parsed as JSON when it is JSON).

    ``json_only`` (``--override-json``) requires the value to be JSON.
    """
    flag = "--override-json" if json_only else "--override"
    path, sep, value = assignment.partition("=")
    if not sep or not path or any(not key for key in path.split(".")):
        raise ValueError(f"{flag} needs PATH=VALUE with a dotted PATH (got {assignment!r})")
    if json_only:
        try:
            json.loads(value)
        except ValueError as exc:
            raise ValueError(f"{flag} {path}: the value is not valid JSON ({exc})") from None
    keys = path.split(".")
    node = body
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[keys[-1]] = parse_value(value)
