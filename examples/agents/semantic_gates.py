"""A tool that only runs when the conversation shows the caller really asked for it.

``cancel_account`` carries two semantic gates: the platform's decision model checks them
right before it would call the tool, and when one fails the model hears that gate's
``on_fail`` instead (here: ask for confirmation). ``verify_identity`` records what the
application has established in ``semantic_state``, which the second gate reads.
"""

from __future__ import annotations

from signalwire.agents import AgentBase, FunctionResult, SemanticGate

agent = AgentBase("accounts", route="/accounts")
agent.prompt_add_section("Role", "You help callers manage their account.")
agent.set_semantic_gates(timeout_ms=4000, history=30)


@agent.tool(description="Record that the caller passed the security questions.")
def verify_identity(passed: bool) -> FunctionResult:
    return FunctionResult("Noted.").set_semantic_state({"identity_verified": passed})


@agent.tool(
    description="Cancel the caller's account.",
    gates=[
        SemanticGate(
            "Has the caller explicitly asked to cancel their account in `conversation`?",
            threshold=0.95,
            on_fail=FunctionResult(
                tool_result="cancel_account was not run.",
                tool_prompt="Ask the caller to confirm that they want to cancel.",
            ),
            true_means="The caller says they want the account cancelled.",
            false_means="The caller only asked about cancelling, or said something else.",
            id="explicit_request",
        ),
        SemanticGate(
            "Is `semantic_state.identity_verified` true?",
            threshold=0.9,
            on_fail="cancel_account was not run: verify the caller's identity first.",
            id="verified",
        ),
    ],
    gate_fillers={"default": ["Let me make sure I have that right."]},
)
def cancel_account() -> str:
    return "The account is cancelled."


if __name__ == "__main__":
    agent.run()
