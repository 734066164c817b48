"""A subclass that needs arguments, built by main(): main() is what swaig-test uses."""

from __future__ import annotations

from signalwire.agents import AgentBase


class ShopAgent(AgentBase):
    def __init__(self, shop: str) -> None:
        super().__init__(name=shop, route="/shop")
        self.shop = shop
        self.prompt_add_section("Role", f"You work at {shop}.")

    @AgentBase.tool(secure=True)
    def shop_name(self) -> str:
        """The name of the shop."""
        return f"This is {self.shop}."


def main() -> None:
    ShopAgent("corner-shop").run()


if __name__ == "__main__":
    main()
