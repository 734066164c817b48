"""Regression tests for issues found in review: forged tokens, hook isolation, HSTS, auth scheme."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for, swaig_body, swml_fetch_body, token_from

from signalwire.agents import AgentBase, FunctionResult
from signalwire.testing.swml import validate_swml

REFUSAL = "I'm sorry, the security token for this function is invalid or expired."


def make_agent(**kwargs: Any) -> AgentBase:
    agent = AgentBase("review", basic_auth=CREDS, swaig_secret="s3cret", **kwargs)
    agent.prompt_add_section("Role", "Test.")
    agent.define_tool("vault", "Secure", {}, lambda a, r: FunctionResult("opened"))
    return agent


def forged(call_id: str, sig: str) -> str:
    raw = f"{call_id}.vault.9999999999.0011223344556677.{sig}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "token",
    [forged("call-1", "ü"), forged("ü", "ab" * 32), forged("call-1", "\ud800x"[1:] + "é" * 3)],
)
async def test_forged_non_ascii_tokens_are_refused_not_500(token: str) -> None:
    agent = make_agent()
    async with client_for(agent.get_app()) as client:
        resp = await client.post(
            f"/swaig/?__token={token}", json=swaig_body("vault", {}, "call-1"), headers=basic()
        )
        assert resp.status_code == 200
        assert resp.json()["response"].startswith(REFUSAL)
        resp = await client.post(
            f"/post_prompt/?__token={token}",
            json={"call_id": "call-1", "post_prompt_data": {"raw": "x"}},
            headers=basic(),
        )
        assert resp.status_code == 403


async def test_valid_token_with_non_ascii_call_id_in_body_is_refused_not_500() -> None:
    agent = make_agent()
    async with client_for(agent.get_app()) as client:
        doc = validate_swml(
            (await client.post("/", json=swml_fetch_body("call-1"), headers=basic())).json()
        )
        url = next(
            f["web_hook_url"]
            for v in doc["sections"]["main"]
            if "ai" in v
            for f in v["ai"]["SWAIG"]["functions"]
            if f["function"] == "vault"
        )
        token = token_from(url)
        resp = await client.post(
            f"/swaig/?__token={token}", json=swaig_body("vault", {}, "cäll-ü"), headers=basic()
        )
        assert resp.status_code == 200
        assert resp.json()["response"].startswith(REFUSAL)
        ok = await client.post(
            f"/swaig/?__token={token}", json=swaig_body("vault", {}, "call-1"), headers=basic()
        )
        assert ok.json()["response"] == "opened"


async def test_hooks_added_per_call_stay_on_the_copy() -> None:
    agent = make_agent()

    def per_call(query: Any, body: Any, headers: Any, copy: AgentBase) -> None:
        copy.on_call_start(lambda *a: None)
        copy.on_call_end(lambda *a: None)
        copy.register_routing_callback(lambda *a: None, path="/sip")

    agent.set_dynamic_config_callback(per_call)
    before = (
        len(agent._call_start_handlers),
        len(agent._call_end_handlers),
        dict(agent._routing_callbacks),
    )
    async with client_for(agent.get_app()) as client:
        for n in range(3):
            resp = await client.post("/", json=swml_fetch_body(f"c-{n}"), headers=basic())
            assert resp.status_code == 200
            validate_swml(resp.json())
    after = (
        len(agent._call_start_handlers),
        len(agent._call_end_handlers),
        dict(agent._routing_callbacks),
    )
    assert after == before


async def test_hsts_only_when_serving_tls() -> None:
    plain = make_agent()
    async with client_for(plain.get_app()) as client:
        resp = await client.get("/health")
        assert "strict-transport-security" not in resp.headers
    tls = make_agent()
    tls.ssl_enabled = True
    async with client_for(tls.get_app(), base_url="https://agent.test") as client:
        resp = await client.post("/", json=swml_fetch_body("c-1"), headers=basic())
        assert resp.status_code == 200
        assert resp.headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize("scheme", ["basic", "BASIC", "bAsIc"])
async def test_basic_scheme_is_case_insensitive(scheme: str) -> None:
    agent = make_agent()
    value = basic()["Authorization"].split(" ", 1)[1]
    async with client_for(agent.get_app()) as client:
        resp = await client.post(
            "/", json=swml_fetch_body("c-1"), headers={"Authorization": f"{scheme} {value}"}
        )
        assert resp.status_code == 200
        wrong = await client.post(
            "/", json=swml_fetch_body("c-1"), headers={"Authorization": f"{scheme} eDp5"}
        )
        assert wrong.status_code == 401
        assert json.loads(wrong.text) == {"error": "Unauthorized"}


async def test_on_swml_request_sees_query_params() -> None:
    seen: list[str | None] = []

    class Agent(AgentBase):
        def on_swml_request(
            self, request_data: Any = None, callback_path: Any = None, request: Any = None
        ) -> Any:
            seen.append(request.query_params.get("tenant"))
            return None

    agent = Agent("q", basic_auth=CREDS)
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/?tenant=acme", json=swml_fetch_body("c-1"), headers=basic())
        assert resp.status_code == 200
    assert seen == ["acme"]


async def test_generated_swaig_secret_is_logged_once_without_the_secret(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SIGNALWIRE_SWAIG_SECRET", raising=False)
    agent = AgentBase("nosecret", basic_auth=CREDS)
    agent.define_tool("vault", "Secure", {}, lambda a, r: "x")
    async with client_for(agent.get_app()) as client:
        with caplog.at_level("WARNING", logger="signalwire.agents"):
            for n in range(3):
                resp = await client.post("/", json=swml_fetch_body(f"c-{n}"), headers=basic())
                assert resp.status_code == 200
    warnings = [r for r in caplog.records if "no SWAIG secret configured" in r.getMessage()]
    assert len(warnings) == 1
    assert "replicas" in warnings[0].getMessage()
    assert agent._swaig_secret and agent._swaig_secret not in caplog.text
