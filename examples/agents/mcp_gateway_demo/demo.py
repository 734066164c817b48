"""An MCP server behind the MCP gateway, used by an agent through the mcp_gateway skill.

    python examples/agents/mcp_gateway_demo/demo.py --demo   # offline: gateway on 127.0.0.1, one tool call
    mcp-gateway -c config.json                          # the gateway on its own (see CONFIG)

The gateway starts only the servers its configuration names, one process per call
(session), and closes it when the call hangs up (the skill's hangup hook) or goes idle.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path
from typing import Any

from signalwire.agents import AgentBase
from signalwire.agents.mcp_gateway import MCPGateway

HERE = Path(__file__).resolve().parent
CONFIG: dict[str, Any] = {
    "server": {
        "host": "127.0.0.1",
        "port": 8080,
        "auth_user": "admin",
        "auth_password": "${MCP_AUTH_PASSWORD|demo-password}",
    },
    "services": {
        "todo": {
            "command": [sys.executable, str(HERE / "todo_server.py")],
            "description": "A to-do list",
        },
    },
    "session": {"default_timeout": 300, "call_timeout": 10, "sandbox_dir": "./sandbox"},
}


def serve_in_background(gateway: MCPGateway) -> tuple[str, Any]:
    """Serve the gateway with uvicorn on a free port of 127.0.0.1; its URL and a stop()."""
    import uvicorn

    started = threading.Event()

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            started.set()

    server = Server(uvicorn.Config(gateway.app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    if not started.wait(20):
        raise RuntimeError("the gateway did not start")
    port = server.servers[0].sockets[0].getsockname()[1]

    def stop() -> None:
        server.should_exit = True
        thread.join(20)

    return f"http://127.0.0.1:{port}", stop


def build_agent(gateway_url: str) -> AgentBase:
    agent = AgentBase("todo-agent", route="/todo")
    agent.set_prompt_text("You keep the caller's to-do list with the MCP tools.")
    agent.add_skill(
        "mcp_gateway",
        {
            "gateway_url": gateway_url,
            "auth_user": "admin",
            "auth_password": "demo-password",
            "services": [{"name": "todo", "tools": "*"}],
        },
    )
    return agent


async def call(agent: AgentBase, name: str, args: dict[str, Any]) -> str:
    """Call a tool the way the platform does, in process."""
    import httpx

    user, password = agent.get_basic_auth_credentials()
    body = {"function": name, "argument": {"parsed": [args]}, "call_id": "demo-call"}
    transport = httpx.ASGITransport(app=agent.get_app())
    async with httpx.AsyncClient(
        transport=transport, base_url="http://agent.local", auth=(user, password)
    ) as client:
        swml = (await client.post("/todo/", json={"call_id": "demo-call"})).json()
        ai = next(v["ai"] for v in swml["sections"]["main"] if "ai" in v)
        fn = next(f for f in ai["SWAIG"]["functions"] if f["function"] == name)
        url = fn.get("web_hook_url") or ai["SWAIG"]["defaults"]["web_hook_url"]
        resp = await client.post("/" + url.split("/", 3)[3], json=body)
        return str(resp.json()["response"])


def demo() -> list[str]:
    import os

    os.environ.setdefault("SWML_ALLOW_PRIVATE_URLS", "1")  # the gateway is on 127.0.0.1
    gateway = MCPGateway(config=CONFIG)
    url, stop = serve_in_background(gateway)
    try:
        agent = build_agent(url)
        lines = [asyncio.run(call(agent, "mcp_todo_add_todo", {"text": "buy milk"}))]
        lines.append(asyncio.run(call(agent, "mcp_todo_list_todos", {})))
        lines.append(asyncio.run(call(agent, "hangup_hook", {})))
    finally:
        stop()
    return lines


if __name__ == "__main__":
    if "--demo" in sys.argv:
        for line in demo():
            print(line)
    else:
        MCPGateway(config=CONFIG).run()
