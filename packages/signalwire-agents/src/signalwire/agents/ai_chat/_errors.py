"""Errors of the AI Chat client and of the browser gateway."""

from __future__ import annotations

from signalwire.core import SignalWireError

__all__ = [
    "AIChatError",
    "AuthenticationError",
    "ChatInProgressError",
    "ConversationNotFoundError",
    "GatewayRejection",
    "RateLimitError",
    "SummaryError",
    "error_for",
]


class AIChatError(SignalWireError):
    """The chat service answered with an error (``code`` is its JSON-RPC code, or None)."""

    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


class ConversationNotFoundError(AIChatError):
    """The conversation id is unknown to the service (code -32001)."""


class RateLimitError(AIChatError):
    """The service refused the call for rate reasons (codes -32005 and -32006)."""


class ChatInProgressError(AIChatError):
    """Another turn of the same conversation is still running (code -32007)."""


class AuthenticationError(AIChatError):
    """The project id or token was refused (code -32009)."""


class SummaryError(AIChatError):
    """The service could not summarize the conversation."""


class GatewayRejection(SignalWireError):
    """A browser request the gateway refuses: ``status`` is the HTTP status, ``reason`` the text."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


_BY_CODE: dict[int, type[AIChatError]] = {
    -32001: ConversationNotFoundError,
    -32005: RateLimitError,
    -32006: RateLimitError,
    -32007: ChatInProgressError,
    -32009: AuthenticationError,
}


def error_for(code: int | None, message: str) -> AIChatError:
    """The documented error class for a JSON-RPC error code."""
    cls = _BY_CODE.get(code, AIChatError) if isinstance(code, int) else AIChatError
    return cls(code, message)
