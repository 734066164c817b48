"""OpenTelemetry: RELAY commands, call lifetimes and the connection against the fake platform."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from signalwire.relay import RelayClient, RelayError
from signalwire.relay._otel import telemetry
from signalwire_devtools.otel import Otel, otel_fixture  # noqa: F401  # the `otel` fixture


def totals(otel: Otel, metric: str) -> dict[tuple[Any, ...], Any]:
    return {tuple(sorted(p.attributes.items())): p for p in otel.points(metric)}


async def test_commands_are_spans_under_their_calls_lifetime_span(
    otel: Otel, client: RelayClient, inbound: Any, within: Any
) -> None:
    call = await inbound()
    await call.answer()
    await within(call.wait_for_answered(timeout=5), "answered")
    (active,) = otel.points("signalwire.relay.calls.active")
    assert active.value == 1
    await call.hangup()
    await within(call.wait_for_ended(timeout=5), "ended")
    answer = otel.span("calling.answer")
    assert answer.kind is SpanKind.CLIENT
    attrs = dict(answer.attributes or {})
    assert attrs["rpc.method"] == "calling.answer"
    assert attrs["signalwire.call_id"] == call.call_id
    assert attrs["signalwire.relay.code"] == "200"
    life = otel.span("relay.call")
    assert answer.parent is not None and answer.parent.span_id == life.context.span_id
    assert otel.span("calling.end").context.trace_id == life.context.trace_id
    states = [
        (e.attributes or {})["signalwire.call.state"] for e in life.events if e.name == "call.state"
    ]
    assert states[-1] == "ended" and "answered" in states
    assert (life.attributes or {})["signalwire.call_id"] == call.call_id
    assert (life.attributes or {})["signalwire.call.direction"] == "inbound"
    (active,) = otel.points("signalwire.relay.calls.active")
    assert active.value == 0
    latency = totals(otel, "signalwire.relay.command.duration")
    key = (("rpc.method", "calling.answer"), ("signalwire.relay.code", "200"))
    assert latency[key].count == 1


async def test_a_refused_command_is_an_error_span(otel: Otel, client: RelayClient) -> None:
    with pytest.raises(RelayError) as info:
        await client.execute("calling.play", {"call_id": "no-such-call", "node_id": "n"})
    span = otel.span("calling.play")
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["signalwire.relay.code"] == str(info.value.code)
    assert any(e.name == "exception" for e in span.events)


async def test_reconnects_are_events_and_counted(
    otel: Otel, make_client: Any, fake_relay: Any, within: Any
) -> None:
    client = make_client(contexts=["office"])
    back = asyncio.Event()
    client.on_reconnected(lambda resumed: back.set())
    await client.connect()
    await fake_relay.drop_connections(abrupt=True)
    await within(back.wait(), "the reconnect")
    await client.disconnect()
    conn = otel.span("relay.connection")
    names = [e.name for e in conn.events]
    assert names[0] == "connected" and names[-1] == "closed"
    assert "reconnecting" in names and "reconnected" in names
    assert conn.end_time is not None
    (reconnects,) = otel.points("signalwire.relay.reconnects")
    assert reconnects.value == 1


async def test_without_a_provider_there_is_nothing_to_report(
    client: RelayClient, inbound: Any
) -> None:
    import opentelemetry.trace  # noqa: F401  # the API imported, no provider

    assert telemetry() is None
    call = await inbound()
    await call.answer()  # and commands run as before
