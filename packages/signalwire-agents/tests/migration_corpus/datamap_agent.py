"""Server-side DataMap tools next to a local tool."""

from signalwire import AgentBase
from signalwire.core.data_map import DataMap, create_expression_tool
from signalwire.core.function_result import FunctionResult

agent = AgentBase(name="weather")
agent.prompt_add_section("Role", "You tell callers the weather.")

weather = (
    DataMap("get_weather")
    .purpose("Current weather for a city")
    .parameter("city", "string", "City name", required=True)
    .webhook("GET", "https://api.example.com/weather?q=${enc:args.city}")
    .output(FunctionResult("It is ${current.temp_c} degrees in ${args.city}."))
    .fallback_output(FunctionResult("The weather service is unavailable."))
)
agent.register_swaig_function(weather.to_swaig_function())
agent.register_swaig_function(
    create_expression_tool(
        "units",
        {"${args.unit}": (r"^f", FunctionResult("Fahrenheit it is."))},
        parameters={"unit": {"type": "string", "description": "c or f"}},
    ).to_swaig_function()
)


@agent.tool(description="Say which cities are covered")
def coverage(args, raw_data):
    return FunctionResult("We cover every capital city.")


if __name__ == "__main__":
    agent.run()
