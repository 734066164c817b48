"""A zero-argument factory annotated to return an agent."""

from __future__ import annotations

from signalwire.agents import AgentBase


def build_agent() -> AgentBase:
    agent = AgentBase("factory", route="/factory")
    agent.prompt_add_section("Role", "You are built by a factory.")
    agent.define_tool(
        "ping", "Answer pong", {}, lambda args, raw: {"response": "pong"}, secure=False
    )
    return agent
