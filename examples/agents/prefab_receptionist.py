"""ReceptionistAgent: greets callers and transfers them to sales or the workshop.

uv run examples/agents/prefab_receptionist.py --dump
"""

from __future__ import annotations

import json
import sys

from signalwire.agents.prefabs import ReceptionistAgent

agent = ReceptionistAgent(
    departments=[
        {"name": "sales", "description": "New bikes and accessories", "number": "+15551230001"},
        {"name": "workshop", "description": "Repairs and servicing", "number": "+15551230002"},
    ],
    greeting="Thanks for calling Northwind Bikes. Who am I speaking with?",
)


def main(argv: list[str]) -> None:
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
