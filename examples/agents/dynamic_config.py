"""Per-call configuration: one agent, a different persona per caller.

    uv run examples/agents/dynamic_config.py

Point two phone numbers at ``/support?tier=gold`` and ``/support?tier=basic``.
The callback runs on a private copy of the agent for every request (the SWML
fetch and every tool call and summary), so a tool added for gold callers
exists when the AI calls it, and nothing leaks into other calls.
"""

from __future__ import annotations

from typing import Any

from signalwire.agents import AgentBase, FunctionResult

agent = AgentBase("support", route="/support")
agent.prompt_add_section("Role", "You are a support agent for Acme.")
agent.add_language("English", "en-US", "rime.spore")


def configure(
    query: dict[str, str], body: dict[str, Any], headers: dict[str, str], call: AgentBase
) -> None:
    tier = query.get("tier", "basic")
    # Keep the tier in every webhook URL so tool calls are configured the same way.
    call.add_swaig_query_params({"tier": tier})
    call.set_global_data({"tier": tier})
    if tier == "gold":
        call.prompt_add_section("Gold", "This caller is a gold member: offer free shipping.")
        call.define_tool(
            "free_shipping",
            "Apply free shipping to the caller's next order",
            {},
            lambda args, raw: FunctionResult("Free shipping applied."),
        )


agent.set_dynamic_config_callback(configure)

if __name__ == "__main__":
    agent.run()
