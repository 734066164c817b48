"""main() hands the agent's app to uvicorn.run itself."""

from __future__ import annotations

from signalwire.agents import AgentBase


def main() -> None:
    import uvicorn

    agent = AgentBase("uvicorn-app", route="/u")
    agent.prompt_add_section("Role", "You are served by uvicorn directly.")
    agent.define_tool("up", "Say it is up", {}, lambda a, r: {"response": "up"}, secure=False)
    uvicorn.run(agent.get_app(), host="127.0.0.1", port=3997)


if __name__ == "__main__":
    main()
