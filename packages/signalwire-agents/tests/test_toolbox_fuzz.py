"""Fuzz the internet-facing gateways: no 5xx, no hang, JSON errors, no credential echoed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
from chat_testkit import KEY, ORIGIN, TOKEN, browser, chat_client, new_fake
from gateway_testkit import service
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents.ai_chat import ChatGateway, HandoffRouter
from signalwire.agents.mcp_gateway import MCPGateway

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
chat_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "method": st.sampled_from(["start", "chat", "log", "end", "delete", ""]) | json_values,
            "message": st.text(max_size=200) | json_values,
            "handle": st.text(max_size=80) | json_values,
            "user_meta_data": json_values,
            "config_url": st.just("https://evil.example/swml"),
        },
    ),
)
nesting = st.integers(min_value=1, max_value=50_000).map(lambda n: "[" * n + "]" * n)
raw = st.one_of(
    chat_bodies.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    nesting.map(str.encode),
)
hdrs = st.fixed_dictionaries(
    {},
    optional={
        "Authorization": st.sampled_from(
            [f"Bearer {KEY}", "Bearer pk_x", "Basic Zm9vOmJhcg==", ""]
        ),
        "Origin": st.sampled_from([ORIGIN, "https://evil.example", "null", "http://localhost"]),
        "Content-Type": st.sampled_from(["application/json", "text/plain"]),
    },
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_chat_gateway_and_handoff_routes() -> None:
    from skills_testkit import new_agent

    fake = new_fake()
    gw = ChatGateway(
        config_url="https://u:pw@agent.example/swml",
        key=KEY,
        allowed_origins=[ORIGIN],
        client=chat_client(fake),
        max_new_conversations=10**6,
    )
    router = HandoffRouter(gateway=gw, send_message=lambda call_id, text: None)
    router.register("n-1", conversation_id="c", call_id="k")
    agent = new_agent()
    agent.mount(gw.router(), prefix="/chat")
    agent.mount(router.router(), prefix="/chat")
    app = agent.get_app()
    loop = asyncio.new_event_loop()

    @SETTINGS
    @given(
        path=st.sampled_from(["/chat/", "/chat/handoff", "/chat/escalate", "/chat/say"]),
        method=st.sampled_from(["POST", "POST", "POST", "OPTIONS", "GET"]),
        body=raw,
        headers=hdrs,
    )
    def check(path: str, method: str, body: bytes, headers: dict[str, str]) -> None:
        async def go() -> httpx.Response:
            async with browser(app) as b:
                return await asyncio.wait_for(
                    b.request(method, path, content=body, headers=headers), 10
                )

        resp = loop.run_until_complete(go())
        assert resp.status_code < 500, (resp.status_code, resp.text)
        assert TOKEN not in resp.text and "pw@agent" not in resp.text
        if resp.status_code >= 400 and method == "POST":
            assert "error" in resp.json()

    try:
        check()
    finally:
        loop.run_until_complete(gw.close())
        loop.close()
    assert len(gw._turns) <= 1025 + 1


def test_mcp_gateway_routes(tmp_path: Path) -> None:
    gw = MCPGateway(
        config={
            "server": {"auth_user": "admin", "auth_password": "pw-secret"},
            "services": {"todo": service("ok")},
            "session": {"sandbox_dir": str(tmp_path), "max_sessions_per_service": 2},
            "rate_limiting": {"call_limit": None, "tools_limit": None},
        }
    )
    loop = asyncio.new_event_loop()
    auth = httpx.BasicAuth("admin", "pw-secret")
    paths = st.sampled_from(
        [
            "/health",
            "/services",
            "/services/todo/tools",
            "/services/todo/call",
            "/services/nope/call",
            "/sessions",
            "/sessions/abc",
            "/sessions/..",
            "/services/%00/call",
        ]
    )
    call_bodies = st.fixed_dictionaries(
        {},
        optional={
            "tool": st.sampled_from(["echo", "bad tool", ""]) | json_values,
            "session_id": st.sampled_from(["s1", "s2", "s3", "../x"]) | json_values,
            "arguments": json_values,
            "timeout": json_values,
            "metadata": json_values,
        },
    ).map(lambda v: json.dumps(v).encode())

    @SETTINGS
    @given(
        path=paths,
        method=st.sampled_from(["GET", "POST", "DELETE", "PUT"]),
        body=st.one_of(call_bodies, raw),
        authed=st.booleans(),
    )
    def check(path: str, method: str, body: bytes, authed: bool) -> None:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=gw.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as c:
                return await asyncio.wait_for(
                    c.request(method, path, content=body, auth=auth if authed else None), 20
                )

        resp = loop.run_until_complete(go())
        assert resp.status_code < 500, (resp.status_code, resp.text)
        assert "pw-secret" not in resp.text
        if resp.status_code in {400, 401, 404, 413, 429}:
            assert resp.headers["content-type"] == "application/json"

    try:
        check()
    finally:
        loop.run_until_complete(gw.shutdown())
        loop.close()
    assert len(gw.session_manager.sessions) == 0
