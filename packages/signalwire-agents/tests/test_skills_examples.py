"""The skill, prefab and Bedrock examples render schema-valid SWML and their tools answer."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pytest
from agents_testkit import ai_of
from skills_testkit import call_tool, functions

from signalwire.agents.skills import SkillRegistry
from signalwire.testing.swml import validate_swml

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "agents"
PACKAGE = EXAMPLES / "custom_skill_package"


@pytest.fixture(autouse=True)
def _creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWML_BASIC_AUTH_USER", "signalwire")
    monkeypatch.setenv("SWML_BASIC_AUTH_PASSWORD", "s3cret")


def dump(path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setattr(sys, "argv", [str(path), "--dump"])
    runpy.run_path(str(path), run_name="__main__")
    return validate_swml(json.loads(capsys.readouterr().out))


@pytest.mark.parametrize(
    "name",
    [
        "skills_agent.py",
        "prefab_info_gatherer.py",
        "prefab_survey.py",
        "prefab_receptionist.py",
        "prefab_faq_bot.py",
        "prefab_concierge.py",
        "bedrock_agent.py",
    ],
)
def test_example_dumps_schema_valid_swml(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = dump(EXAMPLES / name, monkeypatch, capsys)
    verbs = [next(iter(v)) for v in document["sections"]["main"]]
    assert ("amazon_bedrock" if name == "bedrock_agent.py" else "ai") in verbs


async def test_skills_agent_tools_answer() -> None:
    agent = runpy.run_path(str(EXAMPLES / "skills_agent.py"), run_name="example")["agent"]
    assert agent.list_skills() == ["datetime", "math", "swml_transfer_transfer_call"]
    result = await call_tool(agent, "calculate", {"expression": "19 * 3"})
    assert result == {"response": "19 * 3 = 57"}
    assert "The current time is" in (await call_tool(agent, "get_current_time", {}))["response"]


async def test_info_gatherer_example_picks_questions_per_call() -> None:
    from skills_testkit import fetch

    agent = runpy.run_path(str(EXAMPLES / "prefab_info_gatherer.py"), run_name="example")["agent"]
    support = ai_of(await fetch(agent, "?set=support"))["global_data"]["questions"]
    assert [q["key_name"] for q in support] == ["name", "order", "issue"]
    plain = ai_of(await fetch(agent))["global_data"]["questions"]
    assert [q["key_name"] for q in plain] == ["name", "callback"]


def _install_example_package(site: Path) -> None:
    """Install the example package the way pip leaves it: sources plus a dist-info with the
    entry points its pyproject.toml declares."""
    lines = PACKAGE.joinpath("pyproject.toml").read_text().splitlines()
    start = lines.index('[project.entry-points."signalwire.skills"]') + 1
    entries = [line for line in lines[start:] if "=" in line and not line.startswith("[")]
    entries = entries[: next((i for i, e in enumerate(entries) if e.startswith("#")), len(entries))]
    dist = site / "northwind_skills-1.0.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: northwind-skills\nVersion: 1.0.0\n"
    )
    points = "\n".join(e.replace('"', "").replace(" ", "") for e in entries)
    (dist / "entry_points.txt").write_text(f"[signalwire.skills]\n{points}\n")


async def test_custom_skill_package_is_found_through_its_entry_point(
    fresh_registry: SkillRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_example_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(PACKAGE / "src"))
    assert "bike_stock" in fresh_registry.list_all_skill_sources()["entry_points"]
    agent = runpy.run_path(str(PACKAGE / "agent.py"), run_name="example")["agent"]
    assert fresh_registry._sources["bike_stock"] == "entry_point"
    assert "bike_stock" in functions(validate_swml(agent.get_document()))
    answer = await call_tool(agent, "bike_stock", {"model": "Roadster"})
    assert answer == {"response": "The downtown store has 4 roadster in stock."}
    with pytest.raises(ValueError, match=r"'store' .* must be one of 'downtown', 'harbor'"):
        agent.add_skill("bike_stock", {"store": "mars"})


def test_custom_skill_example_runs_without_installing(
    fresh_registry: SkillRegistry,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script adds its src folder
    document = dump(PACKAGE / "agent.py", monkeypatch, capsys)
    assert fresh_registry._sources["bike_stock"] == "registered"
    assert "bike_stock" in functions(document)
