"""Typed results of the AI Chat client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ChatLog", "ChatResponse", "ConversationInfo"]


@dataclass(frozen=True)
class ConversationInfo:
    """A conversation the service created: its id, status and the agent's first message."""

    id: str
    status: str = "created"
    initial_message: str | None = None


@dataclass(frozen=True)
class ChatResponse:
    """The agent's answer to one message (``user_event`` is what a tool sent the user, if any)."""

    text: str
    conversation_id: str
    user_event: Any = None


@dataclass(frozen=True)
class ChatLog:
    """A conversation's stored messages (timestamps in microseconds) and its call timeline."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    call_timeline: list[dict[str, Any]] = field(default_factory=list)
