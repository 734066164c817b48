"""Errors the agent-side platform simulator raises (each message names the problem)."""

from __future__ import annotations

__all__ = ["AgentSessionError", "DataMapError", "ToolCallError", "ToolNotAllowedError"]


class AgentSessionError(Exception):
    """Base class: the simulated call could not do what the test scripted."""


class ToolNotAllowedError(AgentSessionError):
    """The scripted tool is unknown, toggled off, or not allowed in the current step."""


class ToolCallError(AgentSessionError):
    """The agent answered a tool call with an error (e.g. a token for another call)."""

    def __init__(self, message: str, *, status: int | None = None, body: object = None) -> None:
        super().__init__(message)
        #: HTTP status of the agent's answer, when it answered.
        self.status = status
        #: The agent's answer (parsed JSON, or text).
        self.body = body


class DataMapError(AgentSessionError):
    """A DataMap tool produced no output: nothing matched and no fallback was given."""
