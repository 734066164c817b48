"""main() runs asyncio.run() to prepare data before building and serving the agent."""

from __future__ import annotations

import asyncio

from signalwire.agents import AgentBase


async def load_specials() -> list[str]:
    await asyncio.sleep(0)
    return ["pie", "cake"]


def main() -> None:
    specials = asyncio.run(load_specials())
    agent = AgentBase("bakery", route="/bakery")
    agent.prompt_add_section("Role", "You sell baked goods.")
    agent.define_tool(
        "specials",
        "Today's specials",
        {},
        lambda a, r: {"response": ", ".join(specials)},
        secure=False,
    )
    agent.serve()


if __name__ == "__main__":
    main()
