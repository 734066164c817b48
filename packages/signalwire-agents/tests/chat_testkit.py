"""An AIChatClient wired to the fake AI Chat service in process, and a browser for gateways."""

from __future__ import annotations

from typing import Any

import httpx

from signalwire.testing.chat import FakeChatService

PROJECT, TOKEN = "proj-123", "PT-secret-token-value"
CHAT_URL = "http://chat.test/api/ai/chat"
KEY = "pk_test_publishable"
ORIGIN = "https://shop.example"


def chat_client(fake: FakeChatService, **kwargs: Any) -> Any:
    from signalwire.agents.ai_chat import AIChatClient

    session = httpx.AsyncClient(transport=httpx.ASGITransport(app=fake))
    return AIChatClient(PROJECT, TOKEN, url=CHAT_URL, session=session, **kwargs)


def new_fake(**kwargs: Any) -> FakeChatService:
    return FakeChatService(PROJECT, TOKEN, **kwargs)


def browser(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://agent.test")


def headers(key: str | None = KEY, origin: str | None = ORIGIN) -> dict[str, str]:
    out = {}
    if key is not None:
        out["Authorization"] = f"Bearer {key}"
    if origin is not None:
        out["Origin"] = origin
    return out
