"""AI Chat: text conversations with an AI agent, and the browser gateway in front of them.

* :class:`AIChatClient`: the server-side client of the AI Chat service (async, httpx).
* :class:`ChatGateway`: a router a browser widget calls with a publishable key; the
  project token and the agent's ``config_url`` never leave the server.
* :class:`HandoffRouter`: move a conversation between a live call and the chat widget with
  single-use, expiring nonces.

Not imported by ``import signalwire.agents``; the gateway's Starlette imports happen when a
router is built.
"""

from __future__ import annotations

from signalwire.agents.ai_chat._client import AIChatClient
from signalwire.agents.ai_chat._errors import (
    AIChatError,
    AuthenticationError,
    ChatInProgressError,
    ConversationNotFoundError,
    GatewayRejection,
    RateLimitError,
    SummaryError,
)
from signalwire.agents.ai_chat._gateway import ChatGateway
from signalwire.agents.ai_chat._handoff import HandoffRouter, NonceEntry
from signalwire.agents.ai_chat._models import ChatLog, ChatResponse, ConversationInfo

__all__ = [
    "AIChatClient",
    "AIChatError",
    "AuthenticationError",
    "ChatGateway",
    "ChatInProgressError",
    "ChatLog",
    "ChatResponse",
    "ConversationInfo",
    "ConversationNotFoundError",
    "GatewayRejection",
    "HandoffRouter",
    "NonceEntry",
    "RateLimitError",
    "SummaryError",
]
