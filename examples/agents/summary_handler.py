"""Receive a structured summary after every call (the post-prompt).

    uv run examples/agents/summary_handler.py

When the call ends, the AI answers the post-prompt and SignalWire posts the
result to ``/post_prompt/`` (with a token minted into the SWML). Ask for JSON
and ``on_summary`` receives it parsed. ``on_call_end`` additionally gets the
full conversation log.
"""

from __future__ import annotations

import json
from typing import Any

from signalwire.agents import AgentBase


class IntakeAgent(AgentBase):
    """Collects a reason for calling, then stores a JSON summary."""

    def __init__(self) -> None:
        super().__init__(name="intake", route="/intake")
        self.prompt_add_section("Role", "Ask the caller why they are calling, then say goodbye.")
        self.set_post_prompt(
            'Summarise the call as JSON: {"reason": string, "urgent": boolean, "name": string}'
        )
        self.set_post_prompt_llm_params(temperature=0.1)
        self.on_call_end(self.log_call)

    def on_summary(self, summary: Any, raw_data: Any = None) -> None:
        call_id = (raw_data or {}).get("call_id")
        # A real app would write to a database; sync handlers run in a worker thread.
        print(f"summary for {call_id}: {json.dumps(summary)}", flush=True)

    def log_call(self, call_log: list[dict[str, Any]], raw_data: dict[str, Any]) -> None:
        print(f"call {raw_data.get('call_id')} ended after {len(call_log)} messages", flush=True)


if __name__ == "__main__":
    IntakeAgent().run()
