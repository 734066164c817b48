"""OpenTelemetry: REST calls against the fake platform, read back from the in-memory exporter."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from signalwire.rest import AsyncRestClient, RequestOptions, RestClient, SignalWireRestError
from signalwire.rest._otel import path_template, telemetry
from signalwire_devtools.otel import Otel, otel_fixture  # noqa: F401  # the `otel` fixture

UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def traceparent(span: Any) -> str:
    ctx = span.context
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}"


def test_a_call_is_a_client_span_that_propagates_its_context(
    otel: Otel, client: RestClient, fake_rest_server: Any
) -> None:
    client.fabric.ai_agents.list()
    (span,) = otel.spans()
    assert span.name == "GET /api/fabric/resources/ai_agents"
    assert span.kind is SpanKind.CLIENT
    attrs = dict(span.attributes or {})
    assert attrs["http.request.method"] == "GET"
    assert attrs["url.template"] == "/api/fabric/resources/ai_agents"
    assert attrs["http.response.status_code"] == 200
    assert attrs["server.address"] == "127.0.0.1"
    assert str(attrs["signalwire.request_id"]).startswith("fake-req-")
    (entry,) = fake_rest_server.journal.entries
    assert entry.headers["traceparent"][:-3] == traceparent(span)
    (point,) = otel.points("http.client.request.duration")
    assert point.attributes["url.template"] == "/api/fabric/resources/ai_agents"
    assert point.attributes["http.response.status_code"] == 200 and point.count == 1


def test_ids_in_the_path_become_a_template(otel: Otel, client: RestClient) -> None:
    with contextlib.suppress(SignalWireRestError):  # the fake may not hold that agent
        client.fabric.ai_agents.get(UUID)
    (span,) = otel.spans()
    assert span.name == "GET /api/fabric/resources/ai_agents/{id}"
    assert UUID not in span.name


def test_retries_are_events_of_one_span(
    otel: Otel, client: RestClient, fake_rest_server: Any
) -> None:
    fake_rest_server.inject_failure(503, retry_after=0, times=2)
    client.fabric.ai_agents.list(request_options=RequestOptions(retry_backoff=0.0))
    (span,) = otel.spans()
    retries = [e for e in span.events if e.name == "retry"]
    assert [(e.attributes or {})["http.request.resend_count"] for e in retries] == [1, 2]
    assert [(e.attributes or {})["retry.cause"] for e in retries] == ["503", "503"]
    assert (span.attributes or {})["http.response.status_code"] == 200
    assert span.status.status_code is StatusCode.UNSET
    # Every attempt carried the same trace context: one call, one span.
    assert {e.headers["traceparent"][:-3] for e in fake_rest_server.journal.entries} == {
        traceparent(span)
    }


def test_an_error_status_marks_the_span(otel: Otel, client: RestClient) -> None:
    with pytest.raises(SignalWireRestError):
        client.request("GET", "/api/no/such/path")
    (span,) = otel.spans()
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "404"
    assert any(e.name == "exception" for e in span.events)
    (point,) = otel.points("http.client.request.duration")
    assert point.attributes["error.type"] == "404"


def test_a_call_inside_another_span_is_its_child(
    otel: Otel, client: RestClient, fake_rest_server: Any
) -> None:
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("execute_tool lookup") as parent:
        client.fabric.ai_agents.list()
    rest = next(s for s in otel.spans() if s.kind is SpanKind.CLIENT)
    assert rest.parent is not None and rest.parent.span_id == parent.get_span_context().span_id
    assert rest.context.trace_id == parent.get_span_context().trace_id


async def test_the_async_client_is_traced_too(
    otel: Otel, aclient: AsyncRestClient, fake_rest_server: Any
) -> None:
    await aclient.fabric.ai_agents.list()
    (span,) = otel.spans()
    assert span.name == "GET /api/fabric/resources/ai_agents"
    (entry,) = fake_rest_server.journal.entries
    assert entry.headers["traceparent"][:-3] == traceparent(span)


def test_without_a_provider_nothing_is_sent_or_recorded(
    client: RestClient, fake_rest_server: Any
) -> None:
    import opentelemetry.trace  # noqa: F401  # the API imported, no provider

    assert telemetry() is None
    client.fabric.ai_agents.list()
    (entry,) = fake_rest_server.journal.entries
    assert "traceparent" not in entry.headers


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/fabric/resources/ai_agents", "/api/fabric/resources/ai_agents"),
        (f"/api/fabric/resources/{UUID}/addresses", "/api/fabric/resources/{id}/addresses"),
        (
            f"/api/laml/2010-04-01/Accounts/{UUID}/Calls/CA123.json",
            "/api/laml/2010-04-01/Accounts/{id}/Calls/{id}.json",
        ),
        (
            f"/api/laml/2010-04-01/Accounts/{UUID}/Calls.json",
            "/api/laml/2010-04-01/Accounts/{id}/Calls.json",
        ),
        ("/api/relay/rest/phone_numbers/+15551230000?x=1", "/api/relay/rest/phone_numbers/{id}"),
        (
            f"/api/relay/rest/addresses/{UUID}/e911_address",
            "/api/relay/rest/addresses/{id}/e911_address",
        ),
    ],
)
def test_path_templates(path: str, template: str) -> None:
    assert path_template(path) == template
