"""Tools from plain typed functions: the JSON schema comes from the type hints.

    uv run examples/agents/typed_tools.py

``@agent.tool`` reads the signature: ``str``/``int``/``float``/``bool``/
``list``/``dict`` become JSON types, ``Literal[...]`` an enum, parameters
without a default are required, and a Google-style ``Args:`` block gives
each parameter its description. Sync tools run in a worker thread, ``async``
tools are awaited. Tools are secure by default: the platform must present
the per-call token minted into the SWML.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from signalwire.agents import AgentBase, FunctionResult

agent = AgentBase("pizza", route="/pizza")
agent.prompt_add_section("Role", "You take pizza orders for Luigi's.")
agent.prompt_add_section("Process", bullets=["Ask for size and toppings.", "Confirm the order."])
agent.add_language("English", "en-US", "rime.spore")
MENU = {"margherita": 9.0, "pepperoni": 11.0, "veggie": 10.0}


@agent.tool
def price(pizza: Literal["margherita", "pepperoni", "veggie"], size: int = 12) -> str:
    """Give the price of a pizza.

    Args:
        pizza: Which pizza from the menu
        size: Diameter in inches (10, 12 or 16)
    """
    return f"A {size}-inch {pizza} costs ${MENU[pizza] * size / 12:.2f}."


@agent.tool(fillers={"en-US": ["Placing your order now."]})
async def place_order(pizza: str, quantity: int, raw_data: dict[str, Any]) -> FunctionResult:
    """Place the order.

    Args:
        pizza: Pizza name
        quantity: How many pizzas
    """
    await asyncio.sleep(0)  # call your ordering API here
    caller = raw_data.get("caller_id_num", "unknown")
    return (
        FunctionResult(f"Ordered {quantity} {pizza}. It will be ready in 20 minutes.")
        .update_global_data({"last_order": {"pizza": pizza, "quantity": quantity, "by": caller}})
        .say("Thanks for ordering from Luigi's!")
    )


if __name__ == "__main__":
    agent.run()
