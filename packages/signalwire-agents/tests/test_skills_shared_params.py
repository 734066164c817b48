"""The parameter builders and readers the built-in skills share (``skills/_params.py``)."""

from __future__ import annotations

import pytest

from signalwire.agents import AgentBase
from signalwire.agents.skills import skill_registry
from signalwire.agents.skills._params import api_key_param, base_url_param, tool_name_param


def test_builders_write_the_entries_skills_declared_by_hand() -> None:
    assert api_key_param("Key", "SOME_KEY") == {
        "type": "string",
        "description": "Key",
        "required": True,
        "hidden": True,
        "env_var": "SOME_KEY",
    }
    assert base_url_param("URL", "https://x.example") == {
        "type": "string",
        "description": "URL",
        "default": "https://x.example",
        "required": False,
    }
    assert base_url_param("URL") == {"type": "string", "description": "URL", "required": False}
    assert tool_name_param("Name", "t") == {
        "type": "string",
        "description": "Name",
        "default": "t",
        "required": False,
    }
    assert tool_name_param("Name", None) == {
        "type": "string",
        "description": "Name",
        "default": None,
        "required": False,
    }
    assert tool_name_param("Name", "t", required=None) == {
        "type": "string",
        "description": "Name",
        "default": "t",
    }


@pytest.mark.parametrize(
    ("skill", "env_var"),
    [
        ("joke", "API_NINJAS_KEY"),
        ("api_ninjas_trivia", "API_NINJAS_KEY"),
        ("weather_api", "WEATHER_API_KEY"),
        ("google_maps", "GOOGLE_MAPS_API_KEY"),
    ],
)
def test_a_blank_api_key_is_refused_naming_the_parameter_and_its_variable(
    skill: str, env_var: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(env_var, raising=False)
    agent = AgentBase("keys", basic_auth=("u", "p"))
    with pytest.raises(ValueError, match=f"needs the parameter 'api_key' \\(or set the {env_var}"):
        agent.add_skill(skill, {"api_key": "   "})
    assert agent.list_skills() == []


def test_an_empty_tool_name_falls_back_to_the_schema_default() -> None:
    agent = AgentBase("names", basic_auth=("u", "p"))
    agent.add_skill("joke", {"api_key": "k", "tool_name": ""})
    assert "get_joke" in agent._registered_tool_names()
    default = skill_registry.get_skill_class("joke").get_parameter_schema()["tool_name"]
    assert default["default"] == "get_joke"
