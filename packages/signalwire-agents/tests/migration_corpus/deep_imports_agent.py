"""Deep vendor module paths, a module alias and attribute access on the package."""

import signalwire_agents
import signalwire_agents.core.function_result as fr
from signalwire.core.swaig_function import SWAIGFunction
from signalwire.core.swml_service import SWMLService
from signalwire.pom import PromptObjectModel

agent = signalwire_agents.AgentBase(name="deep", route="/deep")
pom = PromptObjectModel()
pom.add_section("Role", body="You answer questions about imports.")
agent.prompt_add_section("Role", "You answer questions about imports.")


def version(args, raw_data):
    return fr.FunctionResult("Version two.")


tool = SWAIGFunction("version", version, "Say the version", parameters={})
agent.define_tool(tool.name, tool.description, tool.parameters, tool.handler)


def kind(args, raw_data):
    return fr.FunctionResult("An agent is a " + SWMLService.__name__)


agent.define_tool("kind", "Say the service kind", {}, kind)

if __name__ == "__main__":
    agent.run()
