"""Only a subclass: swaig-test creates it with no arguments."""

from __future__ import annotations

from signalwire.agents import AgentBase, FunctionResult


class CounterAgent(AgentBase):
    def __init__(self) -> None:
        super().__init__(name="counter", route="/count")
        self.prompt_add_section("Role", "You count.")

    @AgentBase.tool(secure=False)
    def count(self, upto: int) -> FunctionResult:
        """Count up to a number.

        Args:
            upto: The last number.
        """
        return FunctionResult(", ".join(str(i) for i in range(1, upto + 1)))
