"""AIChatClient against the fake AI Chat service of signalwire-testing."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest
from chat_testkit import CHAT_URL, PROJECT, TOKEN, chat_client, new_fake

from signalwire.agents.ai_chat import (
    AIChatClient,
    AIChatError,
    AuthenticationError,
    ChatInProgressError,
    ChatLog,
    ChatResponse,
    ConversationInfo,
    ConversationNotFoundError,
    RateLimitError,
)
from signalwire.testing.chat import serve_chat


@pytest.mark.asyncio
async def test_a_conversation_from_start_to_delete() -> None:
    fake = new_fake()
    async with chat_client(fake) as client:
        info = await client.create_conversation("shop.42", "https://agent.example/swml")
        assert info == ConversationInfo("shop.42", "created", "Hello! How can I help?")
        answer = await client.chat("shop.42", "where is my order?")
        assert answer == ChatResponse("You said: where is my order?", "shop.42", None)
        log = await client.log("shop.42")
        assert isinstance(log, ChatLog)
        roles = [m["role"] for m in log.messages]
        assert roles == ["system", "assistant", "user", "assistant"]
        assert log.messages[2]["timestamp"] > 10**15  # microseconds
        assert "1 user message" in await client.summarize("shop.42", "be brief", temperature=0.1)
        assert await client.end("shop.42") is True
        assert await client.delete("shop.42") is True
    sent = fake.journal
    assert [r["method"] for r in sent] == [
        "create_conversation",
        "chat",
        "chat_log",
        "summarize",
        "end_conversation",
        "delete",
    ]
    assert all(r["auth_ok"] for r in sent)
    assert sent[1]["params"] == {"id": "shop.42", "message": "where is my order?", "role": "user"}
    assert sent[3]["params"] == {"id": "shop.42", "summary_prompt": "be brief", "temperature": 0.1}


@pytest.mark.asyncio
async def test_optional_parameters_reach_the_wire() -> None:
    fake = new_fake()
    async with chat_client(fake) as client:
        await client.create_conversation(
            "c1",
            "https://a/swml",
            user_message="hi",
            timeout=120,
            user_metadata={"plan": "gold"},
            reinit=True,
        )
        await client.chat("c2", "hello", config_url="https://a/swml", timeout=60)
    assert fake.journal[0]["params"] == {
        "id": "c1",
        "config_url": "https://a/swml",
        "user_message": "hi",
        "conversation_timeout": 120,
        "user_meta_data": {"plan": "gold"},
        "reinit": True,
    }
    assert fake.conversations["c2"].config_url == "https://a/swml"  # chat created it


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (-32001, ConversationNotFoundError),
        (-32005, RateLimitError),
        (-32006, RateLimitError),
        (-32007, ChatInProgressError),
        (-32009, AuthenticationError),
        (-32000, AIChatError),
    ],
)
async def test_error_codes_raise_the_documented_classes(code: int, cls: type[Exception]) -> None:
    fake = new_fake()
    fake.fail_next(code, "nope")
    async with chat_client(fake) as client:
        with pytest.raises(cls) as info:
            await client.chat("c", "hi", config_url="https://a/swml")
    assert type(info.value) is cls
    assert info.value.code == code and str(info.value) == f"[{code}] nope"  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_wrong_token_and_unknown_conversation() -> None:
    fake = new_fake()
    session = httpx.AsyncClient(transport=httpx.ASGITransport(app=fake))
    async with AIChatClient(PROJECT, "wrong", url=CHAT_URL, session=session) as client:
        with pytest.raises(AuthenticationError):
            await client.chat("c", "hi")
    await session.aclose()
    async with chat_client(fake) as client:
        with pytest.raises(ConversationNotFoundError):
            await client.chat("missing", "hi")


@pytest.mark.asyncio
async def test_a_non_json_answer_is_an_error() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 502, "headers": []})
        await send({"type": "http.response.body", "body": b"<html>bad gateway</html>"})

    session = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    client = AIChatClient(PROJECT, TOKEN, url=CHAT_URL, session=session)
    with pytest.raises(AIChatError, match=r"non-JSON response \(HTTP 502\)"):
        await client.end("c")
    await session.aclose()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.asyncio
async def test_only_undelivered_requests_are_retried() -> None:
    # A refused connection never reached the service: chat is retried, then the error shows.
    port = _closed_port()
    attempts: list[str] = []

    async def count(request: httpx.Request) -> None:
        attempts.append(request.url.path)

    session = httpx.AsyncClient(event_hooks={"request": [count]})
    client = AIChatClient(PROJECT, TOKEN, url=f"http://127.0.0.1:{port}/x", session=session)
    with pytest.raises(httpx.ConnectError):
        await client.chat("c", "hi")
    assert len(attempts) == 3
    await session.aclose()


@pytest.mark.asyncio
async def test_over_real_http() -> None:
    with serve_chat(new_fake()) as server:
        async with AIChatClient(PROJECT, TOKEN, url=f"{server.base_url}/api/ai/chat") as client:
            info = await client.create_conversation("real.1", "https://a/swml")
            assert info.initial_message == "Hello! How can I help?"
            assert (await client.chat("real.1", "ping")).text == "You said: ping"


def test_credentials_and_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SIGNALWIRE_PROJECT_ID",
        "SIGNALWIRE_API_TOKEN",
        "SIGNALWIRE_SPACE",
        "RAILS_DEV_MODE",
    ):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="SIGNALWIRE_PROJECT_ID"):
        AIChatClient()
    with pytest.raises(ValueError, match="SIGNALWIRE_SPACE"):
        AIChatClient("p")
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", "p")
    monkeypatch.setenv("SIGNALWIRE_SPACE", "acme")
    assert AIChatClient().url == "https://acme.signalwire.com/api/ai/chat"
    monkeypatch.setenv("RAILS_DEV_MODE", "true")
    assert AIChatClient().url == "https://acme.signalwire.com/api/ai/chat"
    monkeypatch.setenv("RAILS_DEV_MODE", "http://localhost:3000/api/ai/chat")
    assert AIChatClient().url == "http://localhost:3000/api/ai/chat"
    assert AIChatClient(url="http://x/y").url == "http://x/y"


@pytest.mark.asyncio
async def test_odd_ids_are_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    fake = new_fake()
    async with chat_client(fake) as client:
        await client.create_conversation("user 1/a", "https://a/swml")
    assert "strips" in caplog.text
    assert "user1a" in fake.conversations
