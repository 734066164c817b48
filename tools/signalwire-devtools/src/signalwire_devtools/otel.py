"""An OpenTelemetry SDK set up for one test: in-memory span exporter and metric reader.

Shared by the OpenTelemetry tests of signalwire-agents, -relay, -rest and -testing (their
test groups install ``opentelemetry-sdk``). The API lets an application set its providers once per process; tests need a fresh
pair each, so the fixture puts the API's global slots back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import metrics, trace
from opentelemetry.metrics import _internal as metrics_internal
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util._once import Once

__all__ = ["Otel", "otel_fixture", "reset_providers"]


class Otel:
    """What a test reads back: finished spans and collected metric points."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.reader = InMemoryMetricReader()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def spans(self) -> list[ReadableSpan]:
        """Every finished span, in the order they ended."""
        return list(self.exporter.get_finished_spans())

    def span(self, name: str) -> ReadableSpan:
        """The one finished span called ``name`` (fails naming the others otherwise)."""
        found = [s for s in self.spans() if s.name == name]
        assert len(found) == 1, f"{name!r} in {[s.name for s in self.spans()]}"
        return found[0]

    def points(self, metric: str) -> list[Any]:
        """The data points collected so far for ``metric``."""
        data = self.reader.get_metrics_data()
        found: list[Any] = []
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for item in scope.metrics:
                    if item.name == metric:
                        found.extend(item.data.data_points)
        return found


def reset_providers() -> None:
    """Empty the API's global provider slots (the API lets a process set them once)."""
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace._TRACER_PROVIDER = None
    metrics_internal._METER_PROVIDER_SET_ONCE = Once()
    metrics_internal._METER_PROVIDER = None


@pytest.fixture(name="otel")
def otel_fixture() -> Iterator[Otel]:
    """Global tracer and meter providers exporting to memory for the duration of one test."""
    reset_providers()
    state = Otel()
    trace.set_tracer_provider(state.tracer_provider)
    metrics.set_meter_provider(state.meter_provider)
    try:
        yield state
    finally:
        state.tracer_provider.shutdown()
        state.meter_provider.shutdown()
        reset_providers()
