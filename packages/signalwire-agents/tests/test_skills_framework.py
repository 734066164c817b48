"""The skill framework: discovery, the load sequence, parameters, instances, removal, per call."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, ClassVar

import pytest
from agents_testkit import ai_of
from skills_testkit import call_tool, fetch, functions, new_agent

from signalwire.agents import AgentBase, FunctionResult
from signalwire.agents.skills import SkillBase, SkillRegistry, list_skills_with_params
from signalwire.agents.skills.registry import skill_registry


class GreeterSkill(SkillBase):
    """A small multi-instance skill with its own parameters, used by these tests."""

    SKILL_NAME = "greeter"
    SKILL_DESCRIPTION = "Greets people"
    SUPPORTS_MULTIPLE_INSTANCES = True
    setups: ClassVar[int] = 0

    @classmethod
    def get_parameter_schema(cls) -> dict[str, dict[str, Any]]:
        schema = super().get_parameter_schema()
        schema["greeting"] = {"type": "string", "description": "Greeting", "default": "Hello"}
        schema["api_key"] = {
            "type": "string",
            "description": "Key",
            "required": True,
            "hidden": True,
            "env_var": "GREETER_API_KEY",
        }
        schema["times"] = {"type": "integer", "description": "Repeat", "min": 1, "max": 3}
        schema["tone"] = {"type": "string", "description": "Tone", "enum": ["warm", "dry"]}
        return schema

    def setup(self) -> bool:
        type(self).setups += 1
        return True

    def register_tools(self) -> None:
        self.define_tool(
            name=self.params["tool_name"],
            description="Greet someone",
            parameters={"who": {"type": "string", "description": "Name"}},
            handler=self._greet,
        )

    def _greet(self, args: dict[str, Any], raw_data: dict[str, Any]) -> FunctionResult:
        seen = self.get_skill_data(raw_data).get("count", 0)
        result = FunctionResult(f"{self.params['greeting']}, {args.get('who', 'friend')}!")
        return self.update_skill_data(result, {"count": seen + 1})

    def get_hints(self) -> list[str]:
        return [f"hint-{self.params['tool_name']}"]

    def get_global_data(self) -> dict[str, Any]:
        return {f"greeter_{self.params['tool_name']}": self.params["greeting"]}

    def _get_prompt_sections(self) -> list[dict[str, Any]]:
        return [{"title": f"Greeting {self.params['tool_name']}", "body": "Greet people."}]


def test_unknown_skill_lists_the_available_ones() -> None:
    agent = new_agent()
    with pytest.raises(
        ValueError, match=r"Failed to load skill 'nope'.*available skills:.*datetime"
    ):
        agent.add_skill("nope")
    for bad in ("../datetime", "", "a/b", "x" * 500):
        with pytest.raises(ValueError, match="not found"):
            agent.add_skill(bad)


async def test_native_vector_search_without_signalwire_search_still_answers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """This environment lacks signalwire-search: the tool is registered, answers a short
    sentence the AI can say, and the log names the package to install."""
    import importlib.util

    if importlib.util.find_spec("signalwire.search") is not None:
        pytest.skip("signalwire-search is installed here; its own tests cover the skill")
    agent = new_agent()
    with caplog.at_level("ERROR", logger="signalwire.agents.skills.native_vector_search"):
        agent.add_skill(
            "native_vector_search", {"index_file": "docs.swsearch", "tool_name": "ask_docs"}
        )
    assert "signalwire-search" in caplog.text
    assert "native_vector_search" not in skill_registry.list_all_skill_sources()["not_provided"]
    answer = await call_tool(agent, "ask_docs", {"query": "how do I transfer a call?"})
    assert answer == {
        "response": "Knowledge search is not available right now, so I can't look that up."
    }
    empty = await call_tool(agent, "ask_docs", {"query": "  "})
    assert empty == {"response": "Please tell me what to search for."}


async def test_register_skill_loads_and_runs_through_swaig(
    fresh_registry: SkillRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_registry.register_skill(GreeterSkill)
    agent = new_agent()
    agent.add_skill("greeter", {"api_key": "k", "tool_name": "greet_en"})
    agent.add_skill("greeter", {"api_key": "k", "tool_name": "greet_fr", "greeting": "Bonjour"})
    assert agent.list_skills() == ["greeter_greet_en", "greeter_greet_fr"]
    doc = await fetch(agent)
    ai = ai_of(doc)
    assert {"greet_en", "greet_fr"} <= set(functions(doc))
    assert ai["hints"] == ["hint-greet_en", "hint-greet_fr"]
    assert ai["global_data"] == {"greeter_greet_en": "Hello", "greeter_greet_fr": "Bonjour"}
    assert [s["title"] for s in ai["prompt"]["pom"]] == ["Greeting greet_en", "Greeting greet_fr"]
    state = {"skill:greeter_greet_fr": {"count": 2}}
    result = await call_tool(agent, "greet_fr", {"who": "Ana"}, global_data=state)
    assert result["response"] == "Bonjour, Ana!"
    assert result["action"] == [{"set_global_data": {"skill:greeter_greet_fr": {"count": 3}}}]


def test_same_multi_instance_key_twice_is_skipped_and_single_instance_twice_fails(
    fresh_registry: SkillRegistry,
) -> None:
    fresh_registry.register_skill(GreeterSkill)
    agent = new_agent()
    agent.add_skill("greeter", {"api_key": "k"})
    agent.add_skill("greeter", {"api_key": "k"})
    assert agent.list_skills() == ["greeter_greeter"]
    agent.add_skill("datetime")
    with pytest.raises(ValueError, match="already loaded and does not support multiple"):
        agent.add_skill("datetime")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, r"needs the parameter 'api_key' \(or set the GREETER_API_KEY environment variable\)"),
        ({"api_key": 5}, r"parameter 'api_key' .* must be of type string, got int"),
        ({"api_key": "k", "times": "2"}, r"'times' .* must be of type integer, got str"),
        ({"api_key": "k", "times": True}, r"'times' .* must be of type integer, got bool"),
        ({"api_key": "k", "times": 9}, r"'times' .* must be at most 3"),
        ({"api_key": "k", "tone": "loud"}, r"'tone' .* must be one of 'warm', 'dry'"),
        ({"api_key": "k", "swaig_fields": []}, r"'swaig_fields' .* must be of type object"),
    ],
)
def test_parameters_are_checked_against_the_skill_schema(
    fresh_registry: SkillRegistry, params: dict[str, Any], message: str
) -> None:
    fresh_registry.register_skill(GreeterSkill)
    with pytest.raises(ValueError, match=r"Failed to load skill 'greeter': .*" + message):
        new_agent().add_skill("greeter", params)


def test_the_callers_params_are_left_alone() -> None:
    params = {"swaig_fields": {"fillers": {"en-US": ["Hm"]}}, "skip_prompt": True}
    new_agent().add_skill("math", params)
    assert params == {"swaig_fields": {"fillers": {"en-US": ["Hm"]}}, "skip_prompt": True}


def test_params_must_be_a_dict() -> None:
    with pytest.raises(ValueError, match="must be a dict"):
        new_agent().add_skill("datetime", ["x"])  # type: ignore[arg-type]


def test_required_parameter_is_read_from_its_env_var(
    fresh_registry: SkillRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_registry.register_skill(GreeterSkill)
    monkeypatch.setenv("GREETER_API_KEY", "from-env")
    agent = new_agent()
    agent.add_skill("greeter")
    skill = agent.skill_manager.get_skill("greeter_greeter")
    assert skill is not None
    assert skill.params["api_key"] == "from-env"
    assert skill.params["greeting"] == "Hello"  # the default was filled in


async def test_remove_skill_takes_back_tools_hints_data_and_prompt(
    fresh_registry: SkillRegistry,
) -> None:
    fresh_registry.register_skill(GreeterSkill)
    agent = new_agent()
    agent.prompt_add_section("Role", "You greet.")
    agent.add_hint("keep-me")
    agent.set_global_data({"mine": 1})
    agent.add_skill("greeter", {"api_key": "k"})
    agent.add_skill("datetime")
    assert agent.remove_skill("greeter_greeter") is agent
    assert not agent.has_skill("greeter_greeter")
    doc = await fetch(agent)
    ai = ai_of(doc)
    assert set(functions(doc)) == {"get_current_time", "get_current_date"}
    assert ai["hints"] == ["keep-me"]
    assert ai["global_data"] == {"mine": 1}
    assert [s["title"] for s in ai["prompt"]["pom"]] == ["Role", "Date and Time Information"]
    agent.remove_skill("datetime")
    assert "SWAIG" not in ai_of(await fetch(agent))
    agent.remove_skill("datetime")  # removing twice is harmless
    agent.add_skill("datetime")  # and it can come back
    assert agent.has_skill("datetime")


def test_a_failed_register_tools_leaves_no_tool_behind(fresh_registry: SkillRegistry) -> None:
    class Clash(GreeterSkill):
        SKILL_NAME = "clash"

        def register_tools(self) -> None:
            self.define_tool(name="first", description="d", parameters={}, handler=self._greet)
            self.define_tool(name="get_current_time", description="d", parameters={}, handler=None)

    fresh_registry.register_skill(Clash)
    agent = new_agent()
    agent.add_skill("datetime")
    with pytest.raises(ValueError, match="already exists"):
        agent.add_skill("clash", {"api_key": "k"})
    assert "first" not in agent._tools
    assert agent.list_skills() == ["datetime"]


def test_skill_classes_are_checked(fresh_registry: SkillRegistry) -> None:
    class NoSchema(SkillBase):
        SKILL_NAME = "no_schema"
        SKILL_DESCRIPTION = "d"

        def setup(self) -> bool:
            return True

        def register_tools(self) -> None:
            pass

    with pytest.raises(ValueError, match="must override get_parameter_schema"):
        fresh_registry.register_skill(NoSchema)
    with pytest.raises(ValueError, match="subclass of SkillBase"):
        fresh_registry.register_skill(dict)  # type: ignore[arg-type]


def test_setup_returning_false_fails_the_load(fresh_registry: SkillRegistry) -> None:
    class Broken(GreeterSkill):
        SKILL_NAME = "broken"

        def setup(self) -> bool:
            return False

    fresh_registry.register_skill(Broken)
    with pytest.raises(ValueError, match="setup of skill 'broken' failed"):
        new_agent().add_skill("broken", {"api_key": "k"})


def test_required_env_vars_and_packages_are_checked(
    fresh_registry: SkillRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NeedsEnv(GreeterSkill):
        SKILL_NAME = "needs_env"
        REQUIRED_ENV_VARS: ClassVar[list[str]] = ["NEEDS_ENV_TOKEN"]

    class NeedsPkg(GreeterSkill):
        SKILL_NAME = "needs_pkg"
        REQUIRED_PACKAGES: ClassVar[list[str]] = ["no_such_module_xyz"]

    fresh_registry.register_skill(NeedsEnv)
    fresh_registry.register_skill(NeedsPkg)
    monkeypatch.delenv("NEEDS_ENV_TOKEN", raising=False)
    with pytest.raises(ValueError, match="missing required environment variables: NEEDS_ENV"):
        new_agent().add_skill("needs_env", {"api_key": "k"})
    with pytest.raises(ValueError, match="missing required packages: no_such_module_xyz"):
        new_agent().add_skill("needs_pkg", {"api_key": "k"})


async def test_swaig_fields_and_skip_prompt() -> None:
    agent = new_agent()
    agent.add_skill(
        "datetime",
        {"skip_prompt": True, "swaig_fields": {"fillers": {"en-US": ["One moment"]}}},
    )
    doc = await fetch(agent)
    assert functions(doc)["get_current_time"]["fillers"] == {"en-US": ["One moment"]}
    assert "pom" not in ai_of(doc)["prompt"]


def _write_skill(base: Path, name: str, reply: str) -> None:
    folder = base / name
    folder.mkdir(parents=True)
    (folder / "skill.py").write_text(
        textwrap.dedent(
            f"""
            from signalwire.agents.skills import SkillBase

            class DirSkill(SkillBase):
                SKILL_NAME = {name!r}
                SKILL_DESCRIPTION = "from a directory"

                @classmethod
                def get_parameter_schema(cls):
                    return super().get_parameter_schema()

                def setup(self):
                    return True

                def register_tools(self):
                    self.define_tool(name={name!r} + "_tool", description="d", parameters={{}},
                                     handler=lambda args, raw: {{"response": {reply!r}}})
            """
        )
    )


async def test_skill_directories_env_paths_then_added_directories(
    fresh_registry: SkillRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_dir, added_dir = tmp_path / "env", tmp_path / "added"
    _write_skill(env_dir, "shared_name", "from env")
    _write_skill(added_dir, "shared_name", "from added")
    _write_skill(added_dir, "only_added", "added only")
    monkeypatch.setenv("SIGNALWIRE_SKILL_PATHS", str(env_dir))
    fresh_registry.add_skill_directory(str(added_dir))
    agent = new_agent()
    agent.add_skill("shared_name").add_skill("only_added")
    assert (await call_tool(agent, "shared_name_tool", {}))["response"] == "from env"
    assert (await call_tool(agent, "only_added_tool", {}))["response"] == "added only"
    sources = fresh_registry.list_all_skill_sources()
    assert sources["external_paths"] == ["only_added", "shared_name"]
    with pytest.raises(ValueError, match="does not exist"):
        fresh_registry.add_skill_directory(str(tmp_path / "missing"))


def test_builtin_wins_over_a_registered_class_of_the_same_name(
    fresh_registry: SkillRegistry,
) -> None:
    class FakeDatetime(GreeterSkill):
        SKILL_NAME = "datetime"

    fresh_registry.register_skill(FakeDatetime)
    agent = new_agent()
    agent.add_skill("datetime")
    assert type(agent.skill_manager.get_skill("datetime")).__name__ == "DateTimeSkill"


def test_list_skills_with_params_describes_every_builtin() -> None:
    schema = list_skills_with_params()
    entry = schema["datetime"]
    assert entry["source"] == "built-in"
    assert entry["parameters"]["skip_prompt"]["type"] == "boolean"
    assert entry["supports_multiple_instances"] is False
    import signalwire.agents as agents

    assert {s["name"] for s in agents.list_skills()} == set(schema)


async def test_a_skill_added_per_call_exists_for_that_call_only() -> None:
    agent = new_agent()

    def per_call(query: dict[str, str], body: Any, headers: Any, copy: AgentBase) -> None:
        if query.get("tier") == "gold":
            copy.add_skill("math")
            copy.add_swaig_query_params({"tier": "gold"})

    agent.set_dynamic_config_callback(per_call)
    agent.add_skill("datetime")
    gold = await fetch(agent, "?tier=gold")
    assert "calculate" in functions(gold)
    assert "get_current_time" in functions(gold)
    result = await call_tool(agent, "calculate", {"expression": "2 + 3 * 4"}, query="?tier=gold")
    assert result["response"] == "2 + 3 * 4 = 14"
    plain = await fetch(agent)
    assert "calculate" not in functions(plain)
    assert agent.list_skills() == ["datetime"]
    assert "calculate" not in agent._tools


async def test_a_skill_removed_per_call_stays_on_the_agent() -> None:
    agent = new_agent()
    agent.add_skill("datetime")
    agent.set_dynamic_config_callback(lambda q, b, h, copy: copy.remove_skill("datetime"))
    doc = await fetch(agent)
    assert "SWAIG" not in ai_of(doc)
    assert agent.has_skill("datetime")
    assert "get_current_time" in agent._tools


def test_importing_and_building_an_agent_loads_no_skill_module() -> None:
    code = (
        "import sys, json\n"
        "import signalwire.agents as a\n"
        "a.AgentBase('x', basic_auth=('u', 'p')).render_swml()\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('signalwire.agents.skills.')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    builtin = [m for m in loaded if m.rsplit(".", 1)[-1] == "skill"]
    assert builtin == [], builtin


async def test_entry_point_skill_from_an_installed_distribution(
    fresh_registry: SkillRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "ep_weather_skill"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """
            from signalwire.agents.skills import SkillBase

            class EpSkill(SkillBase):
                SKILL_NAME = "ep_weather"
                SKILL_DESCRIPTION = "installed through an entry point"

                @classmethod
                def get_parameter_schema(cls):
                    return super().get_parameter_schema()

                def setup(self):
                    return True

                def register_tools(self):
                    self.define_tool(name="ep_tool", description="d", parameters={},
                                     handler=lambda args, raw: {"response": "sunny"})
            """
        )
    )
    dist = tmp_path / "ep_weather_skill-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ep-weather-skill\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[signalwire.skills]\nep_weather = ep_weather_skill:EpSkill\n"
        "datetime = ep_weather_skill:EpSkill\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    agent = new_agent()
    agent.add_skill("ep_weather")
    assert (await call_tool(agent, "ep_tool", {}))["response"] == "sunny"
    assert "ep_weather" in fresh_registry.list_all_skill_sources()["entry_points"]
    assert list_skills_with_params()["ep_weather"]["source"] == "entry_point"
    # An entry point cannot replace a built-in skill.
    agent.add_skill("datetime")
    assert type(agent.skill_manager.get_skill("datetime")).__name__ == "DateTimeSkill"
