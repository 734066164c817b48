"""The ``api_ninjas_trivia`` skill: a trivia question and its answer from API Ninjas.

A DataMap tool (``get_trivia``, argument ``category``): SignalWire calls
``{base_url}/trivia?category=<category>`` with the ``X-Api-Key`` header. Several
instances can be loaded, each with its own ``tool_name`` and ``categories``.

Parameters: ``api_key`` (required; ``API_NINJAS_KEY``), ``tool_name``
(``get_trivia``), ``categories`` (a list; every category when omitted) and
``base_url`` (``https://api.api-ninjas.com/v1``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from signalwire.agents import DataMap, FunctionResult
from signalwire.agents.skills import SkillBase, SkillParameterError
from signalwire.agents.skills._params import (
    DATAMAP_ERROR_KEYS,
    api_key_param,
    base_url_param,
    required_text,
    text_param,
    tool_name_param,
)

DEFAULT_BASE_URL = "https://api.api-ninjas.com/v1"

#: API Ninjas' trivia categories and how to say them.
CATEGORIES: dict[str, str] = {
    "artliterature": "Art and Literature",
    "language": "Language",
    "sciencenature": "Science and Nature",
    "general": "General Knowledge",
    "fooddrink": "Food and Drink",
    "peopleplaces": "People and Places",
    "geography": "Geography",
    "historyholidays": "History and Holidays",
    "entertainment": "Entertainment",
    "toysgames": "Toys and Games",
    "music": "Music",
    "mathematics": "Mathematics",
    "religionmythology": "Religion and Mythology",
    "sportsleisure": "Sports and Leisure",
}


class ApiNinjasTriviaSkill(SkillBase):
    """Trivia questions fetched by the platform from API Ninjas (DataMap)."""

    SKILL_NAME = "api_ninjas_trivia"
    SKILL_DESCRIPTION = "Trivia questions from API Ninjas"
    SKILL_VERSION = "1.0.0"
    REQUIRED_PACKAGES: ClassVar[list[str]] = []
    REQUIRED_ENV_VARS: ClassVar[list[str]] = []
    SUPPORTS_MULTIPLE_INSTANCES = True

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        """The base parameters plus the API key, tool name, categories and base URL."""
        schema = super().get_parameter_schema()
        schema.update(
            {
                "tool_name": tool_name_param("Name of this instance's trivia tool", "get_trivia"),
                "api_key": api_key_param("API Ninjas API key", "API_NINJAS_KEY"),
                "categories": {
                    "type": "array",
                    "description": "Categories the tool offers (all when omitted): "
                    + ", ".join(CATEGORIES),
                    "default": list(CATEGORIES),
                    "required": False,
                    "items": {"type": "string", "enum": list(CATEGORIES)},
                },
                "base_url": base_url_param(
                    "API Ninjas base URL (override for tests or a proxy)", DEFAULT_BASE_URL
                ),
            }
        )
        return schema

    def setup(self) -> bool:
        """Check the key and the categories."""
        self.api_key = required_text(self, "api_key")
        categories = self.params.get("categories") or list(CATEGORIES)
        unknown = [c for c in categories if c not in CATEGORIES]
        if unknown:
            raise SkillParameterError(
                f"parameter 'categories' of skill 'api_ninjas_trivia' has unknown "
                f"categories {unknown}; choose from {', '.join(CATEGORIES)}"
            )
        self.categories = list(dict.fromkeys(categories))
        self.tool_name = text_param(self, "tool_name")
        self.base_url = text_param(self, "base_url").rstrip("/")
        return True

    def register_tools(self) -> None:
        """Register the DataMap tool."""
        choices = "; ".join(f"{c}: {CATEGORIES[c]}" for c in self.categories)
        dm = (
            DataMap(self.tool_name)
            .description("Fetch a trivia question with its answer from a chosen category")
            .parameter(
                "category",
                "string",
                f"The trivia category. Choices: {choices}",
                required=True,
                enum=self.categories,
            )
            .webhook(
                "GET",
                f"{self.base_url}/trivia?category=%{{args.category}}",
                headers={"X-Api-Key": self.api_key},
            )
            .error_keys(DATAMAP_ERROR_KEYS)
            .output(
                FunctionResult(
                    "Trivia from %{array[0].category}. Question: %{array[0].question} "
                    "Answer: %{array[0].answer}. Ask the question first and give the caller "
                    "a chance to answer before you reveal the answer."
                )
            )
            .fallback_output(
                FunctionResult("Sorry, I cannot fetch a trivia question right now. Try again soon.")
            )
        )
        function = dm.to_swaig_function()
        function.update(self.swaig_fields)
        self.agent.register_swaig_function(function)
