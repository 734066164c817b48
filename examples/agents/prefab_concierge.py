"""ConciergeAgent: a hotel concierge with services, amenities and hours.

uv run examples/agents/prefab_concierge.py --dump
"""

from __future__ import annotations

import json
import sys

from signalwire.agents.prefabs import ConciergeAgent

agent = ConciergeAgent(
    venue_name="Hotel Aurora",
    services=["spa", "restaurant", "airport shuttle"],
    amenities={
        "pool": {"hours": "7am to 10pm", "location": "second floor, east wing"},
        "gym": {"hours": "open 24 hours", "location": "lower level"},
    },
    hours_of_operation={"front desk": "24 hours", "restaurant": "6:30am to 11pm"},
    special_instructions=["Offer the late checkout package to guests who ask about checkout."],
    welcome_message="Welcome to Hotel Aurora. How may I help you today?",
)


def main(argv: list[str]) -> None:
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
