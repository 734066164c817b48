"""An agent using the bike_stock skill from the northwind-skills package.

uv run examples/agents/custom_skill_package/agent.py --dump
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from signalwire.agents import AgentBase, register_skill
from signalwire.agents.skills.registry import skill_registry

if skill_registry.get_skill_class("bike_stock") is None:
    # Not installed: make the package importable and register the class directly.
    sys.path.insert(0, str(Path(__file__).parent / "src"))
    from northwind_skills.bike_stock import BikeStockSkill

    register_skill(BikeStockSkill)

agent = AgentBase("stock-line", route="/stock")
agent.prompt_add_section("Role", "You answer stock questions for Northwind Bikes.")
agent.add_skill("bike_stock", {"store": "downtown"})


def main(argv: list[str]) -> None:
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
