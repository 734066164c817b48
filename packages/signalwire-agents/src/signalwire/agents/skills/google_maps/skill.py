"""The ``google_maps`` skill: find addresses and places, and time a drive between them.

Tools:

* ``lookup_address`` (``address``, optional ``bias_lat``/``bias_lng``): with
  a bias point, Places Nearby Search (``rankby=distance``) finds the closest
  place whose name contains the words; otherwise, or when that finds nothing,
  Places Autocomplete picks the best match. Place Details gives the full
  address and coordinates. Spoken numbers are turned into digits first
  ("seven one four East Street" -> "714 East Street").
* ``compute_route`` (``origin_lat``, ``origin_lng``, ``dest_lat``,
  ``dest_lng``): the Routes API's driving distance and traffic-aware time.

Parameters: ``api_key`` (required; ``GOOGLE_MAPS_API_KEY``),
``lookup_tool_name``, ``route_tool_name``, ``timeout`` (10 s per request),
``maps_base_url`` (``https://maps.googleapis.com``) and ``routes_base_url``
(``https://routes.googleapis.com``).
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills._guard import guarded
from signalwire.agents.skills._params import (
    api_key_param,
    base_url_param,
    required_text,
    text_param,
    tool_name_param,
)

MAPS_BASE_URL = "https://maps.googleapis.com"
ROUTES_BASE_URL = "https://routes.googleapis.com"
_METERS_PER_MILE = 1609.344

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
#: Place types that describe a plain address rather than a business.
_ADDRESS_TYPES = {
    "street_address",
    "route",
    "intersection",
    "premise",
    "subpremise",
    "postal_code",
    "locality",
    "sublocality",
    "neighborhood",
    "administrative_area_level_1",
    "administrative_area_level_2",
    "country",
    "political",
    "geocode",
}


def spoken_numbers_to_digits(text: str) -> str:
    """Turn number words into digits and join runs of them: "seven one four" -> "714"."""
    words = text.split()
    tokens: list[tuple[str, bool]] = []  # (text, came from number words)
    i = 0
    while i < len(words):
        word = words[i].lower().strip(".,")
        if word in _TENS:
            value = _TENS[word]
            nxt = words[i + 1].lower().strip(".,") if i + 1 < len(words) else ""
            if nxt in _UNITS and 0 < _UNITS[nxt] < 10:
                value += _UNITS[nxt]
                i += 1
            tokens.append((str(value), True))
        elif word in _UNITS:
            tokens.append((str(_UNITS[word]), True))
        else:
            tokens.append((words[i], False))
        i += 1
    merged: list[tuple[str, bool]] = []
    for token, spoken in tokens:
        if spoken and merged and merged[-1][1]:
            merged[-1] = (merged[-1][0] + token, True)
        else:
            merged.append((token, spoken))
    return " ".join(token for token, _ in merged)


def _coordinate(value: Any, limit: float) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or abs(number) > limit:
        return None
    return number


class GoogleMapsSkill(SkillBase):
    """Address lookup and driving routes (webhook tools)."""

    SKILL_NAME = "google_maps"
    SKILL_DESCRIPTION = "Look up addresses and places and compute driving routes with Google Maps"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = ["httpx"]
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters plus the key, tool names, timeout and base URLs."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "api_key": api_key_param(
                    "Google Maps API key (Places and Routes APIs enabled)", "GOOGLE_MAPS_API_KEY"
                ),
                "lookup_tool_name": tool_name_param(
                    "Name of the address lookup tool", "lookup_address"
                ),
                "route_tool_name": tool_name_param("Name of the route tool", "compute_route"),
                "timeout": {
                    "type": "number",
                    "description": "Seconds each Google request may take",
                    "default": 10.0,
                    "required": False,
                    "min": 0.1,
                    "max": 60.0,
                },
                "maps_base_url": base_url_param(
                    "Places API base URL (override for tests or a proxy)", MAPS_BASE_URL
                ),
                "routes_base_url": base_url_param(
                    "Routes API base URL (override for tests or a proxy)", ROUTES_BASE_URL
                ),
            }
        )
        return schema

    def setup(self) -> bool:
        """Check the key; read the names and URLs."""
        self.api_key = required_text(self, "api_key")
        self.lookup_tool_name = text_param(self, "lookup_tool_name")
        self.route_tool_name = text_param(self, "route_tool_name")
        self.timeout = float(self.params.get("timeout") or 10.0)
        self.maps_base_url = text_param(self, "maps_base_url").rstrip("/")
        self.routes_base_url = text_param(self, "routes_base_url").rstrip("/")
        return True

    def register_tools(self) -> None:
        """Register the lookup and route tools."""
        self.define_tool(
            name=self.lookup_tool_name,
            description="Find a street address or a business with Google Maps and return its "
            "full address and coordinates; give a bias point to find the nearest match",
            parameters={
                "address": {
                    "type": "string",
                    "description": "The address or business name, as the caller said it",
                },
                "bias_lat": {
                    "type": "number",
                    "description": "Optional latitude to search near",
                },
                "bias_lng": {
                    "type": "number",
                    "description": "Optional longitude to search near",
                },
            },
            required=["address"],
            handler=guarded(self._lookup_address, "Google Maps", self.logger),
        )
        self.define_tool(
            name=self.route_tool_name,
            description="Compute the driving distance and travel time between two points",
            parameters={
                "origin_lat": {"type": "number", "description": "Latitude of the start"},
                "origin_lng": {"type": "number", "description": "Longitude of the start"},
                "dest_lat": {"type": "number", "description": "Latitude of the destination"},
                "dest_lng": {"type": "number", "description": "Longitude of the destination"},
            },
            required=["origin_lat", "origin_lng", "dest_lat", "dest_lng"],
            handler=guarded(self._compute_route, "Google Maps", self.logger),
        )

    # -- lookup -----------------------------------------------------------------------------

    async def _places(self, endpoint: str, params: dict[str, Any]) -> dict[str, Any]:
        from signalwire.agents.skills._outbound import request_json

        data = await request_json(
            "GET",
            f"{self.maps_base_url}/maps/api/place/{endpoint}/json",
            timeout=self.timeout,
            params={**params, "key": self.api_key},
        )
        return data if isinstance(data, dict) else {}

    async def _details(self, place_id: str) -> dict[str, Any] | None:
        data = await self._places(
            "details", {"place_id": place_id, "fields": "name,formatted_address,geometry,types"}
        )
        result = data.get("result")
        if data.get("status") != "OK" or not isinstance(result, dict):
            return None
        try:
            location = result["geometry"]["location"]
            formatted = str(result["formatted_address"])
            lat, lng = float(location["lat"]), float(location["lng"])
        except (KeyError, TypeError, ValueError):
            return None
        name = str(result.get("name") or "")
        types = result.get("types") or []
        business = any(t not in _ADDRESS_TYPES for t in types if isinstance(t, str))
        address = (
            f"{name}, {formatted}"
            if business and name and not formatted.startswith(name)
            else formatted
        )
        return {
            "address": address,
            "lat": lat,
            "lng": lng,
            "business_name": name if business else "",
        }

    async def validate_address(
        self, text: str, bias_lat: float | None = None, bias_lng: float | None = None
    ) -> dict[str, Any] | None:
        """The best match for ``text`` as ``{address, lat, lng, business_name}``, or None."""
        text = spoken_numbers_to_digits(text)
        if bias_lat is not None and bias_lng is not None:
            nearby = await self._places(
                "nearbysearch",
                {"keyword": text, "location": f"{bias_lat},{bias_lng}", "rankby": "distance"},
            )
            wanted = text.lower()
            for place in nearby.get("results") or []:
                if isinstance(place, dict) and wanted in str(place.get("name", "")).lower():
                    place_id = place.get("place_id")
                    if place_id:
                        details = await self._details(str(place_id))
                        if details:
                            return details
                    break
        params: dict[str, Any] = {"input": text}
        if bias_lat is not None and bias_lng is not None:
            params.update(location=f"{bias_lat},{bias_lng}", radius=50000)
        found = await self._places("autocomplete", params)
        predictions = found.get("predictions") or []
        if found.get("status") != "OK" or not predictions or not isinstance(predictions[0], dict):
            if found.get("status") == "REQUEST_DENIED":
                self.logger.error("Google Places refused the key: %s", found.get("error_message"))
            return None
        return await self._details(str(predictions[0].get("place_id", "")))

    async def _lookup_address(
        self, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> FunctionResult:
        from signalwire.agents.skills._outbound import ServiceError, speakable

        address = args.get("address")
        if not isinstance(address, str) or not address.strip():
            return FunctionResult("Which address or business should I look up?")
        bias_lat = (
            _coordinate(args.get("bias_lat"), 90) if args.get("bias_lat") is not None else None
        )
        bias_lng = (
            _coordinate(args.get("bias_lng"), 180) if args.get("bias_lng") is not None else None
        )
        try:
            result = await self.validate_address(address.strip()[:300], bias_lat, bias_lng)
        except ServiceError as exc:
            self.logger.warning("Google Places failed: %s %s", exc.kind, exc)
            return FunctionResult(speakable("Google Maps", exc))
        if not result:
            return FunctionResult(
                "I could not find that address. Could you give me a more specific one?"
            )
        lines = [f"Address: {result['address']}"]
        if result["business_name"]:
            lines.append(f"Business: {result['business_name']}")
        lines.append(f"Coordinates: {result['lat']}, {result['lng']}")
        return FunctionResult("\n".join(lines))

    # -- route ------------------------------------------------------------------------------

    async def compute_route(
        self, origin: tuple[float, float], destination: tuple[float, float]
    ) -> tuple[int, int] | None:
        """``(meters, seconds)`` of the driving route, or None when there is none."""
        from signalwire.agents.skills._outbound import request_json

        def point(lat: float, lng: float) -> dict[str, Any]:
            return {"location": {"latLng": {"latitude": lat, "longitude": lng}}}

        data = await request_json(
            "POST",
            f"{self.routes_base_url}/directions/v2:computeRoutes",
            timeout=self.timeout,
            headers={
                "X-Goog-Api-Key": self.api_key,
                "X-Goog-FieldMask": "routes.distanceMeters,routes.duration",
            },
            json_body={
                "origin": point(*origin),
                "destination": point(*destination),
                "travelMode": "DRIVE",
                "routingPreference": "TRAFFIC_AWARE",
            },
        )
        routes = data.get("routes") if isinstance(data, dict) else None
        if not routes or not isinstance(routes[0], dict):
            return None
        route = routes[0]
        match = re.fullmatch(r"(\d+(?:\.\d+)?)s", str(route.get("duration", "0s")))
        seconds = int(float(match.group(1))) if match else 0
        meters = route.get("distanceMeters", 0)
        return (int(meters) if isinstance(meters, (int, float)) else 0), seconds

    async def _compute_route(
        self, args: dict[str, Any], raw_data: dict[str, Any]
    ) -> FunctionResult:
        from signalwire.agents.skills._outbound import ServiceError, speakable

        values = [
            _coordinate(args.get(name), limit)
            for name, limit in (
                ("origin_lat", 90),
                ("origin_lng", 180),
                ("dest_lat", 90),
                ("dest_lng", 180),
            )
        ]
        if any(v is None for v in values):
            return FunctionResult(
                "I need the start and destination as latitude and longitude numbers: "
                "origin_lat, origin_lng, dest_lat and dest_lng."
            )
        o_lat, o_lng, d_lat, d_lng = (float(v) for v in values if v is not None)
        try:
            route = await self.compute_route((o_lat, o_lng), (d_lat, d_lng))
        except ServiceError as exc:
            self.logger.warning("Google Routes failed: %s %s", exc.kind, exc)
            return FunctionResult(speakable("Google Maps", exc))
        if route is None:
            return FunctionResult(
                "I could not find a driving route between those places. Please check them."
            )
        meters, seconds = route
        return FunctionResult(
            f"Distance: {meters / _METERS_PER_MILE:.1f} miles\n"
            f"Estimated travel time: {seconds // 60} minutes"
        )

    def get_hints(self) -> list[str]:
        """Words callers use around addresses and directions."""
        return ["address", "location", "route", "directions", "miles", "distance"]

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [
            {
                "title": "Google Maps",
                "body": "You can find addresses and places and work out driving times.",
                "bullets": [
                    f"Use {self.lookup_tool_name} to confirm an address or find a business",
                    f"Use {self.route_tool_name} with two sets of coordinates for distance and time",
                    "Spoken numbers in an address are understood ('seven one four' is 714)",
                    "Pass a bias point to find the branch of a business nearest to it",
                ],
            }
        ]
