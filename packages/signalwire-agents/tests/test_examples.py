"""The examples in examples/agents work against platform-shaped requests."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from agents_testkit import ai_of, basic, client_for, post_prompt_body, swaig_body, swml_fetch_body
from agents_testkit import token_from as tok

from signalwire.testing.swml import validate_swml

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "agents"


@pytest.fixture(autouse=True)
def _creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "signalwire")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "s3cret")


def load(name: str) -> dict[str, Any]:
    return runpy.run_path(str(EXAMPLES / name), run_name="example")


def url_of(doc: dict[str, Any], name: str) -> str:
    return next(
        f["web_hook_url"] for f in ai_of(doc)["SWAIG"]["functions"] if f["function"] == name
    )


async def test_typed_tools_example() -> None:
    agent = load("typed_tools.py")["agent"]
    async with client_for(agent.get_app()) as client:
        doc = validate_swml(
            (await client.post("/pizza/", json=swml_fetch_body("c1"), headers=basic())).json()
        )
        price = url_of(doc, "price")
        resp = await client.post(
            f"/pizza/swaig/?__token={tok(price)}",
            json=swaig_body("price", {"pizza": "veggie", "size": 16}, "c1"),
            headers=basic(),
        )
        assert resp.json() == {"response": "A 16-inch veggie costs $13.33."}
        order = url_of(doc, "place_order")
        resp = await client.post(
            f"/pizza/swaig/?__token={tok(order)}",
            json=swaig_body("place_order", {"pizza": "veggie", "quantity": 2}, "c1"),
            headers=basic(),
        )
        body = resp.json()
        assert body["response"].startswith("Ordered 2 veggie")
        assert body["action"][0]["set_global_data"]["last_order"]["by"] == "+15551230000"


async def test_dynamic_config_example() -> None:
    agent = load("dynamic_config.py")["agent"]
    async with client_for(agent.get_app()) as client:
        gold = validate_swml(
            (
                await client.post("/support/?tier=gold", json=swml_fetch_body("g"), headers=basic())
            ).json()
        )
        url = url_of(gold, "free_shipping")
        path = url.split("agent.test", 1)[1]
        resp = await client.post(path, json=swaig_body("free_shipping", {}, "g"), headers=basic())
        assert resp.json() == {"response": "Free shipping applied."}
        plain = validate_swml(
            (await client.post("/support/", json=swml_fetch_body("b"), headers=basic())).json()
        )
        assert "SWAIG" not in ai_of(plain)


async def test_summary_handler_example(capsys: pytest.CaptureFixture[str]) -> None:
    agent = load("summary_handler.py")["IntakeAgent"]()
    async with client_for(agent.get_app()) as client:
        doc = validate_swml(
            (await client.post("/intake/", json=swml_fetch_body("s1"), headers=basic())).json()
        )
        token = tok(ai_of(doc)["post_prompt_url"])
        summary = {"reason": "billing", "urgent": False, "name": "Ana"}
        resp = await client.post(
            f"/intake/post_prompt/?__token={token}",
            json=post_prompt_body("s1", parsed=summary),
            headers=basic(),
        )
        assert resp.json() == {"success": True}
        hook = url_of(doc, "hangup_hook")
        body = {**swaig_body("hangup_hook", {}, "s1"), "call_log": [{"role": "user"}] * 3}
        await client.post(f"/intake/swaig/?__token={tok(hook)}", json=body, headers=basic())
    out = capsys.readouterr().out
    assert 'summary for s1: {"reason": "billing", "urgent": false, "name": "Ana"}' in out
    assert "call s1 ended after 3 messages" in out


async def test_robust_tools_example() -> None:
    agent = load("robust_tools.py")["StoreAgent"]()
    async with client_for(agent.get_app()) as client:
        doc = validate_swml(
            (await client.post("/store/", json=swml_fetch_body("r1"), headers=basic())).json()
        )

        async def call(name: str, args: dict[str, Any]) -> str:
            resp = await client.post(
                f"/store/swaig/?__token={tok(url_of(doc, name))}",
                json=swaig_body(name, args, "r1"),
                headers=basic(),
            )
            return str(resp.json()["response"])

        assert await call("order_status", {"order_id": "A7"}) == "Order A7 shipped yesterday."
        assert await call("opening_hours", {}) == "We are open from nine to six."
        failed = await call("inventory", {})
        assert failed == "Sorry, the inventory function is not working right now."
        assert (await call("slow_report", {})).startswith("Sorry, the slow_report function is")
        assert (await client.get("/api/status")).json() == {"open": True}
        listed = await client.post(
            "/store/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=basic()
        )
        assert len(listed.json()["result"]["tools"]) == 4


async def test_research_desk_example(monkeypatch: pytest.MonkeyPatch, fake_services: Any) -> None:
    from signalwire.testing import execute_datamap

    monkeypatch.setenv("RESEARCH_DESK_SERVICES", fake_services.base_url)
    # The fakes listen on 127.0.0.1, which the DataMap executor refuses unless allowed.
    monkeypatch.setenv("SWML_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("WEATHER_API_KEY", "test-key")
    agent = load("research_desk.py")["agent"]
    async with client_for(agent.get_app()) as client:
        doc = validate_swml(
            (await client.post("/research/", json=swml_fetch_body("r1"), headers=basic())).json()
        )
        fns = {f["function"]: f for f in ai_of(doc)["SWAIG"]["functions"]}
        assert {"search_wiki", "scrape_url", "crawl_site", "get_weather"} <= set(fns)
        path = ai_of(doc)["SWAIG"]["defaults"]["web_hook_url"].split("agent.test", 1)[1]
        if "web_hook_url" in fns["search_wiki"]:
            path = fns["search_wiki"]["web_hook_url"].split("agent.test", 1)[1]
        resp = await client.post(
            path, json=swaig_body("search_wiki", {"query": "python"}, "r1"), headers=basic()
        )
        assert resp.json()["response"].startswith("**Python (programming language)**")
    weather = execute_datamap(fns["get_weather"], {"location": "Oslo"})
    assert "degrees Celsius" in weather["response"]


def test_otel_console_example_prints_the_spans_of_one_call() -> None:
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "otel_console.py"), "--demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"SWML_BASIC_AUTH_USER": "u", "SWML_BASIC_AUTH_PASSWORD": "p", "PATH": ""},
    )
    assert "tool answered: Order A-1042 left the warehouse" in out.stderr
    decoder = json.JSONDecoder()
    spans, text, pos = [], out.stdout, 0
    while (start := text.find('{\n    "name"', pos)) != -1:
        span, pos = decoder.raw_decode(text, start)
        spans.append(span)
    names = [s["name"] for s in spans]
    assert names == [
        "swml.render",
        "POST /orders",
        "execute_tool lookup_order",
        "POST /orders/swaig",
    ]
    tool = spans[2]
    assert tool["context"]["trace_id"] == spans[3]["context"]["trace_id"]
    assert tool["parent_id"] == spans[3]["context"]["span_id"]
    assert tool["attributes"]["signalwire.call_id"] == "demo-call"
    assert "http.server.request.duration" in text and "signalwire.agents.tool.duration" in text


async def test_vendor_style_example() -> None:
    agent = load("vendor_style_agent.py")["agent"]
    async with client_for(agent.get_app()) as client:
        plain = validate_swml(
            (await client.post("/", json=swml_fetch_body("v1"), headers=basic())).json()
        )
        vip = validate_swml(
            (await client.post("/?vip=1", json=swml_fetch_body("v2"), headers=basic())).json()
        )
        prompt = ai_of(plain)["prompt"]
        assert prompt["pom"] == [{"title": "Role", "body": "You answer the phone for shop."}]
        assert list(prompt["contexts"]) == ["sales", "support"]
        assert [s["functions"] for s in prompt["contexts"]["sales"]["steps"]] == [
            "none",
            "lookup_item",
        ]
        greet = ai_of(vip)["prompt"]["contexts"]["sales"]["steps"][0]["text"]
        assert "best customers" in greet
        assert "best customers" not in prompt["contexts"]["sales"]["steps"][0]["text"]
        fn = next(f for f in ai_of(plain)["SWAIG"]["functions"] if f["function"] == "lookup_item")
        assert fn["fillers"] == ["Let me check the catalogue."]
        resp = await client.post(
            "/swaig/", json=swaig_body("lookup_item", {"item": "a kettle"}, "v1"), headers=basic()
        )
        assert resp.json() == {"response": "We have a kettle in stock."}
