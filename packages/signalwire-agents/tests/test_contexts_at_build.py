"""Contexts that break a platform rule fail when the app is built or starts, not per request."""

from __future__ import annotations

import pytest
from agents_testkit import CREDS, basic, client_for, swml_fetch_body

from signalwire.agents import AgentBase, ContextValidationError
from signalwire.testing.swml import validate_swml


def agent_with_context(name: str) -> AgentBase:
    agent = AgentBase("ctx", basic_auth=CREDS)
    agent.prompt_add_section("Role", "Route callers.")
    agent.define_contexts().add_context(name).add_step("greet").set_text("Greet.")
    return agent


def test_get_app_refuses_a_single_context_not_named_default() -> None:
    agent = agent_with_context("sales")
    with pytest.raises(ContextValidationError) as err:
        agent.get_app()
    message = str(err.value)
    assert "context 'sales'" in message
    assert "must be named 'default'" in message
    assert "add_context('default')" in message  # the fix
    with pytest.raises(ContextValidationError):
        agent.as_router()


async def test_contexts_broken_after_the_app_was_built_stop_the_server_starting() -> None:
    agent = agent_with_context("default")
    app = agent.get_app()
    agent.reset_contexts()
    agent.define_contexts().add_context("billing").add_step("x").set_text("X.")
    messages: list[dict[str, object]] = []
    incoming = iter([{"type": "lifespan.startup"}])

    async def receive() -> dict[str, object]:
        return next(incoming)

    async def send(message: dict[str, object]) -> None:
        messages.append(message)

    # What uvicorn does at start-up: the failure is reported, and the server does not start.
    with pytest.raises(ContextValidationError):
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
    assert messages[0]["type"] == "lifespan.startup.failed"
    assert "must be named 'default'" in str(messages[0]["message"])


async def test_valid_contexts_serve_normally() -> None:
    agent = agent_with_context("default")
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/", json=swml_fetch_body(), headers=basic())
    assert resp.status_code == 200
    ai = next(v["ai"] for v in validate_swml(resp.json())["sections"]["main"] if "ai" in v)
    assert list(ai["prompt"]["contexts"]) == ["default"]
