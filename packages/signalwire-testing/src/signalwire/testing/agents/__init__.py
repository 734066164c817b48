"""The platform's side of an AI agent call, offline (needs the ``[agents]`` extra).

``AgentSession`` fetches an agent's SWML for a simulated call, validates it, lists the
tools the current step allows, calls them with the tokens the document handed out,
applies the returned actions to ``session.state`` and delivers the post-prompt summary.
``execute_datamap`` / ``execute_datamap_async`` run a DataMap tool locally.
"""

from __future__ import annotations

from signalwire.testing.agents._datamap import (
    WebhookRequest,
    WebhookResponse,
    execute_datamap,
    execute_datamap_async,
)
from signalwire.testing.agents._errors import (
    AgentSessionError,
    DataMapError,
    ToolCallError,
    ToolNotAllowedError,
)
from signalwire.testing.agents._session import AgentSession
from signalwire.testing.agents._state import CallState

__all__ = [
    "AgentSession",
    "AgentSessionError",
    "CallState",
    "DataMapError",
    "ToolCallError",
    "ToolNotAllowedError",
    "WebhookRequest",
    "WebhookResponse",
    "execute_datamap",
    "execute_datamap_async",
]
