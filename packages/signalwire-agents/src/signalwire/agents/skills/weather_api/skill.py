"""The ``weather_api`` skill: current weather for a place, from WeatherAPI.com.

A DataMap tool (``get_weather``, argument ``location``): SignalWire itself calls
``{base_url}/current.json`` during the call, so no request reaches the agent.
The API key is therefore part of the rendered SWML, as with every DataMap tool
that calls a keyed service.

Parameters: ``api_key`` (required; ``WEATHER_API_KEY``), ``tool_name``
(``get_weather``), ``temperature_unit`` (``fahrenheit`` or ``celsius``) and
``base_url`` (``https://api.weatherapi.com/v1``; point it at a test server).
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from signalwire.agents import DataMap, FunctionResult
from signalwire.agents.skills import SkillBase
from signalwire.agents.skills._params import (
    DATAMAP_ERROR_KEYS,
    api_key_param,
    base_url_param,
    required_text,
    text_param,
    tool_name_param,
)

DEFAULT_BASE_URL = "https://api.weatherapi.com/v1"

_UNITS = {
    # unit: (temperature field suffix, spoken unit, wind field, spoken wind unit)
    "fahrenheit": ("f", "degrees Fahrenheit", "wind_mph", "miles per hour"),
    "celsius": ("c", "degrees Celsius", "wind_kph", "kilometers per hour"),
}


class WeatherApiSkill(SkillBase):
    """Current conditions for any place, fetched by the platform (DataMap)."""

    SKILL_NAME = "weather_api"
    SKILL_DESCRIPTION = "Current weather for a place, from WeatherAPI.com"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = []
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters plus the API key, tool name, unit and base URL."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "api_key": api_key_param("WeatherAPI.com API key", "WEATHER_API_KEY"),
                "tool_name": tool_name_param("Name of the weather tool", "get_weather"),
                "temperature_unit": {
                    "type": "string",
                    "description": "Unit the weather is reported in",
                    "default": "fahrenheit",
                    "required": False,
                    "enum": ["fahrenheit", "celsius"],
                },
                "base_url": base_url_param(
                    "WeatherAPI.com base URL (override for tests or a proxy)", DEFAULT_BASE_URL
                ),
            }
        )
        return schema

    def setup(self) -> bool:
        """Check the key; read the unit and names."""
        self.api_key = required_text(self, "api_key")
        self.tool_name = text_param(self, "tool_name")
        self.unit = str(self.params.get("temperature_unit") or "fahrenheit")
        self.base_url = text_param(self, "base_url").rstrip("/")
        return True

    def register_tools(self) -> None:
        """Register the DataMap tool."""
        temp, spoken, wind, wind_unit = _UNITS[self.unit]
        url = (
            f"{self.base_url}/current.json?key={quote(self.api_key, safe='')}"
            "&q=${lc:enc:args.location}&aqi=no"
        )
        report = FunctionResult(
            "Report the current weather in a sentence or two, saying numbers as words "
            f"and units in full (for example 'sixty one {spoken}', never '61°'). "
            "Conditions: ${current.condition.text}. "
            f"Temperature: ${{current.temp_{temp}}} {spoken}, "
            f"feels like ${{current.feelslike_{temp}}} {spoken}. "
            f"Wind: ${{current.wind_dir}} at ${{current.{wind}}} {wind_unit}. "
            "Cloud cover: ${current.cloud} percent."
        )
        dm = (
            DataMap(self.tool_name)
            .description("Get the current weather for a city, region or country")
            .parameter(
                "location",
                "string",
                "The place to report on, such as 'Paris', 'Austin, Texas' or a postal code",
                required=True,
            )
            .webhook("GET", url)
            .error_keys(DATAMAP_ERROR_KEYS)
            .output(report)
            .fallback_output(
                FunctionResult(
                    "Sorry, I could not get the weather for that place right now. "
                    "Check the place name or try again later."
                )
            )
        )
        function = dm.to_swaig_function()
        function.update(self.swaig_fields)
        self.agent.register_swaig_function(function)
