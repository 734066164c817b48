"""A weather agent whose tools run on the SignalWire platform (DataMap).

DataMap tools need no webhook into this process: the platform calls the
weather API itself and fills the reply from its JSON. Templates read the
tool's arguments (``${args.location}``), the call's global data and, inside a
webhook's output, the API response at its root (``${current.temp_c}``).

Set ``WEATHER_API_KEY`` (https://www.weatherapi.com) before serving. The key
travels inside the SWML document, since the platform makes the request.

    uv run examples/agents/datamap_weather.py          # serve
    uv run examples/agents/datamap_weather.py --dump   # print the SWML and exit
"""

from __future__ import annotations

import json
import os
import sys

from signalwire.agents import (
    AgentBase,
    DataMap,
    FunctionResult,
    create_expression_tool,
    create_simple_api_tool,
)

API = "https://api.weatherapi.com/v1"


def weather_tool(api_key: str) -> DataMap:
    """Current conditions, with a canned answer for the word "test"."""
    return (
        DataMap("get_weather")
        .purpose("Get the current weather for a place")
        .parameter("location", "string", "City or place name", required=True)
        .parameter("units", "string", "Temperature units", enum=["celsius", "fahrenheit"])
        .expression(
            "${args.location}",
            r"^\s*test\s*$",
            FunctionResult("It is always 21 degrees and sunny in Test."),
        )
        .webhook("GET", f"{API}/current.json?key={api_key}&q=${{enc:args.location}}")
        .error_keys(["error"])
        .webhook_expressions(
            [
                {
                    "string": "${args.units}",
                    "pattern": "^fahrenheit$",
                    "output": {
                        "response": "In ${location.name} it is ${current.temp_f} F, "
                        "${current.condition.text}."
                    },
                }
            ]
        )
        .output(
            FunctionResult(
                "In ${location.name} it is ${current.temp_c} C, ${current.condition.text}."
            )
        )
        .fallback_output(FunctionResult("The weather service is not answering right now."))
    )


class WeatherAgent(AgentBase):
    """Answers weather questions with platform-side tools only."""

    def __init__(self) -> None:
        super().__init__(name="weather", route="/weather")
        api_key = os.environ.get("WEATHER_API_KEY", "YOUR_KEY")
        self.prompt_add_section(
            "Role", "You tell callers the weather. Ask for a place if they did not say one."
        )
        self.register_swaig_function(weather_tool(api_key).to_swaig_function())
        self.register_swaig_function(
            create_simple_api_tool(
                "get_astronomy",
                f"{API}/astronomy.json?key={api_key}&q=${{enc:args.location}}",
                "Sunrise ${astronomy.astro.sunrise}, sunset ${astronomy.astro.sunset}.",
                parameters={
                    "location": {"type": "string", "description": "Place", "required": True}
                },
                error_keys=["error"],
            ).to_swaig_function()
        )
        self.register_swaig_function(
            create_expression_tool(
                "set_units",
                {"${args.units}": (r"^(celsius|fahrenheit)$", FunctionResult("Noted."))},
                parameters={"units": {"type": "string", "description": "celsius or fahrenheit"}},
            )
            .fallback_output(FunctionResult("Please choose celsius or fahrenheit."))
            .to_swaig_function()
        )


def main(argv: list[str]) -> None:
    agent = WeatherAgent()
    if "--dump" in argv:
        print(json.dumps(json.loads(agent.render_swml()), indent=2))
        return
    user, password = agent.get_basic_auth_credentials()[:2]
    print(f"SWML URL: http://localhost:{agent.port}{agent.route}  (basic auth {user}:{password})")
    agent.run()


if __name__ == "__main__":
    main(sys.argv[1:])
