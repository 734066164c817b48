"""A research-desk agent built from skills that call outside services.

* ``wikipedia_search``: encyclopedia summaries (no key needed);
* ``spider``: reads a web page the caller names (no key needed);
* ``weather_api``: current weather, run by SignalWire as a DataMap tool
  (added when ``WEATHER_API_KEY`` is set, https://www.weatherapi.com).

Every skill takes its service's base URL as a parameter. Set
``RESEARCH_DESK_SERVICES`` to the address of a server that mimics the services
(the test suite's fakes use the prefixes below) to try it with no account and
no internet access.

    uv run examples/agents/research_desk.py          # serve on :3000
    uv run examples/agents/research_desk.py --dump   # print the SWML and exit
"""

from __future__ import annotations

import json
import os
import sys

from signalwire.agents import AgentBase


def build_agent() -> AgentBase:
    """The agent, its prompt and its three skills."""
    agent = AgentBase("research_desk", route="/research")
    agent.prompt_add_section(
        "Role",
        "You are Remy, a research assistant on the phone. Answer briefly and say where "
        "your information came from.",
    )
    agent.add_language("English", "en-US", "rime.spore")

    local = os.environ.get("RESEARCH_DESK_SERVICES", "").rstrip("/")
    wiki: dict[str, object] = {"num_results": 2}
    spider: dict[str, object] = {"max_text_length": 2000}
    weather: dict[str, object] = {"temperature_unit": "celsius"}
    if local:
        wiki["base_url"] = f"{local}/wikipedia/w/api.php"
        spider["allow_private_urls"] = True  # the local pages live on 127.0.0.1
        weather["base_url"] = f"{local}/weatherapi/v1"

    agent.add_skill("wikipedia_search", wiki)
    agent.add_skill("spider", spider)
    if os.environ.get("WEATHER_API_KEY"):
        agent.add_skill("weather_api", weather)  # the key is read from WEATHER_API_KEY
    else:
        print("WEATHER_API_KEY is not set: serving without the weather tool", file=sys.stderr)
    return agent


agent = build_agent()

if __name__ == "__main__":
    if "--dump" in sys.argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
    else:
        agent.run()
