"""SurveyAgent: a three-question satisfaction survey.

uv run examples/agents/prefab_survey.py --dump
"""

from __future__ import annotations

import json
import sys

from signalwire.agents.prefabs import SurveyAgent

agent = SurveyAgent(
    survey_name="Service Check",
    brand_name="Northwind Bikes",
    questions=[
        {"id": "rating", "text": "How would you rate your last repair?", "type": "rating"},
        {
            "id": "channel",
            "text": "How did you book it?",
            "type": "multiple_choice",
            "options": ["phone", "website", "in store"],
        },
        {"id": "recommend", "text": "Would you recommend us to a friend?", "type": "yes_no"},
        {
            "id": "comments",
            "text": "Anything we could do better?",
            "type": "open_ended",
            "required": False,
        },
    ],
)


def main(argv: list[str]) -> None:
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
