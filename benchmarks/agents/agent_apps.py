"""The benchmark agent, built the same way for this SDK and for signalwire-sdk 3.7.5.

``python agent_apps.py SIDE PORT`` serves it (sides in :func:`main`); imported, it exposes
``build(AgentBase, FunctionResult)``. Runs under either interpreter, so it
imports only what the chosen side has.
"""

from __future__ import annotations

import sys
from typing import Any


def build(agent_cls: Any, result_cls: Any, **kwargs: Any) -> Any:
    """3 POM sections, 2 tools (one secure), 4 hints, a language, 4 params, 3 global_data keys."""
    agent = agent_cls(name="perf-agent", route="/", **kwargs)
    agent.prompt_add_section("Role", "You are a helpful assistant for Acme Corp.")
    agent.prompt_add_section("Rules", bullets=["Be concise.", "Confirm order numbers.", "Be kind."])
    agent.prompt_add_section("Context", "Acme sells widgets and gadgets worldwide.")
    agent.add_hints(["Acme", "widget", "gadget", "order number"])
    agent.add_language("English", "en-US", "rime.spore")
    agent.set_params(
        {
            "end_of_speech_timeout": 700,
            "attention_timeout": 15000,
            "ai_volume": 5,
            "local_tz": "America/New_York",
        }
    )
    agent.set_global_data({"company": "Acme", "tier": "gold", "region": "us"})

    def get_weather(args: dict[str, Any], raw_data: dict[str, Any]) -> Any:
        return result_cls(f"It is sunny in {args.get('city', 'town')}.")

    def lookup_order(args: dict[str, Any], raw_data: dict[str, Any]) -> Any:
        return result_cls(f"Order {args.get('order_number')} ships tomorrow.")

    agent.define_tool(
        "get_weather",
        "Get the weather for a city",
        {"city": {"type": "string", "description": "City name"}},
        get_weather,
        secure=False,
        fillers={"en-US": ["Let me check the weather."]},
    )
    agent.define_tool(
        "lookup_order",
        "Look up an order by number",
        {"order_number": {"type": "string", "description": "The order number"}},
        lookup_order,
    )
    return agent


def render_bench(side: str, n: int) -> None:
    """Print ``median_us mean_us p99_us size`` of rendering the SWML for a call."""
    import time

    if side == "ours":
        from signalwire.agents import AgentBase, FunctionResult

        agent = build(AgentBase, FunctionResult, swaig_secret="bench-secret")

        def render() -> str:
            return str(agent.render_swml("call-x"))
    else:
        from signalwire import AgentBase, FunctionResult

        agent = build(AgentBase, FunctionResult)

        def render() -> str:
            return str(agent._render_swml(call_id="call-x"))

    for _ in range(200):
        render()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    times.sort()
    mean = sum(times) / n
    print(
        f"{times[n // 2] * 1e6:.2f} {mean * 1e6:.2f} "
        f"{times[int(n * 0.99)] * 1e6:.2f} {len(render())}"
    )


def _bare(port: int, fast: bool) -> None:
    """A bare Starlette endpoint returning the same document from plain uvicorn."""
    import json

    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from signalwire.agents import AgentBase, FunctionResult

    body = build(AgentBase, FunctionResult, swaig_secret="x").render_swml("x").encode()

    async def swml(request: Any) -> Response:
        await request.body()
        return Response(body, media_type="application/json")

    from starlette.concurrency import run_in_threadpool

    def get_weather(args: dict[str, Any]) -> dict[str, Any]:
        return {"response": f"It is sunny in {args.get('city', 'town')}."}

    async def swaig(request: Any) -> Response:
        # What a tool call needs at least: parse the body, run the same sync handler in a
        # worker thread (as the agent does for sync tools), answer its JSON result.
        data = json.loads(await request.body())
        result = await run_in_threadpool(get_weather, data["argument"]["parsed"][0])
        return Response(json.dumps(result).encode(), media_type="application/json")

    app = Starlette(
        routes=[
            Route("/", swml, methods=["GET", "POST"]),
            Route("/swaig/", swaig, methods=["POST"]),
        ]
    )
    # The same server stack as the agent it is compared with: our serve_app (the same uvicorn
    # settings, protocol class, TCP_NODELAY and request deadline), with the parser and loop
    # explicit on both sides (with [fast] installed "auto" would pick it for "bare" too).
    from signalwire.agents._hosting.server import serve_app

    stack = {"http": "httptools", "loop": "uvloop"} if fast else {"http": "h11", "loop": "asyncio"}
    serve_app(app, host="127.0.0.1", port=port, log_level="warning", **stack)


def _agent_server(port: int, count: int) -> None:
    """``count`` agents on one AgentServer at /a1 ... /aN (the fast stack when installed)."""
    from signalwire.agents import AgentBase, AgentServer, FunctionResult  # type: ignore[attr-defined]

    server = AgentServer(host="127.0.0.1", port=port, log_level="warning")
    for i in range(1, count + 1):
        agent = build(AgentBase, FunctionResult, swaig_secret="bench-secret")
        agent.route = f"/a{i}"  # each agent is served at its own route (agents README, AgentServer)
        agent.name = f"perf-agent-{i}"
        server.register(agent, f"/a{i}")
    server.run()


def _append(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def record_stack(side: str) -> None:
    """Append ``{"side", "pid", "loop", "http"}`` to ``$BENCH_STACK_FILE`` once each server is up.

    The harness reads it to check that a side runs the stack it claims (uvloop and
    httptools for [fast], two processes for workers=2). Works for both SDKs: both
    end in ``uvicorn.Server.startup``.
    """
    import json
    import os

    target = os.environ.get("BENCH_STACK_FILE")
    if not target:
        return
    import asyncio

    import uvicorn

    original = uvicorn.Server.startup

    async def startup(self: Any, sockets: Any = None) -> None:
        await original(self, sockets=sockets)
        loop = type(asyncio.get_running_loop())
        protocol = self.config.http_protocol_class
        record = {
            "side": side,
            "pid": os.getpid(),
            "loop": f"{loop.__module__}.{loop.__name__}",
            "http": [f"{c.__module__}.{c.__name__}" for c in protocol.__mro__],
        }
        _append(target, json.dumps(record))

    uvicorn.Server.startup = startup  # type: ignore[method-assign]


def main() -> None:
    """Sides: ours (h11 + asyncio, the default install), fast ([fast]: httptools + uvloop),
    workers2 (fast, 2 processes), server5 (AgentServer with 5 agents), vendor, bare (Starlette
    on h11), bare-fast (Starlette on httptools + uvloop)."""
    if sys.argv[1] == "render":
        render_bench(sys.argv[2], int(sys.argv[3]))
        return
    side, port = sys.argv[1], int(sys.argv[2])
    record_stack(side)
    if side in ("ours", "fast", "workers2"):
        from signalwire.agents import AgentBase, FunctionResult

        agent = build(AgentBase, FunctionResult, swaig_secret="bench-secret")
        if side == "ours":
            agent.serve(host="127.0.0.1", port=port, http="h11", loop="asyncio")
        elif side == "fast":
            agent.serve(host="127.0.0.1", port=port, http="httptools", loop="uvloop")
        else:
            agent.serve(host="127.0.0.1", port=port, workers=2)
    elif side == "server5":
        _agent_server(port, 5)
    elif side == "vendor":
        from signalwire import AgentBase, FunctionResult

        build(AgentBase, FunctionResult).serve(port=port)
    elif side in ("bare", "bare-fast"):
        _bare(port, side == "bare-fast")
    else:
        raise SystemExit(f"unknown side {side!r}")


if __name__ == "__main__":
    main()
