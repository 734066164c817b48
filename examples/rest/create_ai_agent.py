"""Create an AI agent resource, read it back and list its addresses.

uv run python examples/rest/create_ai_agent.py [--fake]
"""

from __future__ import annotations

from _platform import platform

from signalwire.rest import RestClient


def main() -> None:
    with platform() as settings, RestClient(**settings) as client:
        # As documented: the platform assigns the agent_id the spec marks required.
        agent = client.fabric.ai_agents.create(
            name="Booking Assistant",
            prompt={"text": "You help callers book a table. Ask for a date, a time and a name."},
            hints=["reservation", "party size"],
        )
        agent_id = agent.get("id")
        print(
            f"created AI agent {agent.get('display_name') or agent.get('name')!r} (id {agent_id})"
        )
        fetched = client.fabric.ai_agents.get(agent_id)
        print(f"read back: type={fetched.get('type')}")
        addresses = client.fabric.ai_agents.list_addresses(agent_id)
        for address in addresses.get("data", []):
            print(f"  reachable at {address.get('name')} ({address.get('type')})")


if __name__ == "__main__":
    main()
