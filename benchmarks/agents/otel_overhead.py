"""What OpenTelemetry support costs a request when nobody configured a provider.

    uv run python benchmarks/agents/otel_overhead.py [--rounds N] [--requests N]

The agent's ASGI app is driven directly with platform-shaped requests (no sockets: the
figure is the SDK's own per-request work, where a fixed extra cost shows most), in one
interpreter, alternating many short rounds of the two configurations so both see the
same background load on a shared machine; the ratio is the median of the per-round ratios:

* ``no API``: the OpenTelemetry modules absent from ``sys.modules``, which is all the
  SDK looks at (as without the ``[otel]`` extra);
* ``API, no provider``: ``opentelemetry.trace``/``metrics`` imported, no provider set
  (the ``[otel]`` extra installed, the application not configuring OpenTelemetry);
* ``SDK provider`` (reference, another interpreter): an SDK tracer and meter provider
  with no exporter, i.e. the cost of creating the spans and recording the metrics.

Measured: ``render_swml()`` in process, ``POST /agent`` (SWML fetch) and ``POST
/agent/swaig/`` (a sync tool). Target: the API without a provider within 3% of no API.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

CHILD = r"""
import asyncio, base64, json, statistics, sys, time
mode, rounds, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if mode == "sdk":
    from opentelemetry import metrics, trace
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.trace import TracerProvider
    trace.set_tracer_provider(TracerProvider())
    metrics.set_meter_provider(MeterProvider())
else:
    import opentelemetry.metrics, opentelemetry.trace  # noqa: F401
API = {name: sys.modules[name] for name in ("opentelemetry.trace", "opentelemetry.metrics._internal")}
from signalwire.agents import AgentBase
agent = AgentBase("bench", route="/agent", basic_auth=("u", "p"), swaig_secret="s" * 32)
agent.set_prompt_text("You are a helpful assistant.")
agent.add_hints(["order", "status"])
@agent.tool(description="Weather", secure=False)
async def get_weather(city: str) -> str:
    return f"sunny in {city}"
app = agent.get_app()
auth = (b"authorization", b"Basic " + base64.b64encode(b"u:p"))
swml_body = json.dumps({"call": {"call_id": "c1", "from": "+1", "to": "+2"}}).encode()
swaig_body = json.dumps({"function": "get_weather", "call_id": "c1",
    "argument": {"parsed": [{"city": "Paris"}]}}).encode()
def scope(path):
    return {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
            "root_path": "", "scheme": "http", "query_string": b"", "server": ("127.0.0.1", 3000),
            "client": ("127.0.0.1", 5000), "headers": [(b"host", b"agent.test"), auth,
            (b"content-type", b"application/json")]}
async def one(path, body):
    sent = []
    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}
    async def send(message):
        sent.append(message)
    await app(scope(path), receive, send)
    assert sent[0]["status"] == 200, sent
async def http(path, body):
    t = time.perf_counter()
    for _ in range(n):
        await one(path, body)
    return (time.perf_counter() - t) / n * 1e6
def render():
    t = time.perf_counter()
    for _ in range(n * 4):
        agent.render_swml("c1")
    return (time.perf_counter() - t) / (n * 4) * 1e6
def api(present):
    for name, module in API.items():
        if present:
            sys.modules[name] = module
        else:
            sys.modules.pop(name, None)  # what the SDK sees without the API installed
loop = asyncio.new_event_loop()
jobs = {
    "render": render,
    "POST /agent": lambda: loop.run_until_complete(http("/agent", swml_body)),
    "POST /agent/swaig/": lambda: loop.run_until_complete(http("/agent/swaig/", swaig_body)),
}
out = {}
for name, job in jobs.items():
    job()  # warm up
    if mode == "sdk":
        out[name] = {"sdk": statistics.median(job() for _ in range(rounds))}
        continue
    times = {"none": [], "api": []}
    for _ in range(rounds):
        for key in ("none", "api"):
            api(key == "api")
            times[key].append(job())
    out[name] = {key: statistics.median(v) for key, v in times.items()}
    out[name]["ratio"] = statistics.median(a / b for a, b in zip(times["api"], times["none"]))
print(json.dumps(out))
"""


def run(mode: str, rounds: int, requests: int) -> dict[str, dict[str, float]]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(rounds), str(requests)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, dict[str, float]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    figures = run("api", args.rounds, args.requests)
    sdk = run("sdk", max(5, args.rounds // 4), args.requests)
    print("\n## OpenTelemetry overhead (µs per call, medians of alternating rounds)\n")
    print("| | no API | API, no provider | API/no API | SDK provider (reference) |")
    print("|---|---:|---:|---:|---:|")
    worst = 0.0
    for name, fig in figures.items():
        worst = max(worst, fig["ratio"])
        print(
            f"| {name} | {fig['none']:.1f} | {fig['api']:.1f} | {fig['ratio']:.3f} "
            f"| {sdk[name]['sdk']:.1f} |"
        )
    verdict = "met" if worst <= 1.03 else "NOT met"
    print(f"\nTarget: API without a provider within 3% of no API: {verdict} (worst {worst:.3f}).")
    details: dict[str, Any] = {"rounds": args.rounds, "requests": args.requests}
    print(f"settings: {json.dumps(details)}")


if __name__ == "__main__":
    main()
