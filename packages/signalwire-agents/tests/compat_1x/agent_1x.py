"""A signalwire-agents 1.x script, as its users wrote it: it must run unchanged here.

Run by the agents tests (test_compat.py) and by ``nox -s install`` after
``pip install -U signalwire-agents`` over a real 1.1.0. It fetches the SWML and calls a
tool over the agent's HTTP app, the way the platform does, and prints one summary line.
"""

import asyncio
import base64

import httpx

import signalwire_agents
from signalwire_agents import AgentBase, SwaigFunctionResult
from signalwire_agents.agent_server import AgentServer
from signalwire_agents.core.agent_base import AgentBase as DeepAgentBase
from signalwire_agents.core.contexts import ContextBuilder
from signalwire_agents.core.data_map import DataMap
from signalwire_agents.core.function_result import SwaigFunctionResult as DeepResult
from signalwire_agents.core.skill_base import SkillBase
from signalwire_agents.core.swml_service import SWMLService
from signalwire_agents.prefabs import InfoGathererAgent
from signalwire_agents.skills.datetime.skill import DateTimeSkill


class Helper(AgentBase):
    def __init__(self):
        super().__init__(name="helper", route="/helper")
        self.prompt_add_section("Role", "You help callers find the opening hours.")
        self.add_skill("datetime")
        self.register_swaig_function(
            DataMap("lookup_order")
            .description("Look up an order")
            .parameter("order", "string", "Order number", required=True)
            .webhook("GET", "https://api.example.com/orders/${args.order}")
            .output(SwaigFunctionResult("Order ${args.order} ships today."))
            .to_swaig_function()
        )

    @AgentBase.tool(
        name="opening_hours", description="Tell the opening hours", parameters={}, secure=False
    )
    def opening_hours(self, args, raw_data):
        return SwaigFunctionResult("We are open from nine to five.")


agent = Helper()
user, password = agent.get_basic_auth_credentials()
auth = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def platform():
    transport = httpx.ASGITransport(app=agent.get_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://agent") as client:
        swml = (await client.post("/helper", json={}, headers=auth)).json()
        call = {"function": "opening_hours", "argument": {"parsed": [{}]}}
        reply = (await client.post("/helper/swaig", json=call, headers=auth)).json()
    return swml, reply


swml, reply = asyncio.run(platform())
functions = [f["function"] for f in swml["sections"]["main"][-1]["ai"]["SWAIG"]["functions"]]

import signalwire.agents as new  # noqa: E402  (the same objects under both names)

assert AgentBase is DeepAgentBase is new.AgentBase
assert SwaigFunctionResult is DeepResult is new.SwaigFunctionResult
assert DataMap is new.DataMap and ContextBuilder is new.ContextBuilder
assert SWMLService is new.SWMLService and AgentServer is new.AgentServer
assert issubclass(DateTimeSkill, SkillBase) and issubclass(InfoGathererAgent, AgentBase)
print(
    f"signalwire_agents {signalwire_agents.__version__}: tools {sorted(functions)}; "
    f"opening_hours says {reply['response']!r}"
)
