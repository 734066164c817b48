"""One trace per call across the SDK: an agent's SWML fetch, its tool call and the REST call
the tool makes, against the fake REST platform, read back from OpenTelemetry's in-memory
exporter.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
from opentelemetry.trace import SpanKind

from signalwire.agents import AgentBase
from signalwire.rest import RestClient
from signalwire.testing.swml import validate_swml
from signalwire_devtools.otel import Otel, otel_fixture  # noqa: F401  # the `otel` fixture

AUTH = "Basic " + base64.b64encode(b"u:p").decode()


async def test_swml_tools_and_their_rest_calls_form_one_trace_per_call(
    otel: Otel, fake_rest_shared_server: Any
) -> None:
    fake = fake_rest_shared_server
    agent = AgentBase("desk", route="/desk", basic_auth=("u", "p"), swaig_secret="k" * 32)
    agent.set_prompt_text("Help the caller.")

    @agent.tool(description="Count the project's AI agents")
    def count_agents() -> str:
        # A sync tool runs in a worker thread, which gets the request's context.
        with RestClient(fake.project, fake.token, fake.host) as rest:
            rest.fabric.ai_agents.list()
        return "counted"

    transport = httpx.ASGITransport(app=agent.get_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://agent.test") as client:
        fetch = {"call": {"call_id": "call-77", "from": "+15551230000", "to": "+15557650000"}}
        doc = validate_swml(
            (await client.post("/desk", json=fetch, headers={"Authorization": AUTH})).json()
        )
        ai = next(v["ai"] for v in doc["sections"]["main"] if "ai" in v)
        url = ai["SWAIG"]["functions"][0]["web_hook_url"]
        body = {"function": "count_agents", "call_id": "call-77", "argument": {"parsed": [{}]}}
        answer = (await client.post(url, json=body)).json()
    assert answer["response"] == "counted"

    fetch_span = otel.span("POST /desk")
    tool_request = otel.span("POST /desk/swaig")
    tool = otel.span("execute_tool count_agents")
    rest = otel.span("GET /api/fabric/resources/ai_agents")
    # One trace for the call: the SWML fetch, the tool call and the REST call inside it.
    assert {s.context.trace_id for s in (fetch_span, tool_request, tool, rest)} == {
        fetch_span.context.trace_id
    }
    assert tool.parent is not None and tool.parent.span_id == tool_request.context.span_id
    assert rest.kind is SpanKind.CLIENT
    assert rest.parent is not None and rest.parent.span_id == tool.context.span_id
    # The platform received the trace context with the REST request.
    (entry,) = fake.journal.entries
    _version, trace_id, span_id, _flags = entry.headers["traceparent"].split("-")
    assert trace_id == format(rest.context.trace_id, "032x")
    assert span_id == format(rest.context.span_id, "016x")
