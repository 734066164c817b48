"""main() imports a module that sits next to this script."""

from __future__ import annotations

from signalwire.agents import AgentBase


def main() -> None:
    from corpus_helpers import greeting

    agent = AgentBase("sibling", route="/sibling")
    agent.prompt_add_section("Role", "You greet.")
    agent.define_tool(
        "welcome",
        "Welcome someone",
        {"name": {"type": "string", "description": "Who"}},
        lambda a, r: {"response": greeting(a["name"])},
        secure=False,
    )
    agent.run()


if __name__ == "__main__":
    main()
