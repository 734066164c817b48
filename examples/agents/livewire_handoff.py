"""A livekit-agents-style program running on SignalWire through LiveWire.

Written the way LiveKit's documentation writes an agent: an Agent subclass with
``@function_tool`` methods, an AgentSession with plugins, an entrypoint registered on an
AgentServer, and a tool that hands the call to a second agent. Only the imports differ
from a LiveKit program. ``python livewire_handoff.py`` serves it on $PORT (default 3000).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from signalwire.agents.livewire import (
    Agent,
    AgentServer,
    AgentSession,
    JobContext,
    JobProcess,
    RunContext,
    function_tool,
    inference,
    run_app,
)
from signalwire.agents.livewire.plugins import DeepgramSTT, SileroVAD

logger = logging.getLogger("bakery")

MENU = {"sourdough": 7.5, "baguette": 3.25, "croissant": 2.75}


@dataclass
class Order:
    """What the caller has asked for so far (the session's userdata)."""

    items: list[str] = field(default_factory=list)


class FrontDesk(Agent):
    """Greets the caller and takes the order."""

    def __init__(self) -> None:
        super().__init__(
            instructions=(
                "You take bread orders for a small bakery. Keep answers short. "
                "When the caller is done ordering, hand them to checkout."
            ),
        )

    async def on_enter(self) -> None:
        assert self.session is not None
        self.session.generate_reply(instructions="Greet the caller and offer today's bread.")

    @function_tool
    async def price_of(self, item: str) -> str:
        """Look up the price of one item on the menu.

        Args:
            item: The bread the caller asked about.
        """
        price = MENU.get(item.lower())
        return f"A {item} costs ${price:.2f}." if price else f"We do not bake {item}."

    @function_tool
    async def add_to_order(self, ctx: RunContext, item: str, quantity: int = 1) -> str:
        """Add bread to the caller's order.

        Args:
            item: The bread to add.
            quantity: How many.
        """
        if item.lower() not in MENU:
            return f"We do not bake {item}."
        ctx.userdata.items.extend([item.lower()] * quantity)
        return f"Added {quantity} {item}."

    @function_tool
    async def go_to_checkout(self) -> tuple[Agent, str]:
        """Hand the caller to checkout once they have finished ordering."""
        return Checkout(), "Let me take you to checkout."


class Checkout(Agent):
    """Reads back the order and closes it."""

    def __init__(self) -> None:
        super().__init__(instructions="You read back the order and the total, then say goodbye.")

    async def on_enter(self) -> None:
        assert self.session is not None
        self.session.generate_reply(instructions="Read back the order and its total.")

    @function_tool
    async def order_total(self, ctx: RunContext) -> str:
        """The number of items and the total price of the order."""
        items = ctx.userdata.items
        total = sum(MENU[i] for i in items)
        return f"{len(items)} items, ${total:.2f} in total."


def prewarm(proc: JobProcess) -> None:
    proc.userdata["vad"] = SileroVAD.load()


server = AgentServer(setup_fnc=prewarm)


@server.rtc_session()
async def entrypoint(ctx: JobContext) -> None:
    await ctx.connect()
    session = AgentSession(
        userdata=Order(),
        stt=DeepgramSTT(model="nova-3"),
        llm=inference.LLM("openai/gpt-4.1-mini"),
        vad=ctx.proc.userdata["vad"],
    )
    await session.start(agent=FrontDesk(), room=ctx.room)


def main() -> None:
    run_app(server)


if __name__ == "__main__":
    main()
