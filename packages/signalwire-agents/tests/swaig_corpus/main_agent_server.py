"""main() registers two agents on an AgentServer and runs it: --route picks one."""

from __future__ import annotations

from signalwire.agents import AgentBase, AgentServer


class BillingAgent(AgentBase):
    def __init__(self, currency: str) -> None:
        super().__init__(name="billing", route="/billing")
        self.currency = currency
        self.prompt_add_section("Role", "You answer billing questions.")

    @AgentBase.tool(secure=True)
    def balance(self, account: str) -> str:
        """The balance of an account.

        Args:
            account: The account number.
        """
        return f"Account {account} owes 0 {self.currency}."


def main() -> None:
    server = AgentServer(host="127.0.0.1", port=3998)
    server.register(BillingAgent("EUR"))
    helper = AgentBase("helpdesk", route="/help")
    helper.prompt_add_section("Role", "You help.")
    helper.define_tool("hours", "Opening hours", {}, lambda a, r: {"response": "9 to 5"})
    server.register(helper)
    server.run()


if __name__ == "__main__":
    main()
