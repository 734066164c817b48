"""Helpers for the agents tests: platform-shaped request bodies and an ASGI client."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

CREDS = ("signalwire", "s3cret")


def basic(user: str = CREDS[0], password: str = CREDS[1]) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def swml_fetch_body(call_id: str = "b1c2d3e4-0000-4000-8000-000000000001") -> dict[str, Any]:
    """The body SignalWire POSTs to fetch SWML when a call arrives."""
    return {
        "call": {
            "call_id": call_id,
            "node_id": "node-1",
            "segment_id": "seg-1",
            "call_session_id": "sess-1",
            "tag": "t",
            "state": "created",
            "direction": "inbound",
            "type": "phone",
            "from": "+15551230000",
            "to": "+15557650000",
            "headers": [],
            "project_id": "p-1",
            "space_id": "s-1",
        },
        "vars": {"userVariables": {}},
        "params": {},
        "envs": {},
    }


def swaig_body(function: str, args: dict[str, Any], call_id: str = "call-1") -> dict[str, Any]:
    """The body SignalWire POSTs to ``/swaig/`` when the AI calls a tool."""
    return {
        "version": "2.0",
        "content_type": "text/swaig",
        "content_disposition": "SWAIG Function",
        "function": function,
        "argument": {"parsed": [args], "raw": json.dumps(args), "substituted": ""},
        "argument_desc": {"type": "object", "properties": {}},
        "purpose": "test",
        "description": "test",
        "call_id": call_id,
        "ai_session_id": "ai-1",
        "conversation_id": "conv-1",
        "app_name": "test",
        "caller_id_name": "Caller",
        "caller_id_num": "+15551230000",
        "project_id": "p-1",
        "space_id": "s-1",
        "global_data": {},
        "meta_data": {},
        "channel_active": True,
        "channel_offhook": True,
        "channel_ready": True,
    }


def post_prompt_body(call_id: str = "call-1", parsed: Any = None, raw: str = "") -> dict[str, Any]:
    """The body SignalWire POSTs to ``/post_prompt/`` when the call ends."""
    return {
        "content_type": "text/json",
        "content_disposition": "agent.summary",
        "action": "post_conversation",
        "call_id": call_id,
        "ai_session_id": "ai-1",
        "conversation_id": "conv-1",
        "app_name": "test",
        "post_prompt_data": {
            "raw": raw,
            "parsed": [parsed] if parsed is not None else [],
            "substituted": raw,
        },
        "global_data": {},
        "call_log": [],
    }


def client_for(app: Any, base_url: str = "http://agent.test") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)


def token_from(url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)["__token"][0]


def ai_of(doc: dict[str, Any]) -> dict[str, Any]:
    for verb in doc["sections"]["main"]:
        if "ai" in verb:
            return verb["ai"]  # type: ignore[no-any-return]
    raise AssertionError("no ai verb")
