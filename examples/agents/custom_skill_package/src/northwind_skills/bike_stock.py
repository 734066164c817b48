"""The ``bike_stock`` skill: how many bikes of a model a store has."""

from __future__ import annotations

from typing import Any

from signalwire.agents import FunctionResult
from signalwire.agents.skills import SkillBase

STOCK = {"downtown": {"roadster": 4, "trailblazer": 0}, "harbor": {"roadster": 1}}


class BikeStockSkill(SkillBase):
    """Answers stock questions for one store."""

    SKILL_NAME = "bike_stock"
    SKILL_DESCRIPTION = "Bike stock levels for a store"

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        schema = super().get_parameter_schema()
        schema["store"] = {
            "type": "string",
            "description": "The store whose stock the tool reports",
            "enum": sorted(STOCK),
            "default": "downtown",
        }
        return schema

    def setup(self) -> bool:
        return True

    def register_tools(self) -> None:
        self.define_tool(
            name="bike_stock",
            description="How many bikes of a model are in stock",
            parameters={"model": {"type": "string", "description": "The bike model"}},
            handler=self._stock,
        )

    def _stock(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        model = str(args.get("model", "")).lower()
        count = STOCK[self.params["store"]].get(model)
        if count is None:
            return FunctionResult(f"We don't carry a model called {model or 'that'}.")
        return FunctionResult(f"The {self.params['store']} store has {count} {model} in stock.")

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [{"title": "Stock", "body": "Use bike_stock when a caller asks what is in stock."}]
