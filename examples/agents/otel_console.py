"""An agent reporting OpenTelemetry spans and metrics to the console.

    pip install "signalwire-agents[otel]" opentelemetry-sdk
    python examples/agents/otel_console.py          # serve it; each request prints its spans
    python examples/agents/otel_console.py --demo   # one SWML fetch and one tool call, in process

The SDK only emits once the application configures a provider, as here. For an OTLP
collector instead of the console, see the package README.
"""

from __future__ import annotations

import asyncio
import sys

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

from signalwire.agents import AgentBase, FunctionResult


def configure_telemetry() -> PeriodicExportingMetricReader:
    """What an application does once at start-up: providers that print to the console."""
    resource = Resource.create({"service.name": "order-desk"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(tracer_provider)
    reader = PeriodicExportingMetricReader(ConsoleMetricExporter(), export_interval_millis=60_000)
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[reader]))
    return reader


agent = AgentBase("order-desk", route="/orders")
agent.set_prompt_text("You help callers track their orders.")


@agent.tool(description="Look an order up by its number")
def lookup_order(order_id: str) -> FunctionResult:
    """Each call becomes an `execute_tool lookup_order` span under the request's span."""
    return FunctionResult(f"Order {order_id} left the warehouse this morning.")


async def demo() -> None:
    """Play the platform once: fetch the SWML, then call the tool it lists."""
    import httpx

    user, password = agent.get_basic_auth_credentials()[:2]
    transport = httpx.ASGITransport(app=agent.get_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://agent.test") as client:
        call = {"call": {"call_id": "demo-call", "from": "+15551230000", "to": "+15557650000"}}
        doc = (await client.post("/orders", json=call, auth=(user, password))).json()
        ai = next(verb["ai"] for verb in doc["sections"]["main"] if "ai" in verb)
        url = ai["SWAIG"]["functions"][0]["web_hook_url"]
        body = {
            "function": "lookup_order",
            "call_id": "demo-call",
            "argument": {"parsed": [{"order_id": "A-1042"}]},
        }
        answer = (await client.post(url, json=body)).json()
    print("tool answered:", answer["response"], file=sys.stderr)


if __name__ == "__main__":
    metric_reader = configure_telemetry()
    if "--demo" in sys.argv:
        asyncio.run(demo())
        metric_reader.force_flush()
    else:
        agent.run()
