"""A user's module written against the public API; it must pass ``mypy --strict``."""

from __future__ import annotations

from typing import Any

from signalwire.agents import AgentBase, FunctionResult, get_logger

agent = AgentBase("typed-user")
log = get_logger("typed_user")


@agent.tool
def opening_hours(day: str) -> str:
    """Tell the caller when the office is open."""
    return "closed" if day == "sunday" else "9 to 5"


@agent.tool(name="transfer_call", description="Transfer the caller", secure=False)
async def transfer(department: str, raw_data: dict[str, Any]) -> FunctionResult:
    log.info("transfer", department=department)
    return FunctionResult("Transferring").connect("+15551230000")


class Support(AgentBase):
    @AgentBase.tool
    def ping(self) -> str:
        """Answer pong."""
        return "pong"

    @AgentBase.tool(description="Look up an order", fillers={"en-US": ["One moment"]})
    def lookup(self, order_id: str) -> FunctionResult:
        self.log.info("lookup", order_id=order_id)
        return FunctionResult(f"Order {order_id} shipped")


# The decorators keep each function's own type.
hours: str = opening_hours("monday")
pong: str = Support("s").ping()
