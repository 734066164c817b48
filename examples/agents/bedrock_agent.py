"""BedrockAgent: the same agent API, rendered with the amazon_bedrock verb.

uv run examples/agents/bedrock_agent.py --dump
"""

from __future__ import annotations

import json
import sys

from signalwire.agents import BedrockAgent

agent = BedrockAgent(
    name="bedrock-helper",
    system_prompt="You are a calm, concise assistant for Northwind Bikes.",
    voice_id="tiffany",
    temperature=0.5,
)
agent.add_skill("datetime")
agent.set_post_prompt("Summarise the call in one sentence.")


def main(argv: list[str]) -> None:
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
