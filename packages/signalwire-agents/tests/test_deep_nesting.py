"""JSON decoded a second time (``argument.raw``, ``post_prompt_data.raw``), the ``/mcp`` body
and serverless bodies: any nesting depth is a 4xx with a JSON error or a normal answer,
never a 500 from ``RecursionError``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for, swaig_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signalwire.agents import AgentBase, FunctionResult
from signalwire.agents._hosting import serverless

DEPTHS = [1, 50, 400, 800, 950, 990, 1000, 1500, 5000, 100_000]


def nested(depth: int, kind: str = "list") -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def make_agent() -> AgentBase:
    agent = AgentBase("deep", route="/", basic_auth=CREDS, swaig_secret="s")
    agent.prompt_add_section("Role", "Test.")
    agent.set_post_prompt("Summarize.")
    agent.define_tool(
        "echo", "Echo", {"x": {"type": "object"}}, lambda a, r: FunctionResult("ok"), secure=False
    )

    @agent.tool(secure=False)
    def typed(data: dict[str, Any]) -> str:
        """Typed."""
        return "typed"

    agent.enable_mcp_server()
    return agent


AGENT = make_agent()


def assert_json_answer(status: int, text: str) -> None:
    assert status < 500, text
    assert isinstance(json.loads(text), dict)


def swaig_raw(function: str, raw: str) -> dict[str, Any]:
    body = swaig_body(function, {})
    body["argument"] = {"raw": raw, "substituted": ""}
    return body


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("kind", ["list", "object"])
async def test_argument_raw(depth: int, kind: str) -> None:
    async with client_for(AGENT.get_app()) as client:
        for function in ("echo", "typed"):
            raw = '{"x":' + nested(depth, kind) + "}" if kind == "object" else nested(depth)
            resp = await client.post("/swaig/", json=swaig_raw(function, raw), headers=basic())
            assert_json_answer(resp.status_code, resp.text)
            if depth >= 5000:
                assert resp.status_code == 400 and "nested too deeply" in resp.json()["error"]


@pytest.mark.parametrize("depth", DEPTHS)
async def test_post_prompt_raw(depth: int) -> None:
    from agents_testkit import token_from

    async with client_for(AGENT.get_app()) as client:
        doc = (await client.post("/", json={}, headers=basic())).json()
        url = next(v["ai"]["post_prompt_url"] for v in doc["sections"]["main"] if "ai" in v)
        token = token_from(url)
        body = {"call_id": "c", "post_prompt_data": {"raw": nested(depth, "object")}}
        resp = await client.post(f"/post_prompt/?__token={token}", json=body, headers=basic())
        assert_json_answer(resp.status_code, resp.text)
        if depth >= 5000:
            assert resp.status_code == 400 and "nested too deeply" in resp.json()["error"]


@pytest.mark.parametrize("depth", DEPTHS)
async def test_mcp_body(depth: int) -> None:
    async with client_for(AGENT.get_app()) as client:
        for body in (
            nested(depth),
            json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call"})[:-1]
            + ',"params":{"name":"echo","arguments":{"x":'
            + nested(depth, "object")
            + "}}}",
        ):
            resp = await client.post(
                "/mcp", content=body, headers={**basic(), "content-type": "application/json"}
            )
            assert_json_answer(resp.status_code, resp.text)
            if depth >= 5000:
                assert resp.status_code == 400


@pytest.mark.parametrize("depth", DEPTHS)
def test_serverless_bodies(depth: int) -> None:
    app = AGENT.get_app()
    auth = basic()
    body = nested(depth, "object")
    event = {
        "version": "2.0",
        "rawPath": "/swaig/",
        "rawQueryString": "",
        "headers": {**auth, "content-type": "application/json", "host": "x.lambda-url.aws"},
        "requestContext": {"http": {"method": "POST", "sourceIp": "198.51.100.1"}},
        "body": body,
        "isBase64Encoded": False,
    }
    answer = serverless.handle_lambda(app, event, None)
    assert_json_answer(answer["statusCode"], answer["body"])
    raw = json.dumps(swaig_raw("echo", nested(depth)))
    answer = serverless.handle_lambda(app, {**event, "body": raw}, None)
    assert_json_answer(answer["statusCode"], answer["body"])


# Hypothesis: any mix of depth, container kind and place.
deep_json = st.builds(
    nested, st.integers(min_value=1, max_value=20_000), st.sampled_from(["list", "object"])
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=deep_json, where=st.sampled_from(["argument", "mcp", "body"]))
async def test_fuzzed_deep_nesting_never_crashes(raw: str, where: str) -> None:
    async with client_for(AGENT.get_app()) as client:
        if where == "argument":
            resp = await client.post("/swaig/", json=swaig_raw("echo", raw), headers=basic())
        elif where == "mcp":
            resp = await client.post(
                "/mcp", content=raw, headers={**basic(), "content-type": "application/json"}
            )
        else:
            resp = await client.post(
                "/swaig/", content=raw, headers={**basic(), "content-type": "application/json"}
            )
    assert_json_answer(resp.status_code, resp.text)
