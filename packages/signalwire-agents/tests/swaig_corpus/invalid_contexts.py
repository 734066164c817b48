"""An agent whose configuration its own check refuses (no 'default' context)."""

from __future__ import annotations

from signalwire.agents import AgentBase

agent = AgentBase("broken", route="/broken")
agent.define_contexts().add_context("sales").add_step("greet").set_text("Say hello.")
