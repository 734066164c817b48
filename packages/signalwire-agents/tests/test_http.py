"""The HTTP contract (README, "HTTP contract") driven with platform-shaped requests through the ASGI app."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
from typing import Any

import pytest
from agents_testkit import (
    CREDS,
    ai_of,
    basic,
    client_for,
    post_prompt_body,
    swaig_body,
    swml_fetch_body,
    token_from,
)

from signalwire.agents import AgentBase, FunctionResult, SWMLService
from signalwire.testing.swml import validate_swml

REFUSAL = (
    "I'm sorry, the security token for this function is invalid or expired. "
    "I cannot execute this action."
)


def make_agent(**kwargs: Any) -> AgentBase:
    kwargs.setdefault("basic_auth", CREDS)
    kwargs.setdefault("swaig_secret", "test-secret")
    agent = AgentBase("tester", **kwargs)
    agent.prompt_add_section("Role", "You test things.")

    def echo(args: dict[str, Any], raw: dict[str, Any]) -> FunctionResult:
        return FunctionResult(f"echo {args.get('text')} in {threading.current_thread().name}")

    async def aecho(args: dict[str, Any], raw: dict[str, Any]) -> FunctionResult:
        await asyncio.sleep(0)
        return FunctionResult(f"async {args.get('text')}").update_global_data({"seen": True})

    def boom(args: dict[str, Any], raw: dict[str, Any]) -> None:
        raise RuntimeError("database unreachable")

    agent.define_tool("echo", "Echo", {"text": {"type": "string"}}, echo, secure=False)
    agent.define_tool("aecho", "Async echo", {"text": {"type": "string"}}, aecho, secure=False)
    agent.define_tool("boom", "Fails", {}, boom, secure=False)
    agent.define_tool("vault", "Secure", {}, lambda a, r: "opened")
    return agent


async def fetch_swml(client: Any, path: str = "/", call_id: str = "call-1") -> dict[str, Any]:
    resp = await client.post(path, json=swml_fetch_body(call_id), headers=basic())
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/json"
    return validate_swml(resp.json())


def fn_url(doc: dict[str, Any], name: str) -> str:
    for fn in ai_of(doc)["SWAIG"]["functions"]:
        if fn["function"] == name:
            return str(fn["web_hook_url"])
    raise AssertionError(name)


async def test_swml_fetch_get_and_post() -> None:
    async with client_for(make_agent(route="/bot").get_app()) as client:
        doc = await fetch_swml(client, "/bot/")
        assert ai_of(doc)["prompt"]["pom"][0]["title"] == "Role"
        for path in ("/bot", "/bot//", "/bot/debug"):
            resp = await client.get(path, headers=basic())
            assert resp.status_code == 200, path
            validate_swml(resp.json())
        assert (await client.get("/bot/swaig/", headers=basic())).status_code == 200
        assert (await client.get("/bot/nope/", headers=basic())).status_code == 404
        assert (await client.get("/other/", headers=basic())).status_code == 404
        assert (await client.get("/bot/", headers=basic())).headers["x-frame-options"] == "DENY"


async def test_webhook_urls_follow_the_request_host_and_forwarded_headers() -> None:
    async with client_for(make_agent(route="/bot").get_app(), "https://agent.example.com") as c:
        doc = await fetch_swml(c, "/bot/")
        assert ai_of(doc)["SWAIG"]["defaults"]["web_hook_url"] == (
            "https://signalwire:s3cret@agent.example.com/bot/swaig/"
        )
        headers = {**basic(), "X-Forwarded-Host": "public.example", "X-Forwarded-Proto": "https"}
        resp = await c.post("/bot/", json={}, headers=headers)
        assert ai_of(validate_swml(resp.json()))["SWAIG"]["defaults"]["web_hook_url"] == (
            "https://signalwire:s3cret@public.example/bot/swaig/"
        )
        headers = {**basic(), "Forwarded": "for=1.2.3.4;host=fwd.example;proto=https"}
        resp = await c.post("/bot/", json={}, headers=headers)
        validate_swml(resp.json())
        assert "https://signalwire:s3cret@fwd.example/bot/swaig/" in resp.text


async def test_proxy_env_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_PROXY_URL_BASE", "https://proxy.example/")
    async with client_for(make_agent().get_app()) as client:
        headers = {**basic(), "X-Forwarded-Host": "ignored.example"}
        resp = await client.post("/", json={}, headers=headers)
        validate_swml(resp.json())
        assert "https://signalwire:s3cret@proxy.example/swaig/" in resp.text


async def test_basic_auth_required_except_health() -> None:
    async with client_for(make_agent(route="/bot").get_app()) as client:
        for headers in (
            {},
            basic("signalwire", "wrong"),
            basic("x", "s3cret"),
            {"Authorization": "Bearer abc"},
            {"Authorization": "Basic !!!"},
        ):
            resp = await client.post("/bot/", json={}, headers=headers)
            assert resp.status_code == 401
            assert resp.json() == {"error": "Unauthorized"}
            assert resp.headers["www-authenticate"].startswith("Basic")
        resp = await client.post("/bot/swaig/", json=swaig_body("echo", {}))
        assert resp.status_code == 401
        assert (await client.get("/health")).json() == {"status": "healthy", "agent": "tester"}
        assert (await client.get("/ready")).json() == {"status": "ready"}


async def test_custom_validate_basic_auth_override() -> None:
    class Custom(AgentBase):
        def validate_basic_auth(self, username: str, password: str) -> bool:
            return username == "alice" and password == "pw"

    async with client_for(Custom("c", basic_auth=CREDS).get_app()) as client:
        assert (await client.get("/", headers=basic("alice", "pw"))).status_code == 200
        assert (await client.get("/", headers=basic())).status_code == 401


async def test_bad_requests_get_json_4xx() -> None:
    async with client_for(make_agent().get_app()) as client:
        resp = await client.post(
            "/swaig/", content=b"{not json", headers={**basic(), "Content-Type": "application/json"}
        )
        assert resp.status_code == 400
        assert "not valid JSON" in resp.json()["error"]
        resp = await client.post(
            "/", content=b"a=b", headers={**basic(), "Content-Type": "text/plain"}
        )
        assert resp.status_code == 415
        assert "error" in resp.json()
        resp = await client.post("/swaig/", json=[1, 2], headers=basic())
        assert resp.status_code == 400
        assert "JSON object" in resp.json()["error"]
        resp = await client.post("/swaig/", json={"argument": {}}, headers=basic())
        assert resp.status_code == 400
        assert resp.json() == {"error": "Missing function name"}
        resp = await client.post("/swaig/", json={"function": "../etc"}, headers=basic())
        assert resp.status_code == 400
        assert "Invalid function name format" in resp.json()["error"]
        resp = await client.post("/swaig/", json={"function": 12}, headers=basic())
        assert resp.status_code == 400
        big = b'{"x":"' + b"a" * (10 * 1024 * 1024) + b'"}'
        resp = await client.post(
            "/", content=big, headers={**basic(), "Content-Type": "application/json"}
        )
        assert resp.status_code == 413
        assert "error" in resp.json()
        deep = b"[" * 100_000 + b"]" * 100_000
        resp = await client.post(
            "/swaig/", content=deep, headers={**basic(), "Content-Type": "application/json"}
        )
        assert resp.status_code == 400
        assert "nested" in resp.json()["error"]
        resp = await client.post(
            "/", content=b"\xff\xfe{", headers={**basic(), "Content-Type": "application/json"}
        )
        assert resp.status_code == 400
        resp = await client.put("/", headers=basic())
        assert resp.status_code == 405
        assert "error" in resp.json()


async def test_swaig_dispatch_sync_in_thread_async_awaited_and_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with client_for(make_agent().get_app()) as client:
        resp = await client.post(
            "/swaig/", json=swaig_body("echo", {"text": "hi"}), headers=basic()
        )
        assert resp.status_code == 200
        text = resp.json()["response"]
        assert text.startswith("echo hi in ")
        assert "MainThread" not in text
        resp = await client.post(
            "/swaig/", json=swaig_body("aecho", {"text": "yo"}), headers=basic()
        )
        assert resp.json() == {
            "response": "async yo",
            "action": [{"set_global_data": {"seen": True}}],
        }
        with caplog.at_level(logging.ERROR, logger="signalwire.agents"):
            resp = await client.post(
                "/swaig/", json=swaig_body("boom", {}, "call-77"), headers=basic()
            )
        assert resp.status_code == 200
        # The exception text stays in the log; the AI hears a generic sentence.
        assert resp.json() == {"response": "Sorry, the boom function is not working right now."}
        assert "database unreachable" not in resp.text
        assert "Traceback" not in resp.text
        assert any("call-77" in r.getMessage() for r in caplog.records)
        resp = await client.post("/swaig/", json=swaig_body("nope", {}), headers=basic())
        assert resp.json() == {"response": "Function 'nope' not found"}


async def test_argument_extraction_fallbacks() -> None:
    seen: list[Any] = []
    agent = AgentBase("a", basic_auth=CREDS)
    agent.define_tool("t", "d", {}, lambda args, raw: seen.append(args), secure=False)
    bodies = [
        {"function": "t", "argument": {"parsed": [], "raw": '{"a": 1}'}},
        {"function": "t", "argument": {"raw": "not json"}},
        {"function": "t", "argument": {"parsed": ["not a dict"]}},
        {"function": "t", "arguments": {"b": 2}},
        {"function": "t", "argument": "weird"},
    ]
    async with client_for(agent.get_app()) as client:
        for body in bodies:
            resp = await client.post("/swaig", json=body, headers=basic())
            assert resp.json() == {"response": "Function executed successfully"}
    assert seen == [{"a": 1}, {}, {}, {"b": 2}, {}]


async def test_secure_tool_tokens() -> None:
    agent = make_agent()
    async with client_for(agent.get_app()) as client:
        doc = await fetch_swml(client, call_id="call-9")
        url = fn_url(doc, "vault")
        token = token_from(url)
        body = swaig_body("vault", {}, "call-9")
        resp = await client.post(f"/swaig/?__token={token}", json=body, headers=basic())
        assert resp.json() == {"response": "opened"}
        resp = await client.post(f"/swaig/?token={token}", json=body, headers=basic())
        assert resp.json() == {"response": "opened"}
        for query in ("", "?__token=garbage", f"?__token={token[:-4]}"):
            resp = await client.post(f"/swaig/{query}", json=body, headers=basic())
            assert resp.status_code == 200
            assert resp.json() == {"response": REFUSAL}
        foreign = swaig_body("vault", {}, "call-other")
        resp = await client.post(f"/swaig/?__token={token}", json=foreign, headers=basic())
        assert resp.json() == {"response": REFUSAL}
        no_call = {k: v for k, v in body.items() if k != "call_id"}
        no_call.pop("conversation_id")
        resp = await client.post(f"/swaig/?__token={token}", json=no_call, headers=basic())
        assert resp.json() == {"response": REFUSAL}


async def test_expired_token_refused() -> None:
    agent = make_agent(token_expiry_secs=-1)
    async with client_for(agent.get_app()) as client:
        token = token_from(fn_url(await fetch_swml(client, call_id="c"), "vault"))
        resp = await client.post(
            f"/swaig/?__token={token}", json=swaig_body("vault", {}, "c"), headers=basic()
        )
        assert resp.json() == {"response": REFUSAL}


async def test_two_replicas_sharing_a_secret_accept_each_others_tokens() -> None:
    one, two = make_agent(swaig_secret="shared"), make_agent(swaig_secret="shared")
    other = make_agent(swaig_secret="different")
    async with (
        client_for(one.get_app()) as c1,
        client_for(two.get_app()) as c2,
        client_for(other.get_app()) as c3,
    ):
        token = token_from(fn_url(await fetch_swml(c1, call_id="lb-call"), "vault"))
        body = swaig_body("vault", {}, "lb-call")
        assert (await c2.post(f"/swaig/?__token={token}", json=body, headers=basic())).json() == {
            "response": "opened"
        }
        assert (await c3.post(f"/swaig/?__token={token}", json=body, headers=basic())).json() == {
            "response": REFUSAL
        }


async def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALWIRE_SWAIG_SECRET", "from-env")
    a, b = make_agent(swaig_secret=None), make_agent(swaig_secret=None)
    async with client_for(a.get_app()) as ca, client_for(b.get_app()) as cb:
        token = token_from(fn_url(await fetch_swml(ca, call_id="c"), "vault"))
        resp = await cb.post(
            f"/swaig/?__token={token}", json=swaig_body("vault", {}, "c"), headers=basic()
        )
        assert resp.json() == {"response": "opened"}


async def test_swml_request_without_call_id_mints_usable_tokens() -> None:
    agent = make_agent()
    async with client_for(agent.get_app()) as client:
        resp = await client.get("/", headers=basic())  # no call_id anywhere
        token = token_from(fn_url(validate_swml(resp.json()), "vault"))
        for call_id in ("real-call-1", "real-call-2"):
            resp = await client.post(
                f"/swaig/?__token={token}", json=swaig_body("vault", {}, call_id), headers=basic()
            )
            assert resp.json() == {"response": "opened"}
        resp = await client.post(
            f"/swaig/?__token={token}", json=swaig_body("echo", {}), headers=basic()
        )
        assert resp.json()["response"].startswith("echo")  # non-secure: token irrelevant


async def test_post_prompt_summary_flow() -> None:
    summaries: list[Any] = []

    class Summarizer(AgentBase):
        def on_summary(self, summary: Any, raw_data: Any = None) -> None:
            summaries.append((summary, raw_data["call_id"]))

    agent = Summarizer("s", basic_auth=CREDS, swaig_secret="x")
    agent.set_post_prompt("Summarize as JSON")
    async with client_for(agent.get_app()) as client:
        doc = await fetch_swml(client, call_id="pp-call")
        token = token_from(ai_of(doc)["post_prompt_url"])
        body = post_prompt_body("pp-call", parsed={"topic": "billing"}, raw='{"topic":"billing"}')
        resp = await client.post(f"/post_prompt/?__token={token}", json=body, headers=basic())
        assert resp.status_code == 200
        assert resp.json() == {"success": True}
        raw_only = post_prompt_body("pp-call", raw="plain text summary")
        resp = await client.post(f"/post_prompt/?__token={token}", json=raw_only, headers=basic())
        assert resp.json() == {"success": True}
        resp = await client.post("/post_prompt/", json=body, headers=basic())
        assert resp.status_code == 403
        assert resp.json() == {"error": "Invalid or missing token"}
        wrong = post_prompt_body("other-call", parsed={})
        resp = await client.post(f"/post_prompt/?__token={token}", json=wrong, headers=basic())
        assert resp.status_code == 403
        resp = await client.post(
            f"/post_prompt/?__token={token}&call_id=zzz", json=body, headers=basic()
        )
        assert resp.status_code == 400
    assert summaries == [({"topic": "billing"}, "pp-call"), ("plain text summary", "pp-call")]


async def test_async_on_summary_and_failing_summary_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken(AgentBase):
        async def on_summary(self, summary: Any, raw_data: Any = None) -> None:
            raise ValueError("bad summary store")

    agent = Broken("b", basic_auth=CREDS, swaig_secret="x")
    agent.set_post_prompt("sum")
    async with client_for(agent.get_app()) as client:
        token = token_from(ai_of(await fetch_swml(client, call_id="c"))["post_prompt_url"])
        with caplog.at_level(logging.ERROR):
            resp = await client.post(
                f"/post_prompt/?__token={token}",
                json=post_prompt_body("c", parsed={}),
                headers=basic(),
            )
        assert resp.json() == {"success": True}
        assert any("on_summary failed" in r.getMessage() for r in caplog.records)


async def test_dynamic_config_isolated_per_request_including_swaig() -> None:
    agent = make_agent(route="/dyn")
    calls: list[str] = []

    def configure(
        query: dict[str, str], body: dict[str, Any], headers: dict[str, str], ephemeral: AgentBase
    ) -> None:
        tier = query.get("tier", "basic")
        calls.append(tier)
        ephemeral.add_swaig_query_params({"tier": tier})
        ephemeral.set_global_data({"tier": tier})
        ephemeral.prompt_add_section("Tier", f"Customer tier {tier}")
        if tier == "gold":
            ephemeral.define_tool("perk", "Gold perk", {}, lambda a, r: "perk granted")

    agent.set_dynamic_config_callback(configure)
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/dyn/?tier=gold", json=swml_fetch_body("g1"), headers=basic())
        gold = validate_swml(resp.json())
        assert ai_of(gold)["global_data"] == {"tier": "gold"}
        perk_url = fn_url(gold, "perk")
        assert "tier=gold" in perk_url
        resp = await client.post("/dyn/", json=swml_fetch_body("b1"), headers=basic())
        basic_doc = validate_swml(resp.json())
        assert "perk" not in [f["function"] for f in ai_of(basic_doc)["SWAIG"]["functions"]]
        assert ai_of(basic_doc)["global_data"] == {"tier": "basic"}
        # The tool added per call exists when the platform calls it back (same query params).
        path = perk_url.split("agent.test", 1)[1]
        resp = await client.post(path, json=swaig_body("perk", {}, "g1"), headers=basic())
        assert resp.json() == {"response": "perk granted"}
    # The master agent never changed.
    master = json.loads(agent.render_swml())
    assert "global_data" not in ai_of(master)
    assert [s["title"] for s in ai_of(master)["prompt"]["pom"]] == ["Role"]
    assert calls == ["gold", "basic", "gold"]


async def test_add_per_call_config_runs_in_order_and_on_post_prompt() -> None:
    order: list[str] = []
    agent = make_agent()
    agent.set_post_prompt("sum")
    agent.add_per_call_config(lambda q, b, h, a: order.append("first"))
    agent.add_per_call_config(lambda q, b, h, a: order.append("second"))
    async with client_for(agent.get_app()) as client:
        doc = await fetch_swml(client, call_id="c")
        token = token_from(ai_of(doc)["post_prompt_url"])
        await client.post(
            f"/post_prompt/?__token={token}", json=post_prompt_body("c", parsed={}), headers=basic()
        )
    assert order == ["first", "second", "first", "second"]


async def test_on_swml_request_modifies_ai_verb() -> None:
    class Custom(AgentBase):
        def on_swml_request(
            self, request_data: Any = None, callback_path: Any = None, request: Any = None
        ) -> dict[str, Any]:
            return {"global_data": {"caller": request_data["call"]["from"]}, "hints": ["override"]}

    agent = Custom("c", basic_auth=CREDS)
    agent.set_global_data({"keep": 1}).add_hint("orig")
    async with client_for(agent.get_app()) as client:
        ai = ai_of(await fetch_swml(client))
    assert ai["global_data"] == {"keep": 1, "caller": "+15551230000"}
    assert ai["hints"] == ["override"]


async def test_call_hooks_dispatch() -> None:
    agent = make_agent()
    ended: list[Any] = []
    agent.on_call_start(lambda raw: FunctionResult("hello").say("welcome"))
    agent.on_call_start(lambda raw: FunctionResult("second"))

    @agent.on_call_end
    def ended_hook(call_log: Any, raw: Any) -> None:
        ended.append(call_log)

    async with client_for(agent.get_app()) as client:
        doc = await fetch_swml(client, call_id="h")
        token = token_from(fn_url(doc, "startup_hook"))
        resp = await client.post(
            f"/swaig/?__token={token}", json=swaig_body("startup_hook", {}, "h"), headers=basic()
        )
        assert resp.json() == {"response": "hello\nsecond", "action": [{"say": "welcome"}]}
        token = token_from(fn_url(doc, "hangup_hook"))
        body = {**swaig_body("hangup_hook", {}, "h"), "call_log": [{"role": "user"}]}
        resp = await client.post(f"/swaig/?__token={token}", json=body, headers=basic())
        assert resp.status_code == 200
    assert ended == [[{"role": "user"}]]


async def test_debug_events_and_check_for_input() -> None:
    agent = make_agent()
    events: list[Any] = []
    agent.on_debug_event(lambda kind, data: events.append(kind))
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/debug_events/", json={"label": "barge"}, headers=basic())
        assert resp.json() == {"status": "ok"}
        assert (await client.get("/debug_events", headers=basic())).status_code == 405
        resp = await client.post(
            "/check_for_input", json={"conversation_id": "abc-1"}, headers=basic()
        )
        assert resp.json()["new_input"] is False
        resp = await client.post(
            "/check_for_input", json={"conversation_id": "bad id!"}, headers=basic()
        )
        assert resp.status_code == 400
    assert events == ["barge"]


async def test_routing_callback_redirects() -> None:
    agent = make_agent()
    agent.register_routing_callback(
        lambda body, headers: "/sales" if agent.extract_sip_username(body) == "sales" else None
    )
    async with client_for(agent.get_app()) as client:
        body = swml_fetch_body()
        body["call"]["to"] = "sip:sales@example.sip.signalwire.com"
        resp = await client.post("/sip", json=body, headers=basic())
        assert resp.status_code == 307
        assert resp.headers["location"] == "/sales"
        body["call"]["to"] = "sip:other@x"
        resp = await client.post("/sip/", json=body, headers=basic())
        assert resp.status_code == 200
        validate_swml(resp.json())
    assert SWMLService.extract_sip_username({"call": {"to": "tel:+15551234567"}}) == "+15551234567"
    assert SWMLService.extract_sip_username({}) is None


async def test_mount_inside_a_starlette_app() -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def home(request: Any) -> PlainTextResponse:
        return PlainTextResponse("home")

    app = Starlette(routes=[Route("/", home)])
    agent = make_agent(route="/agent")
    agent.mount(app, prefix="/v1")
    async with client_for(app) as client:
        assert (await client.get("/")).text == "home"
        doc = await fetch_swml(client, "/v1/agent/")
        assert ai_of(doc)["SWAIG"]["defaults"]["web_hook_url"] == (
            "http://signalwire:s3cret@agent.test/v1/agent/swaig/"
        )
        resp = await client.post(
            "/v1/agent/swaig/", json=swaig_body("echo", {"text": "m"}), headers=basic()
        )
        assert resp.json()["response"].startswith("echo m")
        assert (await client.post("/v1/agent/", json={})).status_code == 401


async def test_swml_service_serves_its_document_and_tools() -> None:
    svc = SWMLService("ivr", route="/ivr", basic_auth=CREDS)
    svc.add_verb("answer", {})
    svc.add_verb("play", {"url": "say:Hello"})
    svc.add_section("other")
    svc.add_verb_to_section("other", "hangup", {})
    svc.define_tool("t", "d", {}, lambda a, r: "tool ran", secure=False)
    async with client_for(svc.get_app()) as client:
        resp = await client.post("/ivr/", json=swml_fetch_body(), headers=basic())
        doc = validate_swml(resp.json())
        assert doc["sections"]["main"] == [{"answer": {}}, {"play": {"url": "say:Hello"}}]
        assert doc["sections"]["other"] == [{"hangup": {}}]
        resp = await client.post("/ivr/swaig/", json=swaig_body("t", {}), headers=basic())
        assert resp.json() == {"response": "tool ran"}
        resp = await client.post("/ivr/post_prompt/", json={}, headers=basic())
        assert resp.status_code == 404
    svc.reset_document()
    assert svc.get_document() == {"version": "1.0.0", "sections": {"main": []}}


async def test_unhandled_render_error_is_a_generic_500_without_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken(AgentBase):
        def on_swml_request(
            self, request_data: Any = None, callback_path: Any = None, request: Any = None
        ) -> dict[str, Any]:
            raise RuntimeError("secret internals")

    async with client_for(Broken("b", basic_auth=CREDS).get_app()) as client:
        with caplog.at_level(logging.ERROR):
            resp = await client.post("/", json={}, headers=basic())
    assert resp.status_code == 500
    assert resp.json() == {"error": "Internal server error"}
    assert "secret internals" not in resp.text


async def test_dynamic_config_with_contexts_is_isolated() -> None:
    agent = make_agent()
    default = agent.define_contexts().add_context("default")
    default.add_step("greet").set_text("Greet the caller")

    def configure(query: Any, body: Any, headers: Any, call: AgentBase) -> None:
        if query.get("vip"):
            call.contexts.get_context("default").add_step("vip").set_text("Offer champagne")

    agent.set_dynamic_config_callback(configure)
    async with client_for(agent.get_app()) as client:
        vip = await client.post("/?vip=1", json=swml_fetch_body("v"), headers=basic())
        steps = ai_of(validate_swml(vip.json()))["prompt"]["contexts"]["default"]["steps"]
        assert [s["name"] for s in steps] == ["greet", "vip"]
        plain = await client.post("/", json=swml_fetch_body("p"), headers=basic())
        steps = ai_of(validate_swml(plain.json()))["prompt"]["contexts"]["default"]["steps"]
        assert [s["name"] for s in steps] == ["greet"]


REFUSAL_START = "I'm sorry, the security token for this function is invalid or expired."


def vault_agent(**kwargs: Any) -> AgentBase:
    """An agent with one secure tool (``vault``) and a fixed SWAIG secret."""
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
    agent = vault_agent()
    async with client_for(agent.get_app()) as client:
        resp = await client.post(
            f"/swaig/?__token={token}", json=swaig_body("vault", {}, "call-1"), headers=basic()
        )
        assert resp.status_code == 200
        assert resp.json()["response"].startswith(REFUSAL_START)
        resp = await client.post(
            f"/post_prompt/?__token={token}",
            json={"call_id": "call-1", "post_prompt_data": {"raw": "x"}},
            headers=basic(),
        )
        assert resp.status_code == 403


async def test_valid_token_with_non_ascii_call_id_in_body_is_refused_not_500() -> None:
    agent = vault_agent()
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
        assert resp.json()["response"].startswith(REFUSAL_START)
        ok = await client.post(
            f"/swaig/?__token={token}", json=swaig_body("vault", {}, "call-1"), headers=basic()
        )
        assert ok.json()["response"] == "opened"


async def test_hooks_added_per_call_stay_on_the_copy() -> None:
    agent = vault_agent()

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


@pytest.mark.parametrize("scheme", ["basic", "BASIC", "bAsIc"])
async def test_basic_scheme_is_case_insensitive(scheme: str) -> None:
    agent = vault_agent()
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
