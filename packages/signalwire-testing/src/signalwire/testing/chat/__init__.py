"""A fake SignalWire AI Chat service: test chat code offline.

:class:`FakeChatService` is a plain ASGI app speaking the service's JSON-RPC protocol (POST,
Basic auth with the project id and token, the outcome in the body). Use it in process through
``httpx.ASGITransport``, or over real HTTP on 127.0.0.1 with :func:`serve_chat`. It speaks raw
JSON and never imports the SDK.
"""

from __future__ import annotations

from signalwire.testing.chat._service import (
    FakeChatService,
    FakeConversation,
    serve_chat,
)

__all__ = ["FakeChatService", "FakeConversation", "serve_chat"]
