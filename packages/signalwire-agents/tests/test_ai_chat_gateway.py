"""ChatGateway and HandoffRouter mounted on an agent, a browser in front, the fake chat service behind."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from chat_testkit import KEY, ORIGIN, TOKEN, browser, chat_client, headers, new_fake
from skills_testkit import new_agent

from signalwire.agents.ai_chat import ChatGateway, GatewayRejection, HandoffRouter, NonceEntry

CONFIG_URL = "https://user:pw@agent.example/swml"


def setup(**kwargs: Any) -> tuple[Any, ChatGateway, Any]:
    fake = new_fake()
    gw = ChatGateway(
        config_url=CONFIG_URL,
        key=KEY,
        allowed_origins=[ORIGIN + "/"],
        client=chat_client(fake),
        secret="s" * 32,
        **kwargs,
    )
    agent = new_agent()
    agent.mount(gw.router(), prefix="/chat")
    return agent, gw, fake


def no_secrets(text: str) -> None:
    for secret in (TOKEN, "pw@agent", "s" * 32, "proj-123"):
        assert secret not in text


@pytest.mark.asyncio
async def test_browser_flow_start_chat_log_end() -> None:
    agent, _gw, fake = setup(conversation_timeout=900)
    async with browser(agent.get_app()) as b:
        start = await b.post(
            "/chat/", json={"method": "start", "user_meta_data": {"cart": 3}}, headers=headers()
        )
        assert start.status_code == 200, start.text
        assert start.json() == {
            "greeting": "Hello! How can I help?",
            "status": "created",
            "timeout": 900,
        }
        handle = start.headers["x-chat-handle"]
        assert start.headers["access-control-allow-origin"] == ORIGIN
        assert start.headers["access-control-expose-headers"] == "X-Chat-Handle"
        chat = await b.post(
            "/chat/", json={"message": "hi there", "handle": handle}, headers=headers()
        )
        assert chat.status_code == 200
        assert chat.text.startswith(" ")  # keepalive whitespace relayed as is
        assert json.loads(chat.text)["result"]["response"] == "You said: hi there"
        log = (
            await b.post("/chat/", json={"method": "log", "handle": handle}, headers=headers())
        ).json()
        assert [m["role"] for m in log["messages"]] == ["assistant", "user", "assistant"]
        assert abs(log["messages"][0]["timestamp"] - time.time()) < 60  # seconds, not µs
        assert log["last_activity"] >= log["messages"][-1]["timestamp"]
        end = await b.post("/chat/", json={"method": "end", "handle": handle}, headers=headers())
        assert end.json() == {"status": "ended"}
        for resp in (start, chat, end):
            no_secrets(resp.text + json.dumps(dict(resp.headers)))
    sent = [r["params"] for r in fake.journal]
    conv = sent[0]["id"]
    assert sent[0] == {
        "id": conv,
        "config_url": CONFIG_URL,
        "conversation_timeout": 900,
        "user_meta_data": {"cart": 3},
    }
    assert sent[1]["config_url"] == CONFIG_URL and sent[1]["message"] == "hi there"


@pytest.mark.asyncio
async def test_the_browser_cannot_choose_the_agent_or_the_conversation() -> None:
    agent, _gw, fake = setup()
    async with browser(agent.get_app()) as b:
        resp = await b.post(
            "/chat/",
            json={"message": "hi", "config_url": "https://evil.example/swml", "id": "victim"},
            headers=headers(),
        )
    assert resp.status_code == 200
    params = fake.journal[0]["params"]
    assert params["config_url"] == CONFIG_URL and params["id"] != "victim"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("hdrs", "body", "status", "error"),
    [
        (headers(key=None), {"message": "x"}, 401, "bad key"),
        (headers(key="pk_wrong"), {"message": "x"}, 401, "bad key"),
        (headers(key="pk_wrong", origin="https://evil.example"), {"message": "x"}, 401, "bad key"),
        (headers(origin="https://evil.example"), {"message": "x"}, 403, "origin not allowed"),
        (headers(), {"method": "delete"}, 400, "method not allowed"),
        (headers(), {"method": "log"}, 400, "log requires a handle"),
        (headers(), {"message": "  "}, 400, "message is required"),
        (headers(), {"message": "x" * 9000}, 413, "message too large"),
        (
            headers(),
            {"message": "x", "user_meta_data": [1]},
            400,
            "user_meta_data must be an object",
        ),
        (
            headers(),
            {"message": "x", "user_meta_data": {"a": "b" * 9000}},
            413,
            "user_meta_data too large",
        ),
        (headers(), {"message": "x", "handle": "nope"}, 400, "malformed handle"),
        (headers(), [1, 2], 400, "body must be a JSON object"),
    ],
)
async def test_refusals_are_4xx_json(
    hdrs: dict[str, str], body: Any, status: int, error: str
) -> None:
    agent, _gw, fake = setup()
    async with browser(agent.get_app()) as b:
        resp = await b.post("/chat/", json=body, headers=hdrs)
    assert (resp.status_code, resp.json()) == (status, {"error": error})
    no_secrets(resp.text)
    assert not fake.journal  # nothing refused reaches the service


@pytest.mark.asyncio
async def test_handles_are_signed_and_expire() -> None:
    _agent, gw, _fake = setup()
    handle = gw.mint_handle("conv.1")
    assert gw.read_handle(handle) == "conv.1"
    other = ChatGateway(config_url=CONFIG_URL, key=KEY, secret="t" * 32, client=gw.client)
    with pytest.raises(GatewayRejection) as forged:
        other.read_handle(handle)
    assert forged.value.status == 403 and forged.value.reason == "invalid handle"
    expired = ChatGateway(
        config_url=CONFIG_URL, key=KEY, secret="s" * 32, handle_ttl=-10, client=gw.client
    )
    with pytest.raises(GatewayRejection, match="expired handle"):
        gw.read_handle(expired.mint_handle("conv.1"))


@pytest.mark.asyncio
async def test_cors_preflight() -> None:
    agent, _gw, _fake = setup()
    async with browser(agent.get_app()) as b:
        ok = await b.options("/chat/", headers={"Origin": ORIGIN})
        bad = await b.options("/chat/", headers={"Origin": "https://evil.example"})
        local = await b.options("/chat/", headers={"Origin": "http://localhost:5173"})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == ORIGIN
    assert ok.headers["access-control-allow-headers"] == "Authorization, Content-Type"
    assert bad.status_code == 204 and "access-control-allow-origin" not in bad.headers
    assert local.headers["access-control-allow-origin"] == "http://localhost:5173"


@pytest.mark.asyncio
async def test_rate_caps() -> None:
    agent, gw, _fake = setup(max_new_conversations=2, max_turns=2)
    async with browser(agent.get_app()) as b:
        codes = [
            (await b.post("/chat/", json={"message": "m"}, headers=headers())).status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        handle = gw.mint_handle("conv.turns")
        turns = [
            (
                await b.post("/chat/", json={"message": "m", "handle": handle}, headers=headers())
            ).status_code
            for _ in range(3)
        ]
        assert turns == [200, 200, 429]
        last = await b.post("/chat/", json={"message": "m", "handle": handle}, headers=headers())
        assert last.json() == {"error": "conversation turn limit reached"}


@pytest.mark.asyncio
async def test_upstream_errors_are_502_json_with_cors() -> None:
    agent, gw, fake = setup()
    fake.fail_next(-32001, "conversation xyz not found in shard 7")
    async with browser(agent.get_app()) as b:
        resp = await b.post(
            "/chat/", json={"method": "log", "handle": gw.mint_handle("c")}, headers=headers()
        )
    assert resp.status_code == 502
    assert resp.json() == {"error": "conversation not found"}
    assert resp.headers["access-control-allow-origin"] == ORIGIN


@pytest.mark.asyncio
async def test_oversized_body_is_refused_before_parsing() -> None:
    agent, _gw, _fake = setup()
    async with browser(agent.get_app()) as b:
        resp = await b.post("/chat/", content=b"{" * (70 * 1024), headers=headers())
        deep = await b.post("/chat/", content=b"[" * 60000 + b"]" * 60000, headers=headers())
    assert resp.status_code == 413 and resp.json() == {"error": "request too large"}
    assert deep.status_code in {400, 413}


# -- HandoffRouter -------------------------------------------------------------------------


def handoff_setup(**kwargs: Any) -> tuple[Any, ChatGateway, HandoffRouter, dict[str, list[Any]]]:
    agent, gw, _fake = setup()
    seen: dict[str, list[Any]] = {"ended": [], "captured": [], "said": []}

    async def capture_leg(conversation_id: str, medium: str) -> bool:
        seen["captured"].append((conversation_id, medium))
        return True

    def end_call(call_id: str) -> None:
        seen["ended"].append(call_id)

    async def send_message(call_id: str, text: str) -> None:
        seen["said"].append((call_id, text))

    router = HandoffRouter(
        gateway=gw, capture_leg=capture_leg, end_call=end_call, send_message=send_message, **kwargs
    )
    agent.mount(router.router(), prefix="/chat")
    return agent, gw, router, seen


@pytest.mark.asyncio
async def test_a_nonce_hands_a_call_over_once() -> None:
    agent, gw, router, seen = handoff_setup()
    router.register("n-1234567890", conversation_id="order.7", call_id="call-9")
    router.register("n-1234567890", conversation_id="other", call_id="x")  # first one wins
    async with browser(agent.get_app()) as b:
        said = await b.post(
            "/chat/say",
            json={"nonce": "n-1234567890", "text": " hello "},
            headers={"Origin": ORIGIN},
        )
        assert said.json() == {"ok": True}
        first = await b.post(
            "/chat/handoff", json={"nonce": "n-1234567890"}, headers={"Origin": ORIGIN}
        )
        again = await b.post(
            "/chat/handoff", json={"nonce": "n-1234567890"}, headers={"Origin": ORIGIN}
        )
        unknown = await b.post("/chat/handoff", json={"nonce": "guess"}, headers={"Origin": ORIGIN})
        evil = await b.post(
            "/chat/handoff", json={"nonce": "x"}, headers={"Origin": "https://evil.example"}
        )
        # the gateway's own route still answers beside the handoff routes
        chat = await b.post(
            "/chat/", json={"message": "m", "handle": first.json()["handle"]}, headers=headers()
        )
    assert seen["said"] == [("call-9", "hello")]
    assert gw.read_handle(first.json()["handle"]) == "order.8"
    assert (again.status_code, again.json()) == (404, {"error": "not found"})
    assert unknown.status_code == 404 and evil.status_code == 403
    assert seen["ended"] == ["call-9"] and seen["captured"] == [("order.7", "voice")]
    assert chat.status_code == 200


@pytest.mark.asyncio
async def test_nonces_expire_and_say_is_capped() -> None:
    _agent, _gw, router, _seen = handoff_setup(nonce_ttl=60, max_messages_per_call=1)
    router.register("old", conversation_id="c", call_id="k")
    router._entries["old"].issued_at -= 120
    assert await router.redeem("old") is None
    router.register("n2", conversation_id="c", call_id="k")
    assert await router.say("n2", "one") is True
    assert await router.say("n2", "two") is False
    assert await router.say("n2", "x" * 9000) is False
    assert isinstance(router._entries["n2"], NonceEntry)


@pytest.mark.asyncio
async def test_escalate_waits_for_the_chat_record() -> None:
    _agent, gw, router, seen = handoff_setup()
    assert await router.escalate(gw.mint_handle("conv.3")) is True
    assert seen["captured"] == [("conv.3", "chat")]
    assert await router.escalate("forged.handle") is False


@pytest.mark.asyncio
async def test_a_slow_capture_only_delays_until_the_timeout() -> None:
    _agent, gw, _, _ = handoff_setup()
    never = asyncio.Event()

    async def slow(conversation_id: str, medium: str) -> None:
        await never.wait()

    router = HandoffRouter(gateway=gw, capture_leg=slow, capture_timeout=0.05)
    router.register("n", conversation_id="c.1")
    assert gw.read_handle(await router.redeem("n") or "") == "c.2"
