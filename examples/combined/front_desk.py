"""One service, three namespaces: an AI agent, a RELAY call router and the REST API.

* ``signalwire.agents``: the ``FrontDesk`` agent books a table; its ``book_table`` tool
  texts the caller a confirmation through ``signalwire.rest`` (the compatibility
  Messages API).
* ``signalwire.relay``: a ``RelayClient`` in the same process answers inbound calls on
  the ``office`` context and routes them: the sales number is bridged to the sales line,
  every other call hears the opening hours.

Run it against your space (``SIGNALWIRE_PROJECT_ID``, ``SIGNALWIRE_API_TOKEN``,
``SIGNALWIRE_SPACE``, ``SALES_LINE``, ``FROM_NUMBER``) with ``uv run
examples/combined/front_desk.py``: the agent serves on port 3000 and the router listens
on RELAY. Offline, ``packages/signalwire-testing/tests/test_combined_example.py`` runs
the whole service against signalwire-testing's fake platform.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from signalwire.agents import AgentBase, FunctionResult
from signalwire.relay import RelayClient
from signalwire.rest import RestClient

SALES_NUMBER = "+15550107000"


class FrontDesk(AgentBase):
    """Takes table bookings and texts the caller a confirmation."""

    def __init__(self, rest: RestClient, from_number: str) -> None:
        super().__init__(name="front-desk", route="/desk")
        self.rest = rest
        self.from_number = from_number
        self.prompt_add_section("Role", "You take table bookings for Chez Nous.")
        self.define_tool(
            "book_table",
            "Book a table and text the caller a confirmation.",
            {
                "phone": {"type": "string", "description": "Caller's mobile number"},
                "time": {"type": "string", "description": "Booking time, e.g. 19:30"},
            },
            self.book_table,
            required=["phone", "time"],
        )

    def book_table(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        """Send the confirmation SMS through the REST API; tell the AI what happened."""
        message = self.rest.compat.messages.create(
            To=args["phone"],
            From=self.from_number,
            Body=f"Your table is booked for {args['time']}.",
        )
        return FunctionResult(f"Booked for {args['time']}; confirmation sent.").update_global_data(
            {"booking": {"time": args["time"], "sms_sid": message["sid"]}}
        )


def make_router(sales_line: str, **relay_options: Any) -> RelayClient:
    """A RelayClient routing the ``office`` context's inbound calls."""
    client = RelayClient(contexts=["office"], **relay_options)

    @client.on_call
    async def route(call: Any) -> None:
        await call.answer()
        params = call.device.get("params", {})
        if params.get("to_number") == SALES_NUMBER:
            caller = params.get("from_number", "")
            await call.connect(
                [[{"type": "phone", "params": {"to_number": sales_line, "from_number": caller}}]]
            )
            return
        play = await call.play_tts("We are open from noon to midnight. Goodbye.")
        await play.wait(timeout=30)
        await call.hangup()

    return client


async def serve(agent: FrontDesk, router: RelayClient, port: int) -> None:
    """Serve the agent over HTTP and run the router, in one event loop."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(agent.get_app(), host="0.0.0.0", port=port))
    async with router:
        await server.serve()


def main() -> None:
    """Run against the SignalWire space configured in the environment."""
    rest = RestClient()
    agent = FrontDesk(rest, os.environ.get("FROM_NUMBER", "+15550100000"))
    router = make_router(os.environ.get("SALES_LINE", "+15550107001"))
    asyncio.run(serve(agent, router, int(os.environ.get("PORT", "3000"))))


if __name__ == "__main__":
    main()
