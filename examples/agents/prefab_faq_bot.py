"""FAQBotAgent: answers from a short FAQ list.

uv run examples/agents/prefab_faq_bot.py --dump
"""

from __future__ import annotations

import json
import sys

from signalwire.agents.prefabs import FAQBotAgent

agent = FAQBotAgent(
    faqs=[
        {
            "question": "What are your opening hours?",
            "answer": "Monday to Saturday, 9am to 6pm.",
            "categories": ["hours"],
        },
        {
            "question": "How long does a service take?",
            "answer": "Most services are done the same day.",
            "categories": ["workshop"],
        },
        {
            "question": "Do you offer test rides?",
            "answer": "Yes, bring a photo ID and we will set one up.",
            "categories": ["sales"],
        },
    ],
    persona="You are Nora, the friendly voice of Northwind Bikes.",
)


def main(argv: list[str]) -> None:
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
