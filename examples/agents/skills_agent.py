"""An agent assembled from three built-in skills: datetime, math and swml_transfer.

uv run examples/agents/skills_agent.py          # serve on http://localhost:3000/skills
uv run examples/agents/skills_agent.py --dump   # print the SWML document
"""

from __future__ import annotations

import json
import sys

from signalwire.agents import AgentBase

agent = AgentBase("front-desk", route="/skills")
agent.prompt_add_section("Role", "You are Max, the front desk of Northwind Bikes.")
agent.add_language("English", "en-US", "rime.spore")

agent.add_skill("datetime")  # get_current_time, get_current_date
agent.add_skill("math", {"swaig_fields": {"fillers": {"en-US": ["Let me work that out."]}}})
agent.add_skill(
    "swml_transfer",
    {
        "transfers": {
            "/repair|service/i": {
                "address": "+15551230010",
                "message": "Connecting you to the workshop.",
            },
            "/sales|buy/i": {
                "url": "https://agents.example.com/sales",
                "message": "Passing you to our sales assistant.",
            },
        },
        "description": "Transfer the caller to the workshop or to sales",
    },
)


def main(argv: list[str]) -> None:
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    user, password = agent.get_basic_auth_credentials()[:2]
    print(f"SWML URL: http://localhost:{agent.port}{agent.route}  (basic auth {user}:{password})")
    print("Skills:", ", ".join(agent.list_skills()))
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
