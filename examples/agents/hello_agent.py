"""The smallest useful agent: a prompt, one typed tool and a post-call summary.

Run it from the repository root (no SignalWire account needed to start it):

    uv run examples/agents/hello_agent.py

It prints the URL SignalWire should fetch and the Basic-auth credentials,
then serves until Ctrl-C. Set PORT to change the port, and
SWML_BASIC_AUTH_USER / SWML_BASIC_AUTH_PASSWORD to fix the credentials
(otherwise a random password is generated on each start). Point a SignalWire
phone number's SWML webhook at the printed URL (through a tunnel such as
ngrok, with SWML_PROXY_URL_BASE set to the tunnel's public https URL).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from signalwire.agents import AgentBase, FunctionResult


class HelloAgent(AgentBase):
    """A friendly receptionist that can tell the time."""

    def __init__(self) -> None:
        super().__init__(name="hello", route="/")
        self.prompt_add_section("Role", "You are Ada, a cheerful receptionist for Example Corp.")
        self.prompt_add_section(
            "Rules",
            bullets=["Keep answers short.", "Use get_time when asked for the time."],
        )
        self.add_language("English", "en-US", "rime.spore")
        self.set_post_prompt("Summarise the call in one sentence.")

    @AgentBase.tool(secure=False)
    def get_time(self, timezone_name: str = "UTC") -> FunctionResult:
        """Tell the caller the current time.

        Args:
            timezone_name: Only UTC is supported in this example.
        """
        now = datetime.now(timezone.utc).strftime("%H:%M")
        return FunctionResult(f"It is {now} UTC.")

    def on_summary(self, summary: Any, raw_data: Any = None) -> None:
        print(f"Call summary: {summary}", flush=True)


def main() -> None:
    agent = HelloAgent()
    user, password, source = agent.get_basic_auth_credentials(include_source=True)
    print(f"SWML URL:   {agent.get_full_url()}/", flush=True)
    print(f"Basic auth: {user}:{password} ({source})", flush=True)
    print(f"Try it:     curl -u '{user}:{password}' {agent.get_full_url()}/", flush=True)
    agent.run()


if __name__ == "__main__":
    main()
