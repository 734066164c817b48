"""``enable_mcp_server()``: the agent's tools over ``POST {route}/mcp`` (JSON-RPC 2.0, MCP)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from agents_testkit import CREDS, basic, client_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents import AgentBase, DataMap, FunctionResult


def make_agent(enable: bool = True) -> AgentBase:
    agent = AgentBase("mcp-agent", route="/bot", basic_auth=CREDS, swaig_secret="s")
    agent.prompt_add_section("Role", "Help.")

    # Not secure: an MCP client holds no call, so these need no tool token.
    @agent.tool(description="Greet someone", secure=False)
    def greet(name: str) -> FunctionResult:
        return FunctionResult(f"hello {name}")

    def fail(args: dict[str, Any], raw_data: dict[str, Any]) -> None:
        raise RuntimeError("db password=x")

    agent.define_tool("fail", "Fails", {}, fail, secure=False)
    agent.register_swaig_function(
        DataMap("remote").purpose("Runs on the platform").fallback_output(FunctionResult("x"))
    )
    agent.on_call_start(lambda raw: None)
    if enable:
        assert agent.enable_mcp_server() is agent
    return agent


async def rpc(client: httpx.AsyncClient, body: Any, path: str = "/bot/mcp") -> httpx.Response:
    return await client.post(
        path, content=json.dumps(body), headers={**basic(), "content-type": "application/json"}
    )


async def test_initialize_list_call_and_ping() -> None:
    async with client_for(make_agent().get_app()) as client:
        init = await rpc(
            client,
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "test", "version": "1"},
                },
            },
        )
        assert init.status_code == 200
        result = init.json()["result"]
        assert init.json()["id"] == 1
        assert result["protocolVersion"] == "2025-06-18"
        assert result["capabilities"] == {"tools": {"listChanged": False}}
        assert result["serverInfo"]["name"] == "mcp-agent"

        note = await rpc(client, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        assert note.status_code == 202 and note.content == b""

        listed = (await rpc(client, {"jsonrpc": "2.0", "id": "l", "method": "tools/list"})).json()
        tools = {t["name"]: t for t in listed["result"]["tools"]}
        # Platform-side (DataMap) tools and the call hooks are not offered.
        assert set(tools) == {"greet", "fail"}
        assert tools["greet"]["inputSchema"] == {
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
        }

        called = (
            await rpc(
                client,
                {
                    "jsonrpc": "2.0",
                    "id": 3,
                    "method": "tools/call",
                    "params": {"name": "greet", "arguments": {"name": "Ada"}},
                },
            )
        ).json()
        assert called == {
            "jsonrpc": "2.0",
            "id": 3,
            "result": {
                "content": [{"type": "text", "text": "hello Ada"}],
                "isError": False,
            },
        }
        failed = (
            await rpc(
                client,
                {
                    "jsonrpc": "2.0",
                    "id": 4,
                    "method": "tools/call",
                    "params": {"name": "fail"},
                },
            )
        ).json()["result"]
        assert failed["isError"] is True
        assert "password" not in failed["content"][0]["text"]

        pong = (await rpc(client, {"jsonrpc": "2.0", "id": 5, "method": "ping"})).json()
        assert pong == {"jsonrpc": "2.0", "id": 5, "result": {}}


async def test_errors_are_json_rpc_errors() -> None:
    async with client_for(make_agent().get_app()) as client:
        unknown = (await rpc(client, {"jsonrpc": "2.0", "id": 1, "method": "bogus"})).json()
        assert unknown["error"]["code"] == -32601
        missing = (
            await rpc(
                client,
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "tools/call",
                    "params": {"name": "nope"},
                },
            )
        ).json()
        assert missing["error"] == {"code": -32602, "message": "Unknown tool: nope"}
        remote = (
            await rpc(
                client,
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "tools/call",
                    "params": {"name": "remote"},
                },
            )
        ).json()
        assert remote["error"]["code"] == -32602
        bad_args = (
            await rpc(
                client,
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "tools/call",
                    "params": {"name": "greet", "arguments": [1]},
                },
            )
        ).json()
        assert bad_args["error"]["code"] == -32602
        parse = await client.post("/bot/mcp", content=b"{not json", headers=basic())
        assert parse.status_code == 400 and parse.json()["error"]["code"] == -32700
        batch = await rpc(client, [{"jsonrpc": "2.0", "id": 1, "method": "ping"}])
        assert batch.status_code == 400 and batch.json()["error"]["code"] == -32600
        assert (await rpc(client, {"id": 1, "method": "ping"})).status_code == 400
        assert (await client.get("/bot/mcp", headers=basic())).status_code == 405
        unauthorised = await client.post(
            "/bot/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"}
        )
        assert unauthorised.status_code == 401


async def test_not_enabled_is_a_404() -> None:
    async with client_for(make_agent(enable=False).get_app()) as client:
        resp = await rpc(client, {"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert resp.status_code == 404
    assert resp.json() == {"error": "Not found"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
requests = (
    st.fixed_dictionaries(
        {},
        optional={
            "jsonrpc": st.sampled_from(["2.0", "1.0"]) | json_values,
            "id": json_values,
            "method": st.sampled_from(["initialize", "tools/list", "tools/call", "ping", "x"])
            | json_values,
            "params": json_values
            | st.fixed_dictionaries(
                {},
                optional={
                    "name": st.sampled_from(["greet", "fail"]) | json_values,
                    "arguments": json_values,
                },
            ),
        },
    )
    | json_values
)

AGENT = make_agent()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=requests)
async def test_fuzzed_requests_never_crash(body: Any) -> None:
    async with client_for(AGENT.get_app()) as client:
        resp = await rpc(client, body)
    assert resp.status_code in (200, 202, 400), resp.text
    if resp.status_code != 202:
        answer = resp.json()
        assert answer["jsonrpc"] == "2.0"
        assert ("result" in answer) != ("error" in answer)


async def test_secure_tools_need_a_valid_token_as_on_swaig() -> None:
    from agents_testkit import swml_fetch_body, token_from

    agent = make_agent()
    agent.define_tool("vault", "Secure", {}, lambda a, r: FunctionResult("opened"))

    def call(call_id: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"name": "vault", "arguments": {}}
        if call_id:
            params["_meta"] = {"call_id": call_id}
        return {"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": params}

    refusal = "I'm sorry, the security token for this function is invalid or expired."
    async with client_for(agent.get_app()) as client:
        for query in ("", "?__token=garbage"):
            resp = (await rpc(client, call(), f"/bot/mcp{query}")).json()["result"]
            assert resp["isError"] is True and resp["content"][0]["text"].startswith(refusal)
        doc = (await client.post("/bot/", json=swml_fetch_body("call-7"), headers=basic())).json()
        urls = {
            f["function"]: f.get("web_hook_url")
            for v in doc["sections"]["main"]
            if "ai" in v
            for f in v["ai"]["SWAIG"]["functions"]
        }
        token = token_from(urls["vault"])
        ok = (await rpc(client, call("call-7"), f"/bot/mcp?__token={token}")).json()["result"]
        assert ok == {"content": [{"type": "text", "text": "opened"}], "isError": False}
        # Bound to its call and its tool, as on /swaig/.
        other = (await rpc(client, call("call-8"), f"/bot/mcp?__token={token}")).json()
        assert other["result"]["isError"] is True
        assert other["result"]["content"][0]["text"].startswith(refusal)
        agent.define_tool("safe2", "Secure too", {}, lambda a, r: FunctionResult("x"))
        wrong_tool = {**call("call-7"), "params": {"name": "safe2", "_meta": {"call_id": "call-7"}}}
        wrong = (await rpc(client, wrong_tool, f"/bot/mcp?__token={token}")).json()
        assert wrong["result"]["isError"] is True
