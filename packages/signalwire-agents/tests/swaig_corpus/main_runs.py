"""The agent is built inside main(), which parses arguments and then serves it."""

from __future__ import annotations

import argparse

from signalwire.agents import AgentBase


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args()
    agent = AgentBase("in-main", route="/main", port=args.port)
    agent.prompt_add_section("Role", "You live in main().")
    agent.define_tool(
        "where", "Say where the agent lives", {}, lambda a, r: {"response": "in main"}
    )
    agent.run()


if __name__ == "__main__":
    main()
