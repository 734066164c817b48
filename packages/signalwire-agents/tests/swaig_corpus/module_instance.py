"""The agent is a module-level instance."""

from __future__ import annotations

from signalwire.agents import AgentBase

agent = AgentBase("instance", route="/instance")
agent.prompt_add_section("Role", "You greet people.")


@agent.tool(secure=True)
def greet(name: str) -> str:
    """Greet someone by name.

    Args:
        name: Who to greet.
    """
    return f"Hello {name}."


if __name__ == "__main__":
    agent.run()
