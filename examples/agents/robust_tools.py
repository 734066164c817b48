"""Tools that fail gracefully, key-value logging, the MCP route and a mounted router.

* handlers in the documented forms: ``(args, raw_data)``, typed keyword
  parameters, and no parameters at all;
* a tool that raises answers a generic sentence (the detail goes to the log
  with the call id), and a slow tool answers within its ``timeout``;
* ``self.log.info("event", key=value)`` logging;
* ``enable_mcp_server()``: the same tools for MCP clients at ``POST /mcp`` (secure
  tools, the default, need their tool token there too, as on ``/swaig/``);
* ``mount(router, prefix=...)``: your own routes in the agent's app.

Run: ``uv run examples/agents/robust_tools.py`` (``--dump`` prints the SWML).
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, Router

from signalwire.agents import AgentBase, FunctionResult


async def status(request: Request) -> JSONResponse:
    return JSONResponse({"open": True})


class StoreAgent(AgentBase):
    def __init__(self) -> None:
        super().__init__(name="store", route="/store")
        self.prompt_add_section("Role", "You answer questions about the store's orders.")
        self.tool_timeout = 5.0  # no tool keeps a caller waiting longer than this
        self.define_tool(
            "order_status",
            "Look up an order",
            {"order_id": {"type": "string", "description": "Order number"}},
            self.order_status,
        )
        self.define_tool("opening_hours", "Opening hours", {}, self.opening_hours)
        self.define_tool("inventory", "Check stock (the database is down)", {}, self.inventory)
        self.define_tool(
            "slow_report", "A report that takes too long", {}, self.slow_report, timeout=0.2
        )
        self.enable_mcp_server()
        self.mount(Router(routes=[Route("/status", status)]), prefix="/api")
        self.log.info("store_configured", route=self.route, tools=len(self.define_tools()))

    def order_status(self, order_id: str) -> FunctionResult:
        self.log.info("order_lookup", order_id=order_id)
        return FunctionResult(f"Order {order_id} shipped yesterday.")

    def opening_hours(self) -> str:
        return "We are open from nine to six."

    def inventory(self, args: dict[str, Any], raw_data: dict[str, Any]) -> str:
        raise ConnectionError("inventory db unreachable (host=db.internal)")

    async def slow_report(self) -> str:
        await asyncio.sleep(60)
        return "never reached"


def main(argv: list[str]) -> None:
    agent = StoreAgent()
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    user, password = agent.get_basic_auth_credentials()[:2]
    print(f"SWML URL: http://localhost:{agent.port}{agent.route}  (basic auth {user}:{password})")
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
