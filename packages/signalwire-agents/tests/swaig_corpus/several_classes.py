"""Two subclasses: --agent-class picks one."""

from __future__ import annotations

from signalwire.agents import AgentBase


class SalesAgent(AgentBase):
    def __init__(self) -> None:
        super().__init__(name="sales", route="/sales")
        self.prompt_add_section("Role", "You sell.")

    @AgentBase.tool(secure=False)
    def quote(self, item: str) -> str:
        """Quote a price.

        Args:
            item: What to price.
        """
        return f"{item} costs 10 dollars."


class SupportAgent(AgentBase):
    def __init__(self) -> None:
        super().__init__(name="support", route="/support")
        self.prompt_add_section("Role", "You help.")

    @AgentBase.tool(secure=False)
    def ticket(self, issue: str) -> str:
        """Open a ticket.

        Args:
            issue: The problem.
        """
        return f"Ticket opened for: {issue}."
