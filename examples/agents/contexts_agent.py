"""A support agent that follows a step-by-step workflow (contexts and steps).

The call starts in the ``default`` context: greet, collect the caller's details
with gather_info (the AI asks one question at a time and confirms the phone
number), then route to the ``billing`` or ``technical`` context, each with its
own steps and tools.

Run it (serves SWML on http://localhost:3000/support, prints the credentials):

    uv run examples/agents/contexts_agent.py

Print the SWML document and exit:

    uv run examples/agents/contexts_agent.py --dump
"""

from __future__ import annotations

import json
import sys
from typing import Any

from signalwire.agents import AgentBase, FunctionResult


class SupportAgent(AgentBase):
    """Routes callers through a structured intake before helping them."""

    def __init__(self) -> None:
        super().__init__(name="support", route="/support")
        self.prompt_add_section("Role", "You are Sam, the phone assistant of Acme Internet.")
        self.prompt_add_section(
            "Style", bullets=["Keep answers short", "Never read out internal notes"]
        )
        self.add_language("English", "en-US", "rime.spore")

        self.define_tool(
            "lookup_invoice",
            "Look up the latest invoice of an account.",
            {"account_id": {"type": "string", "description": "Account number"}},
            self.lookup_invoice,
            required=["account_id"],
        )
        self.define_tool(
            "run_line_test",
            "Run a remote test on the caller's internet line.",
            {"account_id": {"type": "string", "description": "Account number"}},
            self.run_line_test,
            required=["account_id"],
        )
        self._define_workflow()

    def _define_workflow(self) -> None:
        contexts = self.define_contexts()

        intake = contexts.add_context("default")
        intake.add_step(
            "greet",
            task="Greet the caller and say you will take a few details first.",
            criteria="The caller has been greeted.",
            functions="none",
            valid_steps=["next"],
        )
        (
            intake.add_step("details")
            .set_text("Collect the caller's details, one question at a time.")
            .set_gather_info(output_key="caller", completion_action="next_step")
            .add_gather_question("name", "What is your full name?")
            .add_gather_question("account_id", "What is your account number?", confirm=True)
            .add_gather_question("topic", "Is your question about billing or a technical problem?")
        )
        intake.add_step(
            "route",
            task="Send the caller to billing or technical support, according to their topic.",
            functions="none",
        ).set_valid_contexts(["billing", "technical"])

        billing = contexts.add_context("billing")
        billing.set_system_prompt("You handle billing questions for Acme Internet.")
        billing.add_enter_filler("en-US", ["Let me bring up your billing details."])
        billing.add_step(
            "explain",
            task="Look up the latest invoice and explain it.",
            functions=["lookup_invoice"],
            criteria="The caller understands the invoice.",
            valid_steps=["next"],
        )
        billing.add_step("wrap_up").set_text("Thank the caller and say goodbye.").set_end(True)

        technical = contexts.add_context("technical")
        technical.set_system_prompt("You troubleshoot internet connections.")
        technical.add_step(
            "diagnose",
            task="Run a line test and explain the result.",
            bullets=["Ask whether the router lights are on", "Run the line test"],
            functions=["run_line_test"],
            valid_steps=["next"],
        )
        technical.add_step("wrap_up").set_text("Summarise the fix and say goodbye.").set_end(True)

    def lookup_invoice(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        return FunctionResult(f"Account {args['account_id']}: last invoice 42.00 USD, paid.")

    def run_line_test(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        return FunctionResult("The line test passed: 940 Mbit/s down, 35 Mbit/s up.")


def main(argv: list[str]) -> None:
    agent = SupportAgent()
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    user, password = agent.get_basic_auth_credentials()[:2]
    print(f"SWML URL: http://localhost:{agent.port}{agent.route}  (basic auth {user}:{password})")
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
