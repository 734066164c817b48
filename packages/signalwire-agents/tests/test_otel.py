"""OpenTelemetry: spans and metrics of real requests, read back from the SDK's in-memory exporter."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from agents_testkit import CREDS, basic, client_for, post_prompt_body, swaig_body, swml_fetch_body
from opentelemetry.trace import SpanKind, StatusCode

from signalwire.agents import AgentBase, AgentServer, FunctionResult
from signalwire.agents import _otel as agents_otel
from signalwire.testing.swml import validate_swml
from signalwire_devtools.otel import Otel, otel_fixture  # noqa: F401  # the `otel` fixture

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


def make_agent() -> AgentBase:
    agent = AgentBase("otel", route="/agent", basic_auth=CREDS)
    agent.set_prompt_text("Help the caller.")
    agent.set_post_prompt("Summarize the call.")

    @agent.tool(description="Look an order up")
    def lookup(order_id: str) -> FunctionResult:
        return FunctionResult(f"Order {order_id} shipped").update_global_data({"seen": True})

    @agent.tool(description="Always fails")
    def broken() -> str:
        raise RuntimeError("database down")

    return agent


async def fetch_swml(agent: AgentBase, headers: dict[str, str] | None = None) -> dict[str, Any]:
    async with client_for(agent.get_app()) as client:
        resp = await client.post(
            "/agent", json=swml_fetch_body("call-42"), headers={**basic(), **(headers or {})}
        )
    assert resp.status_code == 200
    return validate_swml(resp.json())


async def call_tool(agent: AgentBase, doc: dict[str, Any], name: str, **args: Any) -> Any:
    ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
    url = next(f["web_hook_url"] for f in ai["SWAIG"]["functions"] if f["function"] == name)
    async with client_for(agent.get_app()) as client:
        resp = await client.post(url, json=swaig_body(name, args, call_id="call-42"))
    assert resp.status_code == 200
    return resp.json()


async def test_swml_fetch_is_a_server_span_with_a_render_child(otel: Otel) -> None:
    await fetch_swml(make_agent())
    server = otel.span("POST /agent")
    assert server.kind is SpanKind.SERVER
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/agent"
    assert server.attributes["http.request.method"] == "POST"
    assert server.attributes["http.response.status_code"] == 200
    render = otel.span("swml.render")
    assert render.parent is not None and render.parent.span_id == server.context.span_id
    assert render.attributes is not None and render.attributes["signalwire.response.size"] > 100
    points = otel.points("http.server.request.duration")
    assert [
        (p.attributes["http.route"], p.attributes["http.response.status_code"]) for p in points
    ] == [("/agent", 200)]
    assert points[0].count == 1 and points[0].sum > 0


async def test_the_route_template_names_the_endpoint_not_the_raw_path(otel: Otel) -> None:
    agent = make_agent()
    doc = await fetch_swml(agent)
    await call_tool(agent, doc, "lookup", order_id="A1")
    async with client_for(agent.get_app()) as client:
        assert (await client.get("/agent/nothing-here", headers=basic())).status_code == 404
        assert (await client.get("/health")).status_code == 200
    names = [s.name for s in otel.spans() if s.kind is SpanKind.SERVER]
    # The tool URL carries a token in its query: never part of a span name or route.
    assert names == ["POST /agent", "POST /agent/swaig", "GET", "GET /health"]
    unknown = otel.spans()[-2]
    assert unknown.attributes is not None and "http.route" not in unknown.attributes


async def test_an_incoming_traceparent_is_continued(otel: Otel) -> None:
    await fetch_swml(make_agent(), {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"})
    server = otel.span("POST /agent")
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert server.parent is not None and format(server.parent.span_id, "016x") == PARENT_ID
    assert otel.span("swml.render").context.trace_id == server.context.trace_id


async def test_every_request_of_one_call_lands_in_one_trace(otel: Otel) -> None:
    agent = make_agent()
    doc = await fetch_swml(agent)  # call-42
    await call_tool(agent, doc, "lookup", order_id="A1")  # call-42
    async with client_for(agent.get_app()) as client:
        other = await client.post("/agent", json=swml_fetch_body("call-43"), headers=basic())
    assert other.status_code == 200
    servers = [s for s in otel.spans() if s.kind is SpanKind.SERVER]
    assert [(s.attributes or {}).get("signalwire.call_id") for s in servers] == [
        "call-42",
        "call-42",
        "call-43",
    ]
    assert servers[0].context.trace_id == servers[1].context.trace_id
    assert servers[2].context.trace_id != servers[0].context.trace_id
    tool = otel.span("execute_tool lookup")
    assert tool.context.trace_id == servers[0].context.trace_id


async def test_each_tool_call_is_a_child_span_with_its_outcome(otel: Otel) -> None:
    agent = make_agent()
    doc = await fetch_swml(agent)
    answer = await call_tool(agent, doc, "lookup", order_id="A1")
    assert answer["response"] == "Order A1 shipped"
    tool = otel.span("execute_tool lookup")
    server = otel.span("POST /agent/swaig")
    assert tool.parent is not None and tool.parent.span_id == server.context.span_id
    attrs = dict(tool.attributes or {})
    assert attrs["gen_ai.tool.name"] == "lookup"
    assert attrs["signalwire.call_id"] == "call-42"
    assert attrs["signalwire.tool.failed"] is False
    assert attrs["signalwire.tool.result_size"] == len(json.dumps(answer))
    assert attrs["signalwire.tool.duration"] >= 0
    assert "gen_ai.tool.call.arguments" not in attrs  # callers' data: opt-in only
    assert tool.status.status_code is StatusCode.UNSET
    (duration,) = otel.points("signalwire.agents.tool.duration")
    assert duration.attributes == {"gen_ai.tool.name": "lookup"} and duration.count == 1
    assert otel.points("signalwire.agents.tool.errors") == []


async def test_a_raising_tool_marks_its_span_and_counts_an_error(otel: Otel) -> None:
    agent = make_agent()
    doc = await fetch_swml(agent)
    answer = await call_tool(agent, doc, "broken")
    assert "database down" not in json.dumps(answer)  # not exposed to the AI by default
    tool = otel.span("execute_tool broken")
    assert tool.status.status_code is StatusCode.ERROR
    assert (tool.attributes or {})["signalwire.tool.failed"] is True
    assert (tool.attributes or {})["error.type"] == "RuntimeError"
    (event,) = [e for e in tool.events if e.name == "exception"]
    assert (event.attributes or {})["exception.message"] == "database down"
    (errors,) = otel.points("signalwire.agents.tool.errors")
    assert errors.value == 1
    assert errors.attributes == {"gen_ai.tool.name": "broken", "error.type": "RuntimeError"}


async def test_tool_arguments_are_recorded_only_on_opt_in(
    otel: Otel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(agents_otel.ENV_TOOL_ARGUMENTS, "true")
    agent = make_agent()
    doc = await fetch_swml(agent)
    await call_tool(agent, doc, "lookup", order_id="A1")
    recorded = (otel.span("execute_tool lookup").attributes or {})["gen_ai.tool.call.arguments"]
    assert json.loads(str(recorded))["parsed"] == [{"order_id": "A1"}]


async def test_post_prompt_has_its_own_span(otel: Otel) -> None:
    summaries: list[Any] = []
    agent = make_agent()
    agent.on_summary = lambda summary, raw=None: summaries.append(summary)  # type: ignore[method-assign]
    doc = await fetch_swml(agent)
    url = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)["post_prompt_url"]
    async with client_for(agent.get_app()) as client:
        resp = await client.post(url, json=post_prompt_body("call-42", parsed={"ok": 1}))
    assert resp.status_code == 200 and summaries == [{"ok": 1}]
    span = otel.span("post_prompt")
    assert span.parent is not None
    assert span.parent.span_id == otel.span("POST /agent/post_prompt").context.span_id


async def test_a_500_sets_the_error_status(otel: Otel) -> None:
    class Failing(AgentBase):
        def on_swml_request(self, *args: Any) -> Any:
            raise RuntimeError("boom")

    agent = Failing("f", route="/agent", basic_auth=CREDS)
    async with client_for(agent.get_app()) as client:
        resp = await client.post("/agent", json=swml_fetch_body(), headers=basic())
    assert resp.status_code == 500
    server = otel.span("POST /agent")
    assert server.status.status_code is StatusCode.ERROR
    assert (server.attributes or {})["error.type"] == "500"
    (point,) = otel.points("http.server.request.duration")
    assert point.attributes["http.response.status_code"] == 500


async def test_agent_server_routes_are_templated_per_agent(otel: Otel) -> None:
    server = AgentServer()
    server.register(make_agent(), "/sales")
    async with client_for(server.app) as client:
        resp = await client.post("/sales", json=swml_fetch_body(), headers=basic())
    assert resp.status_code == 200
    assert [s.name for s in otel.spans() if s.kind is SpanKind.SERVER] == ["POST /sales"]


def test_no_provider_means_no_telemetry(monkeypatch: pytest.MonkeyPatch) -> None:
    import opentelemetry.trace  # noqa: F401  # the API imported, no provider set

    assert agents_otel.telemetry() is None
    monkeypatch.delitem(sys.modules, "opentelemetry.trace")
    assert agents_otel.telemetry() is None  # the API never imported: one dict lookup


async def test_without_a_provider_requests_make_no_spans(otel: Otel) -> None:
    from signalwire_devtools.otel import reset_providers as _reset

    _reset()  # the exporter stays, but no provider is configured any more
    agent = make_agent()
    doc = await fetch_swml(agent)
    await call_tool(agent, doc, "lookup", order_id="A1")
    assert otel.spans() == []


def test_an_api_without_the_provider_globals_is_asked_the_public_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import opentelemetry.trace as trace_api
    from opentelemetry.sdk.trace import TracerProvider

    proxy = trace_api.ProxyTracerProvider()
    monkeypatch.delattr(trace_api, "_TRACER_PROVIDER")
    monkeypatch.setattr(trace_api, "get_tracer_provider", lambda: proxy)
    assert agents_otel.telemetry() is None  # the proxy provider: nothing configured
    provider = TracerProvider()
    monkeypatch.setattr(trace_api, "get_tracer_provider", lambda: provider)
    found = agents_otel.telemetry()
    assert found is not None and found.tracer_provider is provider
