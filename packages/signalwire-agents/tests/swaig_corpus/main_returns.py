"""main() returns the agent it builds and serves nothing."""

from __future__ import annotations

from signalwire.agents import AgentBase


def main() -> AgentBase:
    agent = AgentBase("returned", route="/returned")
    agent.prompt_add_section("Role", "You were returned.")
    agent.define_tool("hi", "Say hi", {}, lambda a, r: {"response": "hi"}, secure=False)
    return agent


if __name__ == "__main__":
    main().run()
