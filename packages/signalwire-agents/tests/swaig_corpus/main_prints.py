"""A script that prints while it loads, in main() and per call: --raw output stays pure JSON."""

from __future__ import annotations

from signalwire.agents import AgentBase

print("loading the chatty script")


def main() -> None:
    print("=" * 40)
    print("CHATTY DEMO: visit http://localhost:3000/chatty")
    agent = AgentBase("chatty", route="/chatty")
    agent.prompt_add_section("Role", "You talk a lot.")
    agent.define_tool("talk", "Say something", {}, lambda a, r: {"response": "blah"})
    # Prints while it answers too: a per-call callback reporting what it chose.
    agent.set_dynamic_config_callback(lambda query, body, headers, copy: print("configuring call"))
    agent.run()


if __name__ == "__main__":
    main()
