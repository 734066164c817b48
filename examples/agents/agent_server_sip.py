"""Two agents on one server, with SIP routing between them.

Run it from the repository root:

    uv run examples/agents/agent_server_sip.py

Sales answers at /sales and support at /support. Each agent also answers
/sales/sip and /support/sip: SignalWire posts the call there, and the server
answers 307 to the agent the SIP user maps to (sip:support@... → /support,
sip:help@... → /support, sip:sales@... → /sales); a user it does not know gets
the SWML of the agent that was called. /health lists the routes.

Set SWML_BASIC_AUTH_USER / SWML_BASIC_AUTH_PASSWORD to fix the credentials
(both agents then share them; otherwise each start generates new ones) and
SWML_PROXY_URL_BASE to the public https URL SignalWire reaches.
"""

from __future__ import annotations

import os

from signalwire.agents import AgentBase, AgentServer, FunctionResult


def make_sales() -> AgentBase:
    agent = AgentBase(name="sales", route="/sales")
    agent.prompt_add_section("Role", "You sell Example Corp's plans. Be brief and friendly.")
    agent.add_language("English", "en-US", "rime.spore")

    @agent.tool
    def plan_price(plan: str) -> FunctionResult:
        """Tell the caller the monthly price of a plan.

        Args:
            plan: basic or pro
        """
        prices = {"basic": "$10", "pro": "$25"}
        return FunctionResult(f"The {plan} plan costs {prices.get(plan.lower(), 'n/a')} a month.")

    return agent


def make_support() -> AgentBase:
    agent = AgentBase(name="support", route="/support")
    agent.prompt_add_section("Role", "You help Example Corp customers fix problems.")
    agent.add_language("English", "en-US", "rime.spore")

    @agent.tool(secure=False)
    def open_ticket(summary: str) -> FunctionResult:
        """Open a support ticket.

        Args:
            summary: One line describing the problem
        """
        return FunctionResult(f"Ticket opened: {summary[:60]}")

    return agent


def build_server() -> AgentServer:
    server = AgentServer(host="0.0.0.0", port=int(os.environ.get("PORT", "3000")))
    server.register(make_sales())
    server.register(make_support())
    server.setup_sip_routing("/sip", auto_map=True)  # maps "sales" and "support"
    server.register_sip_username("help", "/support")
    return server


def main() -> None:
    server = build_server()
    for route, agent in server.get_agents():
        user, password, source = agent.get_basic_auth_credentials(include_source=True)
        print(f"{agent.get_name()}: {agent.get_full_url()}/  (SIP: {route}/sip)", flush=True)
        print(f"  Basic auth: {user}:{password} ({source})", flush=True)
        print(f"  Try it:     curl -u '{user}:{password}' {agent.get_full_url()}/", flush=True)
    server.run()


if __name__ == "__main__":
    main()
