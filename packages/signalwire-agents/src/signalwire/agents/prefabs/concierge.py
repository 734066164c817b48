"""ConciergeAgent: a virtual concierge for a venue's services, amenities and hours."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from signalwire.agents._agent_base import AgentBase
from signalwire.agents._function_result import FunctionResult

__all__ = ["ConciergeAgent"]

log = logging.getLogger("signalwire.agents.prefabs")

_SUMMARY = """Return a JSON summary of the conversation:
{
  "topic": "MAIN_TOPIC",
  "service_requested": "SPECIFIC_SERVICE_REQUESTED_OR_null",
  "questions_answered": ["QUESTION_1", "QUESTION_2"],
  "follow_up_needed": true or false
}"""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")


class ConciergeAgent(AgentBase):
    """Answers questions about a venue and checks service availability.

    ``amenities`` maps each amenity to its details (``hours``, ``location``,
    ...). Tools: ``check_availability(service, date, time)`` and
    ``get_directions(location)``. Availability is answered from the configured
    services; override :meth:`check_availability` to ask a booking system.
    """

    def __init__(
        self,
        venue_name: str,
        services: list[str],
        amenities: dict[str, dict[str, str]],
        hours_of_operation: dict[str, str] | None = None,
        special_instructions: list[str] | None = None,
        welcome_message: str | None = None,
        name: str = "concierge",
        route: str = "/concierge",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("use_pom", True)
        super().__init__(name=name, route=route, **kwargs)
        self._define_prefab_tools()
        if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
            raise ValueError("services must be a list of strings")
        if not isinstance(amenities, dict) or not all(
            isinstance(v, dict) for v in amenities.values()
        ):
            raise ValueError("amenities must map each amenity name to a dict of details")
        self.venue_name = venue_name
        self.services = list(services)
        self.amenities = {str(k): dict(v) for k, v in amenities.items()}
        self.hours_of_operation = dict(hours_of_operation or {"default": "9 AM - 5 PM"})
        self.special_instructions = list(special_instructions or [])
        self.prompt_add_section(
            "Personality",
            body=f"You are the friendly, professional virtual concierge of {venue_name}.",
        )
        self.prompt_add_section(
            "Goal", body="Help guests with information, recommendations and bookings."
        )
        self.prompt_add_section(
            "Instructions",
            bullets=[
                "Be warm and welcoming, and stay professional.",
                "Give accurate details about amenities, services and opening hours.",
                "Offer to check availability when a guest wants to book something.",
                "Keep answers short and specific.",
                *self.special_instructions,
            ],
        )
        self.prompt_add_section(
            "Available Services", body=f"Services offered: {', '.join(self.services)}"
        )
        self.prompt_add_section(
            "Amenities",
            body="About the amenities:",
            subsections=[
                {
                    "title": amenity.title(),
                    "body": "\n".join(f"{k.title()}: {v}" for k, v in details.items()),
                }
                for amenity, details in self.amenities.items()
            ],
        )
        self.prompt_add_section(
            "Hours of Operation",
            body="\n".join(f"{k.title()}: {v}" for k, v in self.hours_of_operation.items()),
        )
        self.set_post_prompt(_SUMMARY)
        self.add_hints([venue_name, *self.services, *self.amenities])
        self.set_params(
            {
                "wait_for_user": False,
                "end_of_speech_timeout": 1000,
                "ai_volume": 5,
                "local_tz": "America/New_York",
            }
        )
        self.set_global_data(
            {
                "venue_name": venue_name,
                "services": self.services,
                "amenities": self.amenities,
                "hours": self.hours_of_operation,
            }
        )
        self.set_native_functions(["check_time"])
        if welcome_message:
            self.set_params({"static_greeting": welcome_message, "static_greeting_no_barge": True})

    def _define_prefab_tools(self) -> None:
        # The documented tools, bound to this instance's methods.
        self.define_tool(
            name="check_availability",
            description="Check whether a service is available on a date and time",
            parameters={
                "service": {"type": "string", "description": "The service, e.g. spa or restaurant"},
                "date": {"type": "string", "description": "The date, YYYY-MM-DD"},
                "time": {"type": "string", "description": "The time, HH:MM (24-hour)"},
            },
            handler=self.check_availability,
        )
        self.define_tool(
            name="get_directions",
            description="Give directions to an amenity or place in the venue",
            parameters={"location": {"type": "string", "description": "The amenity or place"}},
            handler=self.get_directions,
        )

    def check_availability(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        """Tool: whether the venue offers the service, and at what date and time."""
        service = args.get("service")
        service = service.strip()[:100] if isinstance(service, str) else ""
        offered = {s.lower(): s for s in self.services}
        if service.lower() not in offered:
            return FunctionResult(
                f"We don't offer {service or 'that'} at {self.venue_name}. Our services are: "
                f"{', '.join(self.services)}."
            )
        date, time = args.get("date"), args.get("time")
        if not (isinstance(date, str) and _DATE.match(date.strip())):
            return FunctionResult(
                "Which date would you like? Please give it as year, month and day."
            )
        if not (isinstance(time, str) and _TIME.match(time.strip())):
            return FunctionResult("What time would you like? Please give hours and minutes.")
        return FunctionResult(
            f"Yes, {offered[service.lower()]} is available on {date.strip()} at {time.strip()}. "
            "Would you like to make a reservation?"
        )

    def get_directions(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        """Tool: where an amenity is, from its configured ``location``."""
        wanted = args.get("location")
        wanted = wanted.strip().lower()[:100] if isinstance(wanted, str) else ""
        for amenity, details in self.amenities.items():
            if amenity.lower() == wanted and details.get("location"):
                place = details["location"]
                return FunctionResult(
                    f"The {amenity} is at {place}. From the main entrance, follow the signs to "
                    f"{place}."
                )
        return FunctionResult(
            f"I don't have directions to {wanted or 'that place'}. The front desk will be happy "
            "to help."
        )

    def on_summary(
        self, summary: dict[str, Any] | str | None, raw_data: dict[str, Any] | None = None
    ) -> Any:
        """Log the conversation summary (override to store it)."""
        if summary:
            shown = json.dumps(summary) if isinstance(summary, dict) else str(summary)
            log.info("concierge conversation summary: %s", shown[:2000])
        return None
