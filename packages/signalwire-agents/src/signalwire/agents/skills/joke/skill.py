"""The ``joke`` skill: a joke or a dad joke from API Ninjas.

A DataMap tool (``get_joke``, argument ``type``: ``jokes`` or ``dadjokes``):
SignalWire calls ``{base_url}/<type>`` with the ``X-Api-Key`` header and reads
the first joke of the answer.

Parameters: ``api_key`` (required; ``API_NINJAS_KEY``), ``tool_name``
(``get_joke``) and ``base_url`` (``https://api.api-ninjas.com/v1``).
"""

from __future__ import annotations

from typing import Any, ClassVar

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

DEFAULT_BASE_URL = "https://api.api-ninjas.com/v1"


class JokeSkill(SkillBase):
    """Tell a joke fetched by the platform from API Ninjas (DataMap)."""

    SKILL_NAME = "joke"
    SKILL_DESCRIPTION = "Jokes and dad jokes from API Ninjas"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = []
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters plus the API key, tool name and base URL."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "api_key": api_key_param("API Ninjas API key", "API_NINJAS_KEY"),
                "tool_name": tool_name_param("Name of the joke tool", "get_joke"),
                "base_url": base_url_param(
                    "API Ninjas base URL (override for tests or a proxy)", DEFAULT_BASE_URL
                ),
            }
        )
        return schema

    def setup(self) -> bool:
        """Check the key."""
        self.api_key = required_text(self, "api_key")
        self.tool_name = text_param(self, "tool_name")
        self.base_url = text_param(self, "base_url").rstrip("/")
        return True

    def register_tools(self) -> None:
        """Register the DataMap tool."""
        dm = (
            DataMap(self.tool_name)
            .description("Fetch a joke to tell the caller")
            .parameter(
                "type",
                "string",
                "Which kind of joke: 'jokes' for any joke, 'dadjokes' for a dad joke",
                required=True,
                enum=["jokes", "dadjokes"],
            )
            .webhook("GET", f"{self.base_url}/${{args.type}}", headers={"X-Api-Key": self.api_key})
            .error_keys(DATAMAP_ERROR_KEYS)
            .output(FunctionResult("Here is a joke to tell the caller: ${array[0].joke}"))
            .fallback_output(
                FunctionResult("Sorry, the joke service is not answering. Maybe try again later.")
            )
        )
        function = dm.to_swaig_function()
        function.update(self.swaig_fields)
        self.agent.register_swaig_function(function)

    def get_global_data(self) -> dict[str, Any]:
        """Flag that the joke tool is available."""
        return {"joke_skill_enabled": True}

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [
            {
                "title": "Joke Telling",
                "body": "You can lighten the mood with a joke when the caller wants one.",
                "bullets": [
                    f"Call {self.tool_name} when the caller asks for a joke or some humor",
                    "Choose 'dadjokes' for a dad joke, otherwise 'jokes'",
                    "Deliver the joke with a playful tone",
                ],
            }
        ]
