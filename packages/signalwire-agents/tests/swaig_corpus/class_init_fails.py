"""A subclass whose __init__ fails (a missing setting): one line, no traceback."""

from __future__ import annotations

from signalwire.agents import AgentBase


class NeedsKeyAgent(AgentBase):
    def __init__(self) -> None:
        super().__init__(name="needs-key", route="/k")
        raise RuntimeError("WEATHER_API_KEY is not set")
