"""A step-by-step workflow with contexts, steps and gather questions."""

from signalwire import AgentBase
from signalwire.core.contexts import ContextBuilder
from signalwire.core.function_result import FunctionResult

agent = AgentBase(name="intake", route="/intake")
agent.prompt_add_section("Role", "You register new patients.")

contexts: ContextBuilder = agent.define_contexts()
default = contexts.add_context("default")
default.add_step("greet", task="Greet the caller and ask for their name.").set_valid_steps(
    ["details"]
)
details = default.add_step("details").set_text("Collect the patient's details.")
details.set_functions(["lookup_patient"]).set_valid_contexts(["billing"])
billing = contexts.add_context("billing")
billing.add_step("explain", task="Explain the bill.").set_functions("none")


@agent.tool(description="Find a patient record")
def lookup_patient(args, raw_data):
    return FunctionResult(f"Found patient {args.get('name', 'unknown')}.")


if __name__ == "__main__":
    agent.run()
