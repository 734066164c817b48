"""Helpers for the skills tests: fetch an agent's SWML and call its tools as the platform does."""

from __future__ import annotations

from typing import Any

from agents_testkit import CREDS, ai_of, basic, client_for, swaig_body, swml_fetch_body

from signalwire.testing.swml import validate_swml


def new_agent(cls: Any = None, *args: Any, **kwargs: Any) -> Any:
    from signalwire.agents import AgentBase

    kwargs.setdefault("basic_auth", CREDS)
    if cls is None:
        return AgentBase(*(args or ("skills",)), **kwargs)
    return cls(*args, **kwargs)


async def fetch(agent: Any, query: str = "", call_id: str = "call-1") -> dict[str, Any]:
    """POST the SWML fetch to the agent's route; the document, validated against the schema."""
    async with client_for(agent.get_app()) as client:
        route = agent.route.rstrip("/")
        resp = await client.post(f"{route}/{query}", json=swml_fetch_body(call_id), headers=basic())
    assert resp.status_code == 200, resp.text
    return validate_swml(resp.json())


def functions(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["function"]: f for f in ai_of(doc).get("SWAIG", {}).get("functions", [])}


async def call_tool(
    agent: Any,
    name: str,
    args: dict[str, Any],
    *,
    query: str = "",
    global_data: dict[str, Any] | None = None,
    call_id: str = "call-1",
) -> dict[str, Any]:
    """Fetch the SWML, then POST the tool call to its web_hook_url; the JSON answer (HTTP 200)."""
    doc = await fetch(agent, query, call_id)
    fn = functions(doc)[name]
    url = fn.get("web_hook_url") or ai_of(doc)["SWAIG"]["defaults"]["web_hook_url"]
    path = url.split("agent.test", 1)[1]
    body = swaig_body(name, args, call_id)
    if global_data is not None:
        body["global_data"] = global_data
    async with client_for(agent.get_app()) as client:
        resp = await client.post(path, json=body, headers=basic())
    assert resp.status_code == 200, resp.text
    result: dict[str, Any] = resp.json()
    assert "Traceback" not in str(result)
    return result
