"""A plain SWMLService (no ai verb) that answers tools at /swaig/."""

from __future__ import annotations

from signalwire.agents import SWMLService

service = SWMLService("ivr", route="/ivr")
service.add_verb("answer", {})
service.add_verb("play", {"url": "say:Thanks for calling."})
service.define_tool(
    "lookup_competitor",
    "Find what a competitor charges",
    {"competitor": {"type": "string", "description": "Competitor name"}},
    lambda args, raw: {"response": f"{args['competitor']} charges 12 dollars."},
)
