"""Agent code in the style of signalwire-sdk 3.x public examples, running unchanged.

Only the import differs from the vendor SDK (``signalwire-migrate`` rewrites it).
The idioms below are the ones public demo code relies on:

* ``@AgentBase.tool("...")`` with the tool's name as its first positional argument;
* ``fillers=[...]`` given as a plain list of phrases;
* several contexts, none named ``default``, steps limited with ``set_functions``
  (a single name, ``"none"``, and the platform's ``get_visual_input``);
* a subclass overriding ``get_prompt()``;
* ``prompt_add_section`` with its parameters by position;
* ``self._contexts_builder`` read inside a per-call configuration callback.

Run: ``uv run examples/agents/vendor_style_agent.py --dump`` prints the SWML; without
``--dump`` it serves on port 3000 (``PORT`` to change it).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from signalwire.agents import AgentBase, FunctionResult


class ShopAgent(AgentBase):
    """A shop's phone line with a sales and a support context."""

    def __init__(self) -> None:
        super().__init__(name="shop", route="/")
        self.prompt_add_section(
            "Style", "Speak like a helpful shop assistant.", ["Be brief", "Be warm"], False, True
        )
        builder = self.define_contexts()
        sales = builder.add_context("sales")
        sales.add_step("greet").set_text("Greet the caller and ask what they need.").set_functions(
            "none"
        )
        sales.add_step("look_up").set_text("Look up the item the caller asks about.").set_functions(
            "lookup_item"
        )
        support = builder.add_context("support")
        support.add_step("inspect").set_text(
            "Ask the caller to show the broken item on camera."
        ).set_functions(["get_visual_input", "lookup_item"])
        sales.get_step("look_up").set_valid_contexts(["support"])
        self.set_dynamic_config_callback(self.per_call)

    def get_prompt(self) -> str | list[dict[str, Any]]:
        """The prompt, built on each render (a vendor-style override)."""
        return [{"title": "Role", "body": f"You answer the phone for {self.name}."}]

    @AgentBase.tool("lookup_item", description="Find an item in the catalogue",
                    fillers=["Let me check the catalogue."], secure=False)  # fmt: skip
    def lookup_item(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        item = str(args.get("item") or "that item")
        return FunctionResult(f"We have {item} in stock.")

    def per_call(
        self, query: dict[str, Any], body: dict[str, Any], headers: dict[str, Any], agent: Any
    ) -> None:
        """VIP callers get a warmer greeting, on this call only."""
        if query.get("vip") == "1":
            step = agent._contexts_builder.get_context("sales").get_step("greet")
            step.set_text("Greet the caller by name: they are one of our best customers.")


agent = ShopAgent()

if __name__ == "__main__":
    if "--dump" in sys.argv:
        print(agent.render_swml())
    else:
        agent.run(port=int(os.environ.get("PORT", "3000")))
