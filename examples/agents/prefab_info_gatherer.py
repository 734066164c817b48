"""InfoGathererAgent: fixed questions, or questions picked per call with ?set=support.

uv run examples/agents/prefab_info_gatherer.py          # serve /intake
uv run examples/agents/prefab_info_gatherer.py --dump   # print the SWML document
"""

from __future__ import annotations

import json
import sys
from typing import Any

from signalwire.agents.prefabs import InfoGathererAgent

agent = InfoGathererAgent(name="intake", route="/intake")  # no static questions: per call


def questions_for(
    query_params: dict[str, Any], body_params: dict[str, Any], headers: dict[str, Any]
) -> list[dict[str, Any]]:
    if query_params.get("set") == "support":
        return [
            {"key_name": "name", "question_text": "What is your name?"},
            {"key_name": "order", "question_text": "What is your order number?", "confirm": True},
            {"key_name": "issue", "question_text": "What went wrong with the order?"},
        ]
    return [
        {"key_name": "name", "question_text": "What is your name?"},
        {"key_name": "callback", "question_text": "What number can we call you back on?"},
    ]


agent.set_question_callback(questions_for)


def main(argv: list[str]) -> None:
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
