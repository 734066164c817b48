"""An agent built inside main(), the way many scripts are written, and tried with swaig-test.

Nothing is created at module level: main() reads its options, builds the agent and serves
it. `swaig-test` still finds it: it calls main() with serving suppressed and uses the agent
main() asked to serve.

    uv run examples/agents/agent_built_in_main.py --city Lisbon      # serve
    uv run swaig-test examples/agents/agent_built_in_main.py --list-tools
    uv run swaig-test examples/agents/agent_built_in_main.py --exec local_time
    uv run swaig-test examples/agents/agent_built_in_main.py --simulate-serverless lambda \\
        --aws-function-name concierge --aws-region eu-west-1 --dump-swml

To start a project of your own instead (agent, tests, deployment files):

    uv run sw-agent-init my-agent --platform aws --no-venv
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from signalwire.agents import AgentBase, FunctionResult


def build_agent(city: str) -> AgentBase:
    """A concierge for one city, with one tool."""
    agent = AgentBase("concierge", route="/")
    agent.prompt_add_section("Role", f"You are the hotel concierge in {city}. Be brief.")
    agent.add_language("English", "en-US", "rime.spore")

    @agent.tool(secure=True)
    def local_time() -> FunctionResult:
        """Tell the caller the current time (UTC)."""
        now = datetime.now(timezone.utc).strftime("%H:%M")
        return FunctionResult(f"It is {now} UTC in {city}'s server room.")

    return agent


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a city concierge agent.")
    parser.add_argument("--city", default="Porto", help="the city the concierge knows")
    options = parser.parse_args()
    build_agent(options.city).run()


if __name__ == "__main__":
    main()
