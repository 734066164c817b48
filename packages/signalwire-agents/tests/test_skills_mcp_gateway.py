"""The mcp_gateway skill against the fake MCP Gateway on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest
from skills_testkit import call_tool, fetch, functions, new_agent

from signalwire_devtools.services import FakeServices

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MCP_GATEWAY_AUTH_TOKEN", "MCP_GATEWAY_AUTH_USER", "MCP_GATEWAY_AUTH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def gateway_agent(fake: FakeServices, **params: Any) -> Any:
    agent = new_agent()
    agent.add_skill(
        "mcp_gateway", {"gateway_url": f"{fake.base_url}/mcp", "auth_token": "test-key", **params}
    )
    return agent


async def test_tools_are_discovered_and_rendered(fake_services: FakeServices) -> None:
    agent = gateway_agent(fake_services)
    doc = await fetch(agent)
    fns = functions(doc)
    assert {"mcp_todo_add_item", "mcp_todo_list_items", "mcp_calc_add", "hangup_hook"} <= set(fns)
    add = fns["mcp_todo_add_item"]
    assert add["description"] == "[todo] Add an item to the list"
    assert add["parameters"]["required"] == ["text"]
    assert add["parameters"]["properties"]["priority"] == {
        "type": "string",
        "description": "How urgent",
        "enum": ["low", "high"],
        "default": "low",
    }
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    assert ai["global_data"]["mcp_services"] == ["todo", "calc"]
    assert "todo" in ai["hints"]
    paths = [r.path for r in fake_services.requests_to("/mcp")]
    assert paths[:2] == ["/mcp/health", "/mcp/services"]
    assert all(
        r.headers.get("authorization") == "Bearer test-key"
        for r in fake_services.requests_to("/mcp/services")
    )


async def test_call_goes_through_the_gateway_with_the_session(fake_services: FakeServices) -> None:
    agent = gateway_agent(
        fake_services, services=[{"name": "calc", "tools": ["add"]}], session_timeout=120
    )
    assert set(functions(await fetch(agent))) >= {"mcp_calc_add"}
    assert "mcp_todo_add_item" not in functions(await fetch(agent))
    out = await call_tool(agent, "mcp_calc_add", {"a": 2, "b": 3}, call_id="call-9")
    assert out["response"] == 'add called with {"a": 2, "b": 3}'
    (req,) = fake_services.requests_to("/mcp/services/calc/call")
    assert req.body["session_id"] == "call-9" and req.body["timeout"] == 120
    assert req.body["metadata"]["call_id"] == "call-9"
    await call_tool(agent, "mcp_calc_add", {"a": 1, "b": 1}, global_data={"mcp_call_id": "sess-7"})
    assert fake_services.requests_to("/mcp/services/calc/call")[-1].body["session_id"] == "sess-7"
    await call_tool(agent, "hangup_hook", {}, call_id="call-9")
    assert fake_services.mcp_sessions_deleted == ["call-9"]


async def test_gateway_errors_are_retried_then_speakable(fake_services: FakeServices) -> None:
    agent = gateway_agent(fake_services, retry_attempts=3, request_timeout=1)
    fake_services.fail("/mcp/services/calc/call", 502, times=2)
    ok = await call_tool(agent, "mcp_calc_add", {"a": 1, "b": 2})
    assert ok["response"].startswith("add called with")
    assert len(fake_services.requests_to("/mcp/services/calc/call")) == 3
    fake_services.fail("/mcp/services/calc/call", 503)
    down = await call_tool(agent, "mcp_calc_add", {"a": 1, "b": 2})
    assert down["response"].startswith("Sorry, the calc tool add is not working right now")
    fake_services.reset()
    fake_services.fail("/mcp/services/calc/call", 400, body={"error": "bad arguments"})
    bad = await call_tool(agent, "mcp_calc_add", {"a": "x"})
    assert "bad arguments" in bad["response"]
    assert len(fake_services.requests_to("/mcp/services/calc/call")) == 1  # 4xx is not retried
    fake_services.reset()
    fake_services.fail("/mcp/services/calc/call", status=0, delay=1.5)
    slow = await call_tool(
        gateway_agent(fake_services, retry_attempts=1, request_timeout=1),
        "mcp_calc_add",
        {"a": 1, "b": 2},
    )
    assert "timed out" in slow["response"]


async def test_load_failures_name_the_problem(fake_services: FakeServices) -> None:
    with pytest.raises(ValueError, match=r"'auth_token'.*MCP_GATEWAY_AUTH_TOKEN.*'auth_user'"):
        new_agent().add_skill("mcp_gateway", {"gateway_url": f"{fake_services.base_url}/mcp"})
    with pytest.raises(ValueError, match="gateway_url"):
        new_agent().add_skill("mcp_gateway", {"auth_token": "t"})
    fake_services.fail("/mcp/health", 503)
    with pytest.raises(ValueError, match="health check"):
        gateway_agent(fake_services)
    fake_services.reset()
    with pytest.raises(ValueError, match="services"):
        gateway_agent(fake_services, services=["todo"])


async def test_basic_auth_from_env_and_own_hangup_hook(
    fake_services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MCP_GATEWAY_AUTH_USER", "u")
    monkeypatch.setenv("MCP_GATEWAY_AUTH_PASSWORD", "p")
    agent = new_agent()
    agent.define_tool("hangup_hook", "mine", {}, lambda args, raw: "bye")
    agent.add_skill(
        "mcp_gateway", {"gateway_url": f"{fake_services.base_url}/mcp", "tool_prefix": "ext_"}
    )
    fns = functions(await fetch(agent))
    assert "ext_calc_add" in fns and fns["hangup_hook"]["description"] == "mine"
    assert (
        fake_services.requests_to("/mcp/services")[0].headers["authorization"].startswith("Basic ")
    )


async def test_service_names_become_valid_tool_names(fake_services: FakeServices) -> None:
    services = fake_services.data["mcp_services"]
    services["my-notes.v2"] = {
        "description": "Notes",
        "tools": [{"name": "get-note", "description": "Get", "inputSchema": {}}],
    }
    services["bad name!"] = {"description": "x", "tools": [{"name": "t"}]}
    agent = gateway_agent(fake_services)
    fns = functions(await fetch(agent))
    assert "mcp_my_notes_v2_get_note" in fns
    assert not any("bad" in name for name in fns)
    out = await call_tool(agent, "mcp_my_notes_v2_get_note", {})
    assert out["response"] == "get-note called with {}"
