"""The fake AI Chat service speaks the protocol in raw JSON (no SDK involved)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from signalwire.testing.chat import FakeChatService, serve_chat

URL = "http://chat.test/api/ai/chat"


async def rpc(client: httpx.AsyncClient, method: str, **params: Any) -> dict[str, Any]:
    resp = await client.post(
        URL, json={"jsonrpc": "2.0", "method": method, "params": params, "id": "1"}
    )
    assert resp.status_code == 200  # the outcome is in the body
    assert resp.content.startswith(b" ")  # keepalive whitespace first
    return dict(json.loads(resp.content))


@pytest.fixture
def fake() -> FakeChatService:
    return FakeChatService("p", "t", reply=lambda conv, msg: msg.upper())


def client_for(app: Any, auth: tuple[str, str] = ("p", "t")) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), auth=auth)


async def test_conversation_lifecycle(fake: FakeChatService) -> None:
    async with client_for(fake) as c:
        created = await rpc(
            c, "create_conversation", id="a.1", config_url="https://x/swml", user_meta_data={"k": 1}
        )
        assert created["result"] == {
            "status": "created",
            "initial_message": "Hello! How can I help?",
        }
        assert (await rpc(c, "chat", id="a.1", message="hi"))["result"] == {"response": "HI"}
        log = (await rpc(c, "chat_log", id="a.1"))["result"]["chat_log"]
        assert [m["role"] for m in log] == ["system", "assistant", "user", "assistant"]
        assert (await rpc(c, "summarize", id="a.1"))["result"]["summary"].startswith("1 user")
        assert (await rpc(c, "end_conversation", id="a.1"))["result"] == {"status": "ended"}
        assert (await rpc(c, "chat", id="a.1", message="again"))["error"]["code"] == -32001
        assert (await rpc(c, "delete", id="a.1"))["result"] == {"status": "deleted"}
        assert (await rpc(c, "chat_log", id="a.1"))["error"]["code"] == -32001
    assert fake.conversations == {}
    assert fake.journal[0]["params"]["user_meta_data"] == {"k": 1}


async def test_errors(fake: FakeChatService) -> None:
    async with client_for(fake, auth=("p", "wrong")) as bad:
        assert (await rpc(bad, "chat", id="x", message="m"))["error"]["code"] == -32009
    async with client_for(fake) as c:
        fake.fail_next(-32007, "busy")
        assert (await rpc(c, "chat", id="x", message="m", config_url="u"))["error"] == {
            "code": -32007,
            "message": "busy",
        }
        assert (await rpc(c, "nope", id="x"))["error"]["code"] == -32601
        assert (await rpc(c, "chat", message="m"))["error"]["code"] == -32602
        resp = await c.post(URL, content=b"{not json")
        assert json.loads(resp.content)["error"]["code"] == -32700
        assert (await c.get(URL)).status_code == 405


async def test_ids_are_stripped_like_the_service_does(fake: FakeChatService) -> None:
    async with client_for(fake) as c:
        await rpc(c, "create_conversation", id="user 7/b", config_url="u")
    assert list(fake.conversations) == ["user7b"]


def test_over_real_http() -> None:
    with serve_chat() as server, httpx.Client() as c:
        resp = c.post(
            f"{server.base_url}/api/ai/chat",
            json={
                "jsonrpc": "2.0",
                "method": "chat",
                "id": 1,
                "params": {"id": "c", "message": "hey", "config_url": "u"},
            },
            auth=("test-project", "test-token"),
        )
        assert json.loads(resp.content)["result"]["response"] == "You said: hey"
